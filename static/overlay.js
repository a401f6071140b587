// overlay.js: the stream overlay never cuts anything off. All its sizes hang on one CSS
// variable, --fit (static/overlay.css); when the chosen parts do not fit the picture (a long
// question, a poll with twelve options, all parts at once on a 720p canvas), this finds the
// largest --fit at which they do, after every push and on resize. No user-visible strings;
// works under script-src 'self' (it sets element.style only).
(function () {
  "use strict";

  var MIN_FIT = 0.35, STEPS = 7;

  // Everything inside the picture, and no panel whose text runs out of its plate.
  function fits(stack) {
    var r = stack.getBoundingClientRect();
    if (r.top < 0 || r.left < 0 || r.bottom > window.innerHeight + 0.5 ||
        r.right > window.innerWidth + 0.5) return false;
    var panels = stack.children;
    for (var i = 0; i < panels.length; i++) {
      var p = panels[i];
      if (p.hidden) continue;
      if (p.scrollWidth > p.clientWidth + 1 || p.scrollHeight > p.clientHeight + 1) return false;
    }
    return true;
  }

  function apply(overlay, fit) {
    overlay.style.setProperty("--fit", String(fit));
  }

  function fit() {
    var overlay = document.querySelector(".overlay");
    var stack = overlay && overlay.querySelector("[data-overlay-fit]");
    if (!stack) return;
    // Measured in one go (no paint in between): the picture never shows a size tried here.
    overlay.removeAttribute("data-fit");
    apply(overlay, 1);
    var result = "full";
    if (!fits(stack)) {
      var lo = MIN_FIT, hi = 1;
      for (var i = 0; i < STEPS; i++) {
        var mid = (lo + hi) / 2;
        apply(overlay, mid);
        if (fits(stack)) lo = mid; else hi = mid;
      }
      apply(overlay, lo);
      result = fits(stack) ? "shrunk" : "min";
    }
    overlay.setAttribute("data-fit", result);
  }

  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    // A timer, not requestAnimationFrame: that one pauses where the page is not painted.
    window.setTimeout(function () { pending = false; fit(); }, 0);
  }

  document.addEventListener("htmx:wsAfterMessage", schedule);
  document.addEventListener("htmx:afterSettle", schedule);
  window.addEventListener("resize", schedule);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fit);
  else fit();
})();
