// applause.js: hear the room applaud (synthesized, no audio files) and clap from the phone.
// No dependencies, no user-visible strings (labels live in the translated templates), no inline
// styles: runs under `script-src 'self'; style-src 'self'`. Global: window.liveApplause.
//
// Markup contract (every part optional; any part may be swapped by htmx at any time):
//   <div id="applause-level" data-level="0.42" data-band="3" hidden></div>
//       Room level 0..1 and its band 0..5, both from the server: the bands are a rule of the
//       domain (live/domain/applause.py level_band), written once there, so the meter always
//       matches the server's text. A fragment without a valid band keeps the meter as it is.
//   <div class="applause-meter" data-applause-meter aria-hidden="true"></div>
//       Visual only: gets data-level="0..5" and class level-0..5 (bar and pulse are CSS). The
//       text ("Applaus: stark") is the server's, in a live region such as
//       <p data-applause-text aria-live="polite">; this script never touches it.
//   <button type="button" data-applause-listen aria-pressed="false">Applaus hören</button>
//       Sound on/off. While a remembered "on" waits for a tap (browsers start audio only from a
//       gesture) it carries data-applause-resume="true"; a child .applause-resume-hint shows then.
//   <input type="range" min="0" max="100" value="80" data-applause-volume> (with a <label>)
//   <button type="button" data-applause-mute aria-pressed="false">Stumm</button>
//   data-applause-autostart on any element (projector, stream overlay): try to play without a
//       tap. Works only where autoplay is allowed (OBS browser source, Chromium kiosk with
//       --autoplay-policy=no-user-gesture-required); elsewhere it is like a remembered "on".
//   data-applause-silent on any element (stream overlay with sound=off, its preview): no audio
//       engine at all, whatever this browser remembered; the meters still follow the room.
//   <div data-applause-input role="group" aria-labelledby="…">
//     <button type="button" data-grade="1" aria-pressed="false">…</button> … data-grade="5" </div>
//       Hold a grade to clap, release to stop. A quick tap (< 300 ms), Space or Enter latches it
//       until pressed again or Escape; arrows move between grades (and change a running grade).
//       The container gets data-clapping="0..5".
//   <button type="button" data-applause-tap>Klatschen</button> (inside or outside the input)
//       Grade from the tap rate: steady r taps/s → grade ≈ r (1..5); 1.5 s without a tap → 0.
// Output: CustomEvent "live:applause-grade" on document, detail {grade: 0..5, repeat: bool}, on
// every change and every second while grade > 0 (repeat: true).
// localStorage: live.applause.listen "1"/"0", live.applause.volume "0".."1",
// live.applause.muted "1"/"0".
(function () {
  "use strict";

  // ---- Level → sound --------------------------------------------------------------------
  // Density: N = MAX_CLAPPERS · level^DENSITY_EXP simulated people. Clapper i claps on each of
  // its beats with probability min(1, N − i): the crowd grows continuously, and the last,
  // partial clapper only claps now and then. level 0.05 → N 0.45: sporadic single claps
  // (~1/s); 0.3 → N 6.6: polite applause (~20 claps/s); 1 → N 40: ovation (~130 claps/s).
  var MAX_CLAPPERS = 40, DENSITY_EXP = 1.5;
  // Each person claps 2.2–3.6 times/s, × (0.9 + 0.2·level): 2–4/s, a bit faster when excited;
  // ±8 % jitter per beat (nobody is a metronome, and drifting phases never lock into flams).
  var RATE_MIN = 2.2, RATE_MAX = 3.6, JITTER = 0.08;
  // Loudness: people clap harder in an excited room (peak ∝ 0.45 + 0.55·level); N independent
  // claps add up like √N, so each is scaled by 1/√(1 + N/CROWD_NORM). Measured after the
  // limiter at full volume: level 0.05 peaks ≈ −14 dBFS; 0.3 ≈ −30 dBFS RMS; 1 ≈ −21 dBFS RMS
  // with peaks ≈ −4 dBFS (no clipping).
  var CLAP_GAIN = 2.0, CROWD_NORM = 6;
  // Above BED_START a soft lowpassed noise bed with a slow swell fades in (smoothstep) and
  // blends the claps into a roar; at level 1 it sits ~5 dB below the claps.
  var BED_START = 0.4, BED_GAIN = 0.15;
  // Client smoothing of the pushed level (ticks ≤ 250 ms apart): a one-pole filter (time
  // constants in s) rising within about a second, falling slower, like a room dying down.
  var RISE_TAU = 0.3, FALL_TAU = 0.8;
  // Scheduler: every 25 ms, schedule each clap due before now + LOOKAHEAD on the audio clock
  // (sample-accurate; JS timers are not). When the timer is throttled (background tab), the
  // window widens with the observed gap, up to MAX_LOOKAHEAD, so the sound does not stutter.
  var TICK_MS = 25, LOOKAHEAD = 0.1, MAX_LOOKAHEAD = 1.0;

  // ---- Phone input ----------------------------------------------------------------------
  var HOLD_MS = 300;       // shorter presses latch instead of clapping while held
  var RESEND_MS = 1000;    // the server forgets a phone after 3 s without a message
  var INPUT_TICK_MS = 250;
  var TAP_WINDOW_MS = 2000, TAP_IDLE_MS = 1500;
  var TAP_RATES = [0, 0, 1.25, 2.25, 3.25, 4.25]; // taps/s needed for grade g (index)

  var STORE = { listen: "live.applause.listen", volume: "live.applause.volume",
                muted: "live.applause.muted" };

  function clamp01(x) { return x < 0 ? 0 : x > 1 ? 1 : x; }
  function rand(a, b) { return a + Math.random() * (b - a); }
  function isNum(x) { return typeof x === "number" && x === x; }

  function createEngine() {
    var AC = window.AudioContext || window.webkitAudioContext;
    var ctx = null, master = null, bus = null, clapNoise = null;
    var bed = null, bedDepth = null, bedFilter = null, bedLevel = -1;
    var target = 0, level = 0, volume = 1, muted = false, running = false;
    var claps = 0, clappers = [], timer = null, lastTick = 0, suspendTimer = null;

    function noise(seconds, channels) {
      var buf = ctx.createBuffer(channels, Math.round(ctx.sampleRate * seconds), ctx.sampleRate);
      for (var c = 0; c < channels; c++) {
        var data = buf.getChannelData(c);
        for (var i = 0; i < data.length; i++) data[i] = Math.random() * 2 - 1;
      }
      return buf;
    }

    function filter(type, freq, q) {
      var f = ctx.createBiquadFilter();
      f.type = type; f.frequency.value = freq; f.Q.value = q;
      return f;
    }

    // Built once: claps → bus → master (volume, mute) → limiter → speakers, and a looping
    // stereo noise → highpass → lowpass → bed gain (+ LFO) → master. "playback" latency suits
    // a scheduler that works ahead anyway, and spares phone CPUs.
    function build() {
      ctx = new AC({ latencyHint: "playback" });
      master = ctx.createGain(); master.gain.value = 0;
      var limiter = ctx.createDynamicsCompressor();
      limiter.threshold.value = -10; limiter.knee.value = 6; limiter.ratio.value = 12;
      limiter.attack.value = 0.002; limiter.release.value = 0.2;
      master.connect(limiter); limiter.connect(ctx.destination);
      bus = ctx.createGain(); bus.connect(master);
      clapNoise = noise(1, 1);
      var src = ctx.createBufferSource(); src.buffer = noise(3, 2); src.loop = true;
      var low = filter("highpass", 150, 0.7);
      bedFilter = filter("lowpass", 1500, 0.5);
      bed = ctx.createGain(); bed.gain.value = 0;
      var lfo = ctx.createOscillator(); lfo.frequency.value = 0.23;
      bedDepth = ctx.createGain(); bedDepth.gain.value = 0;
      lfo.connect(bedDepth); bedDepth.connect(bed.gain); // gain = base + depth·sin: slow swell
      src.connect(low); low.connect(bedFilter); bedFilter.connect(bed); bed.connect(master);
      src.start(); lfo.start();
    }

    // One simulated person: hands that always sound alike (resonance, damping, loudness, seat)
    // and a tempo of their own. Random phase: a crowd is never in sync.
    function Clapper(now) {
      this.rate = rand(RATE_MIN, RATE_MAX);
      this.freq = 900 * Math.pow(2500 / 900, Math.random()); // log-uniform 900–2,500 Hz
      this.q = rand(0.9, 2.2);
      this.decay = rand(0.05, 0.1);
      this.gain = rand(0.6, 1);
      this.pan = rand(-0.8, 0.8);
      this.next = now + Math.random() / this.rate;
    }

    // A clap: a random slice of the shared noise → bandpass → envelope (1–4 ms attack,
    // exponential 40–120 ms decay) → pan. Disconnected when done so the graph does not grow.
    function clap(c, t, peak) {
      var src = ctx.createBufferSource(), env = ctx.createGain(), out = env;
      var bp = filter("bandpass", c.freq * rand(0.9, 1.1), c.q * rand(0.85, 1.15));
      var attack = rand(0.001, 0.004);
      var decay = Math.min(0.12, Math.max(0.04, c.decay * rand(0.8, 1.2)));
      src.buffer = clapNoise;
      env.gain.setValueAtTime(0, t);
      env.gain.linearRampToValueAtTime(peak * c.gain * rand(0.85, 1.15), t + attack);
      env.gain.exponentialRampToValueAtTime(0.0001, t + attack + decay);
      src.connect(bp); bp.connect(env);
      if (ctx.createStereoPanner) {
        out = ctx.createStereoPanner();
        out.pan.value = Math.max(-1, Math.min(1, c.pan + rand(-0.1, 0.1)));
        env.connect(out);
      }
      out.connect(bus);
      src.onended = function () { out.disconnect(); };
      src.start(t, rand(0, clapNoise.duration - 0.2), attack + decay + 0.02);
      claps++;
    }

    function tick() {
      var wall = performance.now(), dt = Math.min((wall - lastTick) / 1000, 5);
      lastTick = wall;
      level += (target - level) * (1 - Math.exp(-dt / (target > level ? RISE_TAU : FALL_TAU)));
      if (Math.abs(target - level) < 0.0005) level = target;
      var now = ctx.currentTime;
      var horizon = now + Math.min(MAX_LOOKAHEAD, Math.max(LOOKAHEAD, 1.5 * dt));
      var n = MAX_CLAPPERS * Math.pow(level, DENSITY_EXP);
      var peak = CLAP_GAIN * (0.45 + 0.55 * level) / Math.sqrt(1 + n / CROWD_NORM);
      var tempo = 0.9 + 0.2 * level;
      while (clappers.length < Math.ceil(n)) clappers.push(new Clapper(now));
      for (var i = 0; i < clappers.length; i++) {
        var c = clappers[i], activity = Math.min(1, n - i);
        if (activity <= 0) { c.next = 0; continue; } // resting; re-phased when they join again
        if (c.next < now) c.next = now + Math.random() / c.rate; // joined, or the timer lagged
        while (c.next < horizon) {
          if (Math.random() < activity) clap(c, c.next, peak);
          c.next += (1 + JITTER * (2 * Math.random() - 1)) / (c.rate * tempo);
        }
      }
      var x = clamp01((level - BED_START) / (1 - BED_START)), b = BED_GAIN * x * x * (3 - 2 * x);
      if (Math.abs(b - bedLevel) > 0.002) { // new automation events only for real changes
        bedLevel = b;
        bed.gain.setTargetAtTime(b, now, 0.15);
        bedDepth.gain.setTargetAtTime(0.35 * b, now, 0.15);
        bedFilter.frequency.setTargetAtTime(1200 + 1800 * level, now, 0.15);
      }
    }

    // Squared: a linear slider then sounds even. Ramped, because a jump clicks.
    function gainTarget() { return running && !muted ? volume * volume : 0; }
    function applyGain() {
      if (master) master.gain.setTargetAtTime(gainTarget(), ctx.currentTime, 0.04);
    }

    return {
      setLevel: function (x) { if (isNum(x)) target = clamp01(x); },
      setVolume: function (x) { if (isNum(x)) { volume = clamp01(x); applyGain(); } },
      setMuted: function (on) { muted = !!on; applyGain(); },
      // Call from a user gesture (click, key): browsers refuse to start audio otherwise.
      start: function () {
        if (!AC) return null;
        if (!ctx) build();
        clearTimeout(suspendTimer);
        // iOS: play even with the ringer switch on silent (the user asked for sound).
        if (navigator.audioSession) navigator.audioSession.type = "playback";
        var resumed = ctx.state === "running" ? null : ctx.resume();
        if (resumed) resumed["catch"](function () { /* still suspended: the button stays */ });
        running = true;
        if (!timer) { lastTick = performance.now(); timer = setInterval(tick, TICK_MS); tick(); }
        applyGain();
        return resumed;
      },
      stop: function () {
        if (!running) return;
        running = false;
        clearInterval(timer); timer = null;
        applyGain();
        level = 0; bedLevel = -1;
        bed.gain.setTargetAtTime(0, ctx.currentTime, 0.05);
        bedDepth.gain.setTargetAtTime(0, ctx.currentTime, 0.05);
        for (var i = 0; i < clappers.length; i++) clappers[i].next = 0;
        // Suspend after the fade-out, for the battery (one timer per stop, not per clap).
        suspendTimer = setTimeout(function () { if (!running) ctx.suspend(); }, 300);
      },
      // Would start() play without a gesture? Where the browser cannot say, creating the
      // context is the only probe; without permission it just stays suspended (silent).
      autoplayAllowed: function () {
        if (!AC) return false;
        var policy = navigator.getAutoplayPolicy;
        if (policy) return policy.call(navigator, "audiocontext") === "allowed";
        if (!ctx) build();
        return ctx.state === "running";
      },
      get inputLevel() { return level; },
      get targetLevel() { return target; },
      get running() { return running; },
      get scheduledClaps() { return claps; },
      get gainValue() { return gainTarget(); },
      get volume() { return volume; },
      get muted() { return muted; },
      get contextState() { return ctx ? ctx.state : "none"; }
    };
  }

  var engine = createEngine();

  function load(key) { try { return window.localStorage.getItem(key); } catch (e) { return null; } }
  function save(key, value) { try { window.localStorage.setItem(key, value); } catch (e) { /**/ } }
  function closest(node, selector) { return node && node.closest ? node.closest(selector) : null; }
  function setAttr(el, name, value) {
    if (el.getAttribute(name) !== value) el.setAttribute(name, value);
  }
  function each(selector, fn) {
    var nodes = document.querySelectorAll(selector);
    for (var i = 0; i < nodes.length; i++) fn(nodes[i]);
  }

  // ---- Room level → engine and meters ---------------------------------------------------
  var band = 0, levelEl = null, levelKey = "";

  function showBand() {
    each("[data-applause-meter]", function (meter) {
      for (var b = 0; b <= 5; b++) meter.classList.toggle("level-" + b, b === band);
      setAttr(meter, "data-level", String(band));
    });
  }

  // Applied only when the element or its value is new: our own meter writes and unrelated swaps
  // wake the observer too, and a stale level must not come back after a disconnect.
  function readLevel() {
    var el = document.getElementById("applause-level");
    var key = el && el.getAttribute("data-level") + "|" + el.getAttribute("data-band");
    if (!el || (el === levelEl && key === levelKey)) return;
    levelEl = el; levelKey = key;
    var level = clamp01(parseFloat(el.getAttribute("data-level")));
    var sent = parseInt(el.getAttribute("data-band"), 10);
    if (!isNum(level)) return;
    engine.setLevel(level);
    if (sent >= 0 && sent <= 5) band = sent;
  }

  // ---- Listening controls ---------------------------------------------------------------
  var resumePending = false;

  function range(input) {
    var min = parseFloat(input.min) || 0, max = parseFloat(input.max);
    return { min: min, span: (max > min ? max : 100) - min };
  }
  function sliderValue(input) {
    var r = range(input);
    return (parseFloat(input.value) - r.min) / r.span;
  }

  function syncControls() {
    each("[data-applause-listen]", function (el) {
      setAttr(el, "aria-pressed", String(engine.running));
      if (resumePending) setAttr(el, "data-applause-resume", "true");
      else el.removeAttribute("data-applause-resume");
    });
    each("[data-applause-mute]", function (el) {
      setAttr(el, "aria-pressed", String(engine.muted));
    });
    each("input[data-applause-volume]", function (el) {
      var r = range(el);
      if (el !== document.activeElement) el.value = String(r.min + engine.volume * r.span);
    });
    syncGrade();
  }

  function toggleListening() {
    if (engine.running) { engine.stop(); save(STORE.listen, "0"); }
    else { engine.start(); save(STORE.listen, "1"); }
    resumePending = false;
    syncControls();
  }

  // ---- Phone input: the grade is a state ------------------------------------------------
  var grade = 0, lastSent = 0, inputTimer = null, taps = [], press = null, lastPointer = null;
  var GRADE = "[data-applause-input] [data-grade]", TAP = "[data-applause-tap]";

  function gradeOf(btn) { return parseInt(btn.getAttribute("data-grade"), 10) || 0; }

  function syncGrade() {
    each(GRADE, function (el) {
      setAttr(el, "aria-pressed", String(grade > 0 && gradeOf(el) === grade));
    });
    each("[data-applause-input], " + TAP, function (el) {
      setAttr(el, "data-clapping", String(grade));
    });
  }

  function emit(repeat) {
    lastSent = Date.now();
    var detail = { detail: { grade: grade, repeat: repeat } };
    document.dispatchEvent(new CustomEvent("live:applause-grade", detail));
  }

  function setGrade(g) {
    g = g > 0 ? Math.min(5, g) : 0;
    if (!g) taps = [];
    if (g === grade) return;
    grade = g;
    syncGrade();
    emit(false);
    if (grade && !inputTimer) inputTimer = setInterval(inputTick, INPUT_TICK_MS);
    if (!grade && inputTimer) { clearInterval(inputTimer); inputTimer = null; }
  }

  // Rate = intervals between the taps of the last 2 s / time since the oldest of them, at
  // least 1 s (so the first taps ramp the grade up instead of jumping). It sinks between taps,
  // so slowing down lowers the grade gradually.
  function tapGrade() {
    var now = Date.now();
    while (taps.length && now - taps[0] > TAP_WINDOW_MS) taps.shift();
    if (!taps.length || now - taps[taps.length - 1] > TAP_IDLE_MS) return 0;
    var rate = (taps.length - 1) / Math.max((now - taps[0]) / 1000, 1), g = 5;
    while (g > 1 && rate < TAP_RATES[g]) g--;
    return g;
  }

  function registerTap() {
    press = null;
    taps.push(Date.now());
    setGrade(tapGrade());
  }

  function inputTick() {
    if (taps.length) setGrade(tapGrade());
    if (grade && Date.now() - lastSent >= RESEND_MS - INPUT_TICK_MS / 2) emit(true);
  }

  function recentPointer(el) {
    return lastPointer && lastPointer.el === el && Date.now() - lastPointer.at < 1000;
  }

  // ---- Events: delegated, so markup swapped in by htmx works without rebinding ------------

  document.addEventListener("pointerdown", function (e) {
    if (e.pointerType === "mouse" && e.button !== 0) return;
    var btn = closest(e.target, GRADE), tap = btn ? null : closest(e.target, TAP);
    if (btn) {
      // Captured: a finger sliding off the button still delivers its pointerup here.
      try { btn.setPointerCapture(e.pointerId); } catch (x) { /* pointer already gone */ }
      press = { el: btn, grade: gradeOf(btn), was: grade, at: Date.now() };
      taps = [];
      setGrade(press.grade);
    } else if (tap) {
      registerTap();
    }
    if (btn || tap) lastPointer = { el: btn || tap, at: Date.now() };
  });

  function release(e) {
    if (!press) return;
    var p = press;
    press = null;
    lastPointer = { el: p.el, at: Date.now() };
    // A long press claps while held. A quick tap latches (tapping the active grade ends it):
    // whoever cannot hold a button, or double-taps with a screen reader, can still clap.
    var held = Date.now() - p.at >= HOLD_MS;
    if (e.type === "pointercancel" || held || p.was === p.grade) setGrade(0);
  }
  document.addEventListener("pointerup", release);
  document.addEventListener("pointercancel", release);

  document.addEventListener("click", function (e) {
    var el;
    if (closest(e.target, "[data-applause-listen]")) toggleListening();
    else if (closest(e.target, "[data-applause-mute]")) {
      engine.setMuted(!engine.muted);
      save(STORE.muted, engine.muted ? "1" : "0");
      syncControls();
    } else if ((el = closest(e.target, GRADE))) {
      // A click without a pointer press (Space, Enter, assistive tech) toggles the grade.
      if (!recentPointer(el)) setGrade(grade === gradeOf(el) ? 0 : gradeOf(el));
    } else if ((el = closest(e.target, TAP)) && !recentPointer(el)) {
      registerTap();
    }
  });

  document.addEventListener("keydown", function (e) {
    var input = closest(e.target, "[data-applause-input]");
    if (!input && !closest(e.target, TAP)) return;
    if (e.repeat && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); return; }
    if (e.key === "Escape" || e.key === "Esc") {
      if (grade) { e.preventDefault(); setGrade(0); }
      return;
    }
    var step = { ArrowUp: 1, ArrowRight: 1, ArrowDown: -1, ArrowLeft: -1 }[e.key];
    var btn = closest(e.target, "[data-grade]");
    if (!step || !input || !btn) return;
    e.preventDefault();
    var want = Math.max(1, Math.min(5, (grade || gradeOf(btn)) + step));
    var next = input.querySelector('[data-grade="' + want + '"]');
    if (next) next.focus();
    if (grade) { taps = []; setGrade(want); }
  });

  document.addEventListener("input", function (e) {
    var el = closest(e.target, "input[data-applause-volume]");
    if (!el) return;
    engine.setVolume(sliderValue(el));
    save(STORE.volume, String(engine.volume));
  });

  // A phone put away must not keep applauding.
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { press = null; setGrade(0); }
  });

  // Socket gone: the room level is unknown, so let the sound die down.
  function connectionLost() { engine.setLevel(0); band = 0; showBand(); }
  document.addEventListener("htmx:wsClose", connectionLost);
  document.addEventListener("htmx:wsError", connectionLost);

  function refresh() { readLevel(); showBand(); syncControls(); }
  document.addEventListener("htmx:wsAfterMessage", refresh);
  document.addEventListener("htmx:afterSettle", refresh);

  function init() {
    var volume = parseFloat(load(STORE.volume));
    var slider = document.querySelector("input[data-applause-volume]");
    engine.setVolume(isFinite(volume) ? volume : slider ? sliderValue(slider) : 1);
    engine.setMuted(load(STORE.muted) === "1");
    // A remembered "on" (or an autostart page) plays at once only where autoplay is allowed;
    // otherwise the button stays unpressed, marked data-applause-resume, until tapped. A silent
    // page never starts it (a preview must not play in the moderator's room).
    var silent = !!document.querySelector("[data-applause-silent]");
    if (!silent && (load(STORE.listen) === "1" ||
                    document.querySelector("[data-applause-autostart]"))) {
      if (engine.autoplayAllowed()) engine.start();
      else resumePending = true;
    }
    // Fallback for level updates that come without htmx events (other swap paths).
    if (window.MutationObserver) {
      var watch = { subtree: true, childList: true, attributeFilter: ["data-level", "data-band"] };
      new MutationObserver(refresh).observe(document.body, watch);
    }
    refresh();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();

  window.liveApplause = {
    engine: engine,
    get grade() { return grade; },
    // For pages that must end clapping themselves (e.g. the moderator closed applause).
    setGrade: function (g) { if (isNum(g)) setGrade(Math.max(0, Math.round(g))); }
  };
})();
