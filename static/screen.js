// screen.js: the projector page. Three jobs, no user-visible strings (they are in the
// translated template), no inline code or styles from the server (CSP); values set here go
// through the CSSOM, which the policy allows.
//
// 1. Fit: the stage's type is sized in --u × --fit (screen.css, with a floor); after every push
//    and resize the largest --fit at which the stage shows everything is searched, so long
//    content shrinks type before anything could be cut off.
// 2. Motion: a pushed result replaces the bars; each bar (data-bar) starts from the width it
//    had and grows to its new one (CSS transition ≤ 400 ms, none under reduced motion).
// 3. Operator controls: hidden, shown while the mouse moves or a key is pressed, hidden again
//    3 s after the last use, but never while they hold the focus or the pointer.
(function () {
  "use strict";

  var HIDE_AFTER_MS = 3000;
  var FIT_STEPS = 8; // binary search: 1/256 of the range is finer than a pixel of type
  var FIT_MIN = 0.2; // below this every size is at its floor anyway

  function stage() { return document.getElementById("screen-stage"); }

  function overflows(el) {
    return el.scrollHeight > el.clientHeight || el.scrollWidth > el.clientWidth;
  }

  // --fit lives on .screen, which is never swapped: htmx carries a swapped element's old
  // style attribute over while it settles, and under the CSP that write would be refused.
  function setFit(value) {
    var wall = document.querySelector(".screen");
    if (wall) wall.style.setProperty("--fit", String(value));
  }

  function search(el) {
    setFit(1);
    if (!overflows(el)) return true;
    var lo = FIT_MIN, hi = 1;
    for (var i = 0; i < FIT_STEPS; i++) {
      var mid = (lo + hi) / 2;
      setFit(mid);
      if (overflows(el)) hi = mid; else lo = mid;
    }
    setFit(lo);
    return !overflows(el);
  }

  // Type first; only when the smallest type still does not fit (twelve options of 120
  // characters), the results go into two columns ("dense") and the search runs again.
  function fit() {
    var el = stage();
    var wall = document.querySelector(".screen");
    if (!el || !wall || el.offsetParent === null) return; // hidden (join and applause modes)
    wall.classList.remove("dense");
    if (!search(el)) {
      wall.classList.add("dense");
      search(el);
    }
  }

  // ---- bars ----------------------------------------------------------------------------
  var lastWidths = {};

  function reducedMotion() {
    return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  }

  function rememberBars() {
    lastWidths = {};
    var fills = document.querySelectorAll(".bar-fill[data-bar]");
    for (var i = 0; i < fills.length; i++) {
      lastWidths[fills[i].getAttribute("data-bar")] = parseFloat(fills[i].getAttribute("width"));
    }
  }

  function growBars() {
    var widths = lastWidths;
    lastWidths = {};
    if (reducedMotion()) return;
    var fills = document.querySelectorAll(".bar-fill[data-bar]");
    for (var i = 0; i < fills.length; i++) {
      var fill = fills[i];
      var before = widths[fill.getAttribute("data-bar")];
      var now = parseFloat(fill.getAttribute("width"));
      // A bar that shrinks to 0 has nothing to scale: it simply goes.
      if (!(before >= 0) || !(now > 0) || before === now) continue;
      fill.style.transition = "none";
      fill.style.transform = "scaleX(" + before / now + ")";
      fill.getBoundingClientRect(); // the start value must be laid out before it changes
      fill.style.transition = "";
      fill.style.transform = "";
    }
  }

  // ---- operator controls -----------------------------------------------------------------
  var hideTimer = null;

  function operator() { return document.querySelector("[data-operator]"); }

  function holdsUser(panel) {
    return panel.contains(document.activeElement) || panel.matches(":hover");
  }

  function hideLater() {
    if (hideTimer !== null) clearTimeout(hideTimer);
    hideTimer = setTimeout(function () {
      hideTimer = null;
      var panel = operator();
      if (!panel) return;
      if (holdsUser(panel)) { hideLater(); return; }
      panel.setAttribute("data-shown", "false");
      document.body.classList.add("operator-idle");
    }, HIDE_AFTER_MS);
  }

  function showOperator() {
    var panel = operator();
    if (!panel) return;
    panel.setAttribute("data-shown", "true");
    document.body.classList.remove("operator-idle");
    hideLater();
  }

  // Chromium sends a mousemove of its own whenever the layout under a resting pointer changes
  // (every push would then bring the controls back): only a pointer that really moved counts.
  var lastPointer = null;

  function pointerMoved(evt) {
    var here = evt.clientX + "," + evt.clientY;
    var moved = lastPointer !== null && here !== lastPointer;
    lastPointer = here;
    if (moved) showOperator();
  }

  function setupOperator() {
    var panel = operator();
    if (!panel) return;
    panel.setAttribute("data-shown", "false");
    document.body.classList.add("operator-idle");
    document.addEventListener("mousemove", pointerMoved, { passive: true });
    // keydown runs before the browser moves the focus: a Tab lands on visible controls.
    ["pointerdown", "keydown", "touchstart"].forEach(function (type) {
      document.addEventListener(type, showOperator, { passive: true });
    });
    document.addEventListener("focusin", showOperator);
  }

  function setupFullscreen() {
    var button = document.querySelector("[data-fullscreen]");
    if (!button || !document.fullscreenEnabled) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      if (document.fullscreenElement) {
        document.exitFullscreen();
      } else {
        document.documentElement.requestFullscreen().catch(function () { /* refused */ });
      }
    });
    document.addEventListener("fullscreenchange", function () {
      button.setAttribute("aria-pressed", document.fullscreenElement ? "true" : "false");
    });
  }

  document.addEventListener("htmx:wsBeforeMessage", rememberBars);
  document.addEventListener("htmx:wsAfterMessage", function () { fit(); growBars(); });
  document.addEventListener("htmx:afterSettle", fit); // the slide's program line
  window.addEventListener("resize", fit);
  document.addEventListener("fullscreenchange", fit);
  document.addEventListener("DOMContentLoaded", function () {
    setupOperator();
    setupFullscreen();
    fit();
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(fit);
  });
})();
