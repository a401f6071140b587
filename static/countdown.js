// countdown.js: a room's countdown on the projector, the stream overlay and the console.
// The server stores the instant the countdown reaches 0:00 and pushes it only when a moderator
// changes it (templates/fragments/countdown.html: data-ends in ms on the server's clock, or
// data-left while paused); this counts down locally. The page's data-server-now (the server's
// clock when it rendered the page) gives the offset between the two clocks, so every screen
// shows the same time whatever this machine's clock says.
//
// Shown: the time left rounded up to whole seconds ("m:ss", from an hour on "h:mm:ss"; the
// same rule as live/domain/countdown.py), so 0:00 appears only when the time is up. Then the
// box gets data-over and its role="status" line says "Die Zeit ist um." once (its words come
// translated from the server); the time itself is not a live region, so nothing is announced
// every second. No blinking at all (reduced motion or not): the end is a change of colour and
// the words.
(function () {
  "use strict";

  var TICK_MS = 250; // often enough that a second never shows late by more than a quarter
  var offset = 0; // the server's clock minus this browser's

  function readOffset() {
    var holder = document.querySelector("[data-server-now]");
    var serverNow = holder ? Number(holder.getAttribute("data-server-now")) : NaN;
    if (isFinite(serverNow) && serverNow > 0) offset = serverNow - Date.now();
  }

  function two(n) { return n < 10 ? "0" + n : String(n); }

  function format(seconds) {
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    return h > 0 ? h + ":" + two(m) + ":" + two(s) : m + ":" + two(s);
  }

  function leftMs(box) {
    if (box.hasAttribute("data-left")) return Math.max(0, Number(box.getAttribute("data-left")) || 0);
    var ends = Number(box.getAttribute("data-ends"));
    if (!isFinite(ends)) return 0;
    return Math.max(0, ends - (Date.now() + offset));
  }

  function update() {
    var boxes = document.querySelectorAll("[data-countdown]");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var seconds = Math.ceil(leftMs(box) / 1000);
      var time = box.querySelector("[data-countdown-time]");
      var text = format(seconds);
      if (time && time.textContent !== text) time.textContent = text;
      var end = box.querySelector("[data-countdown-end]");
      if (seconds === 0 && !box.hasAttribute("data-paused")) {
        if (!box.hasAttribute("data-over")) box.setAttribute("data-over", "");
        // Written once: a status line whose text does not change is not announced again.
        var done = box.getAttribute("data-done-text") || "";
        if (end && end.textContent !== done) end.textContent = done;
      } else {
        if (box.hasAttribute("data-over")) box.removeAttribute("data-over");
        if (end && end.textContent !== "") end.textContent = "";
      }
    }
  }

  document.addEventListener("htmx:wsAfterMessage", update);
  document.addEventListener("htmx:afterSettle", update);
  document.addEventListener("DOMContentLoaded", function () {
    readOffset();
    update();
    setInterval(update, TICK_MS);
  });
})();
