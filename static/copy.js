// copy.js: "Link kopieren" buttons (start page, links page, the organiser's room links).
// A button names its field (data-copy); the texts come translated from the template
// (data-copied, data-copy-fallback: the button's own, else its page's <main>), never from
// here. Works under script-src 'self'.
(function () {
  "use strict";

  var CONFIRM_MS = 5000; // a confirmation goes away by itself

  // Where a button's outcome is said: its own line beside it (role="status"), else the page's
  // announcer (the room links fragment has no line of its own).
  function lineOf(button) {
    var id = button.getAttribute("data-copy-status");
    return (id && document.getElementById(id)) || document.getElementById("announcer");
  }

  function textFor(button, name) {
    var holder = button.closest("[data-" + name + "]");
    return (holder && holder.getAttribute("data-" + name)) || "";
  }

  function say(line, text) {
    if (line.copyTimer) clearTimeout(line.copyTimer);
    line.copyTimer = null;
    var span = document.createElement("span");
    span.className = "toast-text";
    span.textContent = text;
    line.replaceChildren(span);
  }

  function confirmCopied(button) {
    var line = lineOf(button);
    var text = textFor(button, "copied");
    if (!line || !text) return;
    say(line, text);
    line.copyTimer = setTimeout(function () {
      line.copyTimer = null;
      line.replaceChildren();
    }, CONFIRM_MS);
  }

  // Without the Clipboard API (a page served over plain http, a browser that refuses), the
  // field's text is selected and the page says to copy it by keyboard. That note stays until
  // the field is left: the person still has to act on it.
  function fallBack(button, field) {
    field.focus();
    field.select();
    var line = lineOf(button);
    var text = textFor(button, "copy-fallback");
    if (!line || !text) return;
    say(line, text);
    field.addEventListener("blur", function done() {
      field.removeEventListener("blur", done);
      if (line.textContent === text) line.replaceChildren();
    });
  }

  function canCopy() {
    return !!(window.isSecureContext && navigator.clipboard && navigator.clipboard.writeText);
  }

  document.addEventListener("click", function (evt) {
    var button = evt.target && evt.target.closest ? evt.target.closest("button[data-copy]") : null;
    if (!button) return;
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) return;
    if (!canCopy()) {
      fallBack(button, field);
      return;
    }
    navigator.clipboard.writeText(field.value).then(function () {
      confirmCopied(button);
    }, function () {
      fallBack(button, field);
    });
  });

  // Focus on the field selects the whole link, ready for Ctrl+C.
  document.addEventListener("focusin", function (evt) {
    var field = evt.target;
    if (field && field.hasAttribute && field.hasAttribute("data-select-on-focus")) field.select();
  });

  // The buttons are hidden in the HTML: without this script they could do nothing.
  function reveal() {
    var buttons = document.querySelectorAll("button[data-copy][hidden]");
    for (var i = 0; i < buttons.length; i++) buttons[i].hidden = false;
  }
  document.addEventListener("DOMContentLoaded", reveal);
  document.addEventListener("htmx:afterSettle", reveal); // a room link just made
})();
