// overlay.js: the stream overlay never cuts anything off. All its sizes hang on one CSS
// variable, --fit (static/overlay.css); when the chosen parts do not fit the picture (a long
// question, a poll with twelve options, all parts at once on a 720p canvas), this finds the
// largest --fit at which they do, after every push and on resize. No user-visible strings;
// works under script-src 'self' (it sets element.style only).
(function () {
  "use strict";

  var MIN_FIT = 0.35, STEPS = 7;

  // Everything inside the picture's safe margin (the gap the CSS keeps, 3 % of its height), no
  // panel whose text runs out of its plate, and no word that runs out of its box (words are
  // never broken, so a long one would overlap its neighbour instead).
  function overflows(el) {
    return el.clientWidth > 0 && (el.scrollWidth > el.clientWidth + 1 ||
                                  el.scrollHeight > el.clientHeight + 1);
  }

  function fits(stack) {
    var r = stack.getBoundingClientRect(), margin = 0.03 * window.innerHeight - 0.5;
    if (r.top < margin || r.left < margin || r.bottom > window.innerHeight - margin ||
        r.right > window.innerWidth - margin) return false;
    var panels = stack.children;
    for (var i = 0; i < panels.length; i++) {
      var panel = panels[i];
      if (panel.hidden) continue;
      if (overflows(panel)) return false;
      var inner = panel.querySelectorAll("p, h2, li, span, blockquote, figcaption, strong");
      for (var j = 0; j < inner.length; j++) if (overflows(inner[j])) return false;
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
