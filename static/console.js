// console.js: the moderators' console: the run sheet fetched again after a push, the time a
// poll has been open, and the focus after an action that replaced the focused control (its
// shortcuts: control.js). No user-visible strings here: the templates hold them.
(function () {
  "use strict";

  // The run sheet is not pushed (it needs the program): when a push replaced the live panel
  // (a poll opened or closed, here or on another moderator's screen), ask for it again.
  document.addEventListener("htmx:oobAfterSwap", function (evt) {
    var target = evt.detail && evt.detail.target;
    if (target && target.id === "mod-live" && window.htmx) {
      window.htmx.trigger(document.body, "live-polls-changed");
    }
  });

  // The time a poll has been open, as m:ss (h:mm:ss past an hour), once a second.
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function elapsed(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    return (h ? h + ":" + pad(m) : String(m)) + ":" + pad(s % 60);
  }
  function tick() {
    var nodes = document.querySelectorAll("[data-elapsed-since]");
    for (var i = 0; i < nodes.length; i++) {
      var since = Date.parse(nodes[i].getAttribute("data-elapsed-since"));
      if (!isNaN(since)) nodes[i].textContent = elapsed(Date.now() - since);
    }
  }
  setInterval(tick, 1000);
  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSettle", tick);

  // An action's answer may replace the control that had the focus (a poll's "Öffnen" becomes
  // "Schließen" under a new id, a run-sheet row moves). Where the focus fell back to the page,
  // it goes to the same id if it is still there, else to what the answer marks as next
  // ([data-focus-next]), else to the region's heading — never to the start of the page.
  var lastId = null, lastRegion = null;
  document.addEventListener("htmx:beforeRequest", function (evt) {
    var active = document.activeElement;
    lastId = active && active.id ? active.id : null;
    var region = evt.target && evt.target.closest ?
      evt.target.closest("section[id], form#poll-form") : null;
    lastRegion = region ? region.id : null;
  });
  // afterOnLoad: after the answer's swaps, also when it swaps nothing itself (hx-swap="none"
  // fires no afterSettle).
  document.addEventListener("htmx:afterOnLoad", function () {
    if (!lastId && !lastRegion) return; // a push, not the answer to this page's action
    // A form that came back with an error: the focus on the first field it names.
    var invalid = lastRegion === "poll-form" ?
      document.querySelector('#poll-form [aria-invalid="true"]') : null;
    if (invalid) {
      lastId = lastRegion = null;
      invalid.focus();
      return;
    }
    var active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) {
      lastId = lastRegion = null;
      return;
    }
    var target = (lastId && document.getElementById(lastId)) ||
      document.querySelector("[data-focus-next]");
    if (!target && lastRegion) {
      var region = document.getElementById(lastRegion);
      target = region ? region.querySelector("h2") : null;
      if (target) target.setAttribute("tabindex", "-1");
    }
    lastId = lastRegion = null;
    if (target) target.focus();
  });
})();
