// control.js: projector shortcuts on the moderation page (the copy buttons: copy.js).
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

  document.addEventListener("keydown", function (evt) {
    if (evt.defaultPrevented || evt.ctrlKey || evt.metaKey || evt.altKey || evt.repeat) return;
    if (!shortcutsOn() || isTyping(evt.target)) return;
    var key = (evt.key || "").toLowerCase();
    if (!/^[a-z0-9]$/.test(key)) return;
    var button = document.querySelector('#mod-screen [data-shortcut="' + key + '"]');
    if (!button || button.disabled) return;
    evt.preventDefault();
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
