// live.js: the little glue htmx does not do by itself. No user-visible strings live here
// (they are in the templates, translated); no third-party code; works under script-src 'self'.
(function () {
  "use strict";

  // Live regions are swapped whole. When the swapped region held the focused control, put the
  // focus back on the control with the same id, so keyboard and screen-reader users keep their
  // place while results stream in.
  var focusedId = null;

  function rememberFocus() {
    var el = document.activeElement;
    focusedId = el && el !== document.body && el.id ? el.id : null;
  }

  function restoreFocus() {
    if (!focusedId) return;
    var active = document.activeElement;
    if (!active || active === document.body || !document.contains(active)) {
      var again = document.getElementById(focusedId);
      if (again && typeof again.focus === "function") again.focus({ preventScroll: true });
    }
    focusedId = null;
  }

  document.addEventListener("htmx:wsBeforeMessage", rememberFocus);
  document.addEventListener("htmx:wsAfterMessage", restoreFocus);
  document.addEventListener("htmx:beforeSwap", rememberFocus);
  document.addEventListener("htmx:afterSettle", restoreFocus);

  // Connection state for the small indicator (texts are in the page, switched by CSS).
  function setConnection(state) {
    var nodes = document.querySelectorAll(".connection");
    for (var i = 0; i < nodes.length; i++) nodes[i].setAttribute("data-state", state);
    document.body.setAttribute("data-connection", state);
  }
  document.addEventListener("htmx:wsOpen", function () { setConnection("open"); });
  document.addEventListener("htmx:wsClose", function () { setConnection("closed"); });
  document.addEventListener("htmx:wsError", function () { setConnection("closed"); });
})();
