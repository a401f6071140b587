// sound_check.js: the console's sound check (templates/fragments/sound_check.html). Plays
// example applause on this device with the projector's engine (static/applause.js,
// window.liveApplause.createEngine): dry, full volume, a plenary of PRESENT people, so the
// hall's sound engineer hears what the projector will play and sets the desk. Each example
// plays PLAY_MS, then dies down to silence like a room; pressing it again or "stop" ends it.
// No user-visible strings here: the announcements are data attributes of the fragment.
(function () {
  "use strict";

  var LEVELS = { single: 0.04, warm: 0.4, ovation: 1 }; // room levels (see applause.js)
  var PRESENT = 400, PLAY_MS = 8000, FADE_MS = 3000;
  var engine = null, playing = "", endTimer = null, stopTimer = null;

  function root() { return document.querySelector("[data-sound-check]"); }

  // Through the page's status region (#announcer, role="status"), like every announcement;
  // static/live.js clears it after a few seconds.
  function announce(key) {
    var r = root(), region = document.getElementById("announcer");
    var message = r && r.getAttribute("data-" + key);
    if (!region || !message) return;
    var span = document.createElement("span");
    span.className = "toast-text";
    span.textContent = message;
    region.replaceChildren(span);
  }

  function sync() {
    var buttons = document.querySelectorAll("[data-sound-check-play]");
    for (var i = 0; i < buttons.length; i++) {
      var on = buttons[i].getAttribute("data-sound-check-play") === playing;
      buttons[i].setAttribute("aria-pressed", String(on));
    }
    var r = root();
    if (r) r.setAttribute("data-state", playing ? "playing" : "idle");
  }

  // Let it die down (level 0: the last claps, then digital silence), then switch it off.
  function end() {
    clearTimeout(endTimer);
    if (!engine || !playing) return;
    playing = "";
    engine.setLevel(0);
    clearTimeout(stopTimer);
    stopTimer = setTimeout(function () { if (!playing) engine.stop(); }, FADE_MS);
    sync();
    announce("stopped");
  }

  function play(name) {
    var api = window.liveApplause;
    if (!engine && api && api.createEngine) {
      engine = api.createEngine({ reverb: false });
      engine.setPresent(PRESENT);
    }
    clearTimeout(stopTimer);
    if (!engine || (engine.start(), !engine.running)) { announce("unsupported"); return; }
    playing = name;
    engine.setLevel(LEVELS[name]);
    clearTimeout(endTimer);
    endTimer = setTimeout(end, PLAY_MS);
    sync();
    announce("playing");
  }

  document.addEventListener("click", function (e) {
    var target = e.target && e.target.closest ? e.target : null;
    var button = target && target.closest("[data-sound-check-play]");
    if (button) {
      var name = button.getAttribute("data-sound-check-play");
      if (!LEVELS.hasOwnProperty(name)) return;
      if (name === playing) end();
      else play(name);
    } else if (target && target.closest("[data-sound-check-stop]")) {
      end();
    }
  });

  // A console left in the background must not keep applauding.
  document.addEventListener("visibilitychange", function () { if (document.hidden) end(); });
})();
