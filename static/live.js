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

  // Likewise for text being typed: a pushed region (a poll opening beside the one being
  // answered, or the socket's first push right after the page loaded) would replace the field
  // with an empty one. Carry the text over to the field with the same id, if the new one still
  // holds what the server rendered. Only for pushes: a form's own answer may clear its fields.
  var typed = [];

  function rememberTyping() {
    typed = [];
    var fields = document.querySelectorAll("input[type=text][id], textarea[id]");
    for (var i = 0; i < fields.length; i++) {
      if (fields[i].value !== fields[i].defaultValue) {
        typed.push({ id: fields[i].id, field: fields[i], value: fields[i].value });
      }
    }
  }

  function restoreTyping() {
    for (var i = 0; i < typed.length; i++) {
      var now = document.getElementById(typed[i].id);
      if (now && now !== typed[i].field && now.value === now.defaultValue) {
        now.value = typed[i].value;
      }
    }
    typed = [];
  }

  // And for a <details> opened inside a region (the moderators' list of a word cloud's
  // answers): the new copy arrives closed; open the one with the same id again.
  var opened = [];

  function rememberOpen() {
    opened = [];
    var all = document.querySelectorAll("details[id][open]");
    for (var i = 0; i < all.length; i++) opened.push(all[i].id);
  }

  function restoreOpen() {
    for (var i = 0; i < opened.length; i++) {
      var again = document.getElementById(opened[i]);
      if (again && again.tagName === "DETAILS") again.open = true;
    }
    opened = [];
  }

  document.addEventListener("htmx:wsBeforeMessage", rememberFocus);
  document.addEventListener("htmx:wsBeforeMessage", rememberTyping);
  document.addEventListener("htmx:wsBeforeMessage", rememberOpen);
  document.addEventListener("htmx:wsAfterMessage", restoreOpen);
  document.addEventListener("htmx:wsAfterMessage", restoreTyping);
  document.addEventListener("htmx:wsAfterMessage", restoreFocus);
  document.addEventListener("htmx:beforeSwap", rememberFocus);
  document.addEventListener("htmx:beforeSwap", rememberOpen);
  document.addEventListener("htmx:afterSwap", restoreOpen);
  document.addEventListener("htmx:afterSettle", restoreFocus);

  // The shared question list is pushed to every phone without personal marks (one render for
  // all). Which questions this phone supports comes from #qa-state, which only this
  // participant's own requests update; re-apply it after every swap.
  function applyUpvotes() {
    var island = document.getElementById("qa-state");
    if (!island) return;
    var ids = (island.getAttribute("data-upvoted") || "").split(" ");
    var mine = {};
    for (var i = 0; i < ids.length; i++) if (ids[i]) mine[ids[i]] = true;
    var buttons = document.querySelectorAll("button.upvote[data-qid]");
    for (var j = 0; j < buttons.length; j++) {
      var on = mine[buttons[j].getAttribute("data-qid")] === true;
      buttons[j].setAttribute("aria-pressed", on ? "true" : "false");
      buttons[j].value = on ? "0" : "1";
    }
  }
  document.addEventListener("htmx:wsAfterMessage", applyUpvotes);
  document.addEventListener("htmx:afterSettle", applyUpvotes);
  document.addEventListener("DOMContentLoaded", applyUpvotes);

  // The phone's applause grade is a state that changes too often for a request each time: it
  // goes over the page's own socket (applause.js emits it; the server takes only that type).
  var pageSocket = null;
  document.addEventListener("htmx:wsOpen", function (evt) {
    pageSocket = evt.detail && evt.detail.socketWrapper ? evt.detail.socketWrapper : null;
  });
  document.addEventListener("live:applause-grade", function (evt) {
    var grade = evt.detail ? evt.detail.grade : 0;
    if (pageSocket && typeof grade === "number") {
      pageSocket.send(JSON.stringify({ type: "applause", grade: grade }));
    }
  });

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
