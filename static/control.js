// control.js: the console's single-key shortcuts (the projector's modes, "Nächste
// Abstimmung"; the Q&A queue's: qa_queue.js) and the switch that turns them off.
// No user-visible strings here (they come from the templates, translated, via data attributes);
// works under script-src 'self'.
(function () {
  "use strict";

  var STORE_KEY = "live.shortcuts";

  // --- keyboard shortcuts for the projector (moderate page) ------------------------------
  // Single keys without modifiers (none of them is a browser shortcut then). WCAG 2.1.4: they
  // can be switched off (the checkbox, remembered in this browser), and never fire while the
  // focus is in a field where the key would be typed.
  function shortcutsOn() {
    var toggle = document.querySelector("[data-shortcuts-toggle]");
    return !!toggle && toggle.checked;
  }

  function isTyping(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  // N or PageDown (what a presenter's clicker sends): the run sheet's "Nächste Abstimmung",
  // except inside the Q&A queue, whose keys are its own (qa_queue.js); the columns still scroll
  // with the wheel and the arrow keys. Other letters and digits: the projector's modes.
  function shortcutButton(evt) {
    var key = evt.key || "";
    if (key === "PageDown" || key === "n" || key === "N") {
      if (evt.target && evt.target.closest && evt.target.closest("#mod-questions")) return null;
      return document.querySelector("[data-next-poll]");
    }
    key = key.toLowerCase();
    if (!/^[a-z0-9]$/.test(key)) return null;
    return document.querySelector('#mod-screen [data-shortcut="' + key + '"]');
  }

  document.addEventListener("keydown", function (evt) {
    if (evt.defaultPrevented || evt.ctrlKey || evt.metaKey || evt.altKey || evt.repeat) return;
    if (!shortcutsOn() || isTyping(evt.target)) return;
    var button = shortcutButton(evt);
    if (!button || button.disabled) return;
    evt.preventDefault();
    // A key pressed right after a push may find a button htmx has not taken over yet (it does
    // so when the swap settles): its form would then be sent as a plain page load. Make sure
    // htmx has it first (processing twice changes nothing).
    var form = button.closest("form");
    if (window.htmx) window.htmx.process(form || button);
    button.click();
  });

  function setupToggle() {
    var toggle = document.querySelector("[data-shortcuts-toggle]");
    if (!toggle || toggle.getAttribute("data-ready")) return;
    toggle.setAttribute("data-ready", "1");
    try {
      if (window.localStorage.getItem(STORE_KEY) === "off") toggle.checked = false;
    } catch (e) { /* storage blocked: shortcuts stay on */ }
    toggle.addEventListener("change", function () {
      try {
        window.localStorage.setItem(STORE_KEY, toggle.checked ? "on" : "off");
      } catch (e) { /* not remembered, still switched */ }
    });
  }

  function setup() {
    setupToggle();
  }
  document.addEventListener("DOMContentLoaded", setup);
  document.addEventListener("htmx:afterSettle", setup);
})();
