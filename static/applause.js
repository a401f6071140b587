// applause.js: hear the room applaud (synthesized, no audio files) and clap from the phone.
// No dependencies, no user-visible strings (labels live in the translated templates), no inline
// styles: runs under `script-src 'self'; style-src 'self'`. Global: window.liveApplause.
//
// Markup contract (every part optional; any part may be swapped by htmx at any time):
//   <div id="applause-level" data-level="0.42" data-band="3" data-present="120" hidden></div>
//       Room level 0..1 and its band 0..5, both from the server: the bands are a rule of the
//       domain (live/domain/applause.py level_band), written once there, so the meter always
//       matches the server's text. A fragment without a valid band keeps the meter as it is.
//       data-present: people in the room; the sound is a crowd of that size (optional).
//       data-via-stream="1": the room's applause comes over the stream (an online event: the
//       overlay mixes it in once). A participant's own device then plays none (below).
//   <section data-applause-device>: a participant's own device (the participant page). With
//       data-via-stream its engine gets level 0 while the meters follow the room, so no sound
//       reaches an open microphone; [data-applause-stream-note] shows, the box
//       [data-applause-listen-box] hides (not while focus is in it). Projector and overlay are
//       no such device: they play. [data-applause-headphones] shows while this device plays.
//   <body class="screen-page">: the projector plays dry (the hall is the room); elsewhere
//       the sound gets a short generated room reverb.
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
  // The room is simulated as people. The server's level is sqrt(Σ grade/5 ÷ present)
  // (live/domain/applause.py), so present · level² is how many people clap at full effort;
  // PEOPLE_PER_EFFORT turns that into people clapping at all (most clap below grade 5), at
  // most everyone present. Without a `present` (old fragments, the test page) the room has
  // DEFAULT_PRESENT people.
  var DEFAULT_PRESENT = 40, MAX_PRESENT = 600, PEOPLE_PER_EFFORT = 1.6;
  // The nearest FOREGROUND people are simulated one by one (one small node chain per clap);
  // everybody else comes from pre-rendered crowd layers of LAYER_PEOPLE each, played as
  // segments at random offsets and speeds, so 400 people cost ~20 sources, not 1,600 claps/s.
  var FOREGROUND = 16, LAYER_PEOPLE = 24;
  // Crowd layers: unrelated lengths >= 10 s, segments of 2.5–5 s at speeds 0.9–1.1 with
  // equal-power crossfades: no stretch of sound ever repeats at a fixed lag (no audible loop).
  var LAYER_SECONDS = [10.3, 13.7], SEGMENT_MIN = 2.5, SEGMENT_MAX = 5, FADE = 0.3;
  // A person claps in bursts of BURST_MIN..BURST_MAX claps at a tempo of their own
  // (TEMPO_MIN..TEMPO_MAX claps/s, ±JITTER per clap), longer bursts the more excited the
  // room, and pauses between them: a person with activity a < 1 (the last, partial one of a
  // crowd of N = 2.4 people) rests so that they clap a of the time. Sparse applause is a few
  // people taking turns, not one metronome skipping beats.
  // Below level (1 − DUTY_MIN)/DUTY_SLOPE ≈ 0.4 people clap only part of the time.
  var BURST_MIN = 3, BURST_MAX = 8, TEMPO_MIN = 3, TEMPO_MAX = 6, JITTER = 0.12;
  var DUTY_MIN = 0.35, DUTY_SLOPE = 1.6;
  // Loudness: a clap is as loud as a clap; a crowd is louder because it has more hands (N
  // uncorrelated claps add up in power), so a lone clap is ~25 LU below an ovation of 400.
  // People clap harder in an excited room (× 0.35 + 0.65·level: 9 dB from polite to wild). ROOM_EXP lifts small rooms a
  // little (an ovation of 20 is 13 dB less than one of 400 in nature, ~6.5 dB here), so a
  // forum of 20 sounds like 20 people but still reaches the stream. CLAP_GAIN is calibrated
  // so an ovation of 400 present measures about −16 LUFS (a stream's loudness target) at
  // full volume on the overlay (tests/browser/test_applause_sound.py measures it).
  var CLAP_GAIN = 0.56, EFFORT_MIN = 0.35, ROOM_EXP = 0.25, ROOM_REF = 400;
  // Limiter: a DynamicsCompressor set hard (ratio 20, no knee) keeps peaks near −3 dBFS. It
  // adds an automatic makeup gain of (−0.6 · y(0 dBFS)) dB (Blink/WebKit/Gecko share this
  // code), which lifted quiet sound by 4.3 dB before; a gain after it takes that back, so
  // below the threshold the chain is exactly unity (tested).
  var LIMIT_DB = -4, LIMIT_RATIO = 20;
  var MAKEUP_DB = -0.6 * (LIMIT_DB + (0 - LIMIT_DB) / LIMIT_RATIO);
  // Room reverb (overlay, phones; the projector is in the hall already, so it stays dry):
  // generated stereo noise with an exponential decay, REVERB_SECONDS long, mixed REVERB_WET.
  var REVERB_SECONDS = 0.8, REVERB_RT60 = 0.7, REVERB_WET = 0.22;
  // Client smoothing of the pushed level (ticks ≤ 250 ms apart): a one-pole filter (time
  // constants in s) rising within about a second, falling slower, like a room dying down.
  // When the room's level is 0, the last stragglers stop below STOP_LEVEL: the sound ends,
  // reverb tail included, within 3 s (digital zero: the stream's silence detection works).
  var RISE_TAU = 0.3, FALL_TAU = 0.8, STOP_LEVEL = 0.25;
  // Scheduler: every 25 ms, schedule each clap due before now + LOOKAHEAD on the audio clock
  // (sample-accurate; JS timers are not). When the timer is throttled (background tab), the
  // window widens with the observed gap, up to MAX_LOOKAHEAD, so the sound does not stutter.
  // Crowd segments are few and their loudness is a separate gain, so they are scheduled
  // STREAM_AHEAD s ahead: a stalled timer never leaves a gap in the roar.
  var TICK_MS = 25, LOOKAHEAD = 0.1, MAX_LOOKAHEAD = 1.0, RAMP = 0.1, LAYER_BUDGET_MS = 4;
  var STREAM_AHEAD = 2;

  // ---- Phone input ----------------------------------------------------------------------
  var HOLD_MS = 300;       // shorter presses latch instead of clapping while held
  var RESEND_MS = 1000;    // the server forgets a phone after 3 s without a message
  var INPUT_TICK_MS = 250;
  var TAP_WINDOW_MS = 2000, TAP_IDLE_MS = 1500;
  var TAP_RATES = [0, 0, 1.25, 2.25, 3.25, 4.25]; // taps/s needed for grade g (index)

  var STORE = { listen: "live.applause.listen", volume: "live.applause.volume",
                muted: "live.applause.muted" };

  function clamp01(x) { return x < 0 ? 0 : x > 1 ? 1 : x; }
  function isNum(x) { return typeof x === "number" && x === x; }

  // Seedable random numbers (mulberry32): the tests render the same applause every time.
  function seeded(seed) {
    var s = seed >>> 0;
    return function () {
      s = (s + 0x6D2B79F5) >>> 0;
      var t = Math.imul(s ^ (s >>> 15), 1 | s);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  // Hands: a third cup them (a hollow resonance 400–900 Hz, ringing a little longer), the
  // rest clap flat (bright, 1–2.5 kHz, short). Each person keeps their hands, seat and tempo.
  function Person(random, near) {
    var cupped = random() < 0.33;
    this.freq = cupped ? 400 * Math.pow(900 / 400, random()) : 1000 * Math.pow(2.5, random());
    this.q = cupped ? 2.5 + 3 * random() : 0.8 + 1.2 * random();
    this.tau = cupped ? 0.012 + 0.01 * random() : 0.006 + 0.008 * random();
    this.click = cupped ? 0.3 + 0.3 * random() : 0.5 + 0.5 * random();
    // Distance 1..12 m in front rows (foreground), 4..30 m in the crowd: quieter (1/r, from
    // 1 m) and duller (air and people absorb the highs) further back.
    var r = near ? 1 + 6 * random() * random() : 4 + 26 * random();
    this.gain = 1 / Math.sqrt(r);
    this.bright = 9000 / Math.sqrt(r);
    this.pan = (random() * 2 - 1) * (near ? 0.9 : 0.7);
    this.tempo = TEMPO_MIN + (TEMPO_MAX - TEMPO_MIN) * random();
    this.next = 0; this.left = 0; this.variants = null;
  }

  // One clap into `out` at sample `at`: noise → attack 1–2 ms → exponential decay, through a
  // band-pass at the hand's resonance, plus an unfiltered onset click of the first 0.5 ms, then
  // a one-pole low-pass for the distance. Returns nothing; adds to what is there.
  function synthClap(out, at, rate, p, gain, random) {
    var f = p.freq * (0.9 + 0.2 * random()), q = p.q * (0.85 + 0.3 * random());
    var w = 2 * Math.PI * f / rate, alpha = Math.sin(w) / (2 * q), a0 = 1 + alpha;
    var b0 = alpha / a0, a1 = -2 * Math.cos(w) / a0, a2 = (1 - alpha) / a0; // b1 0, b2 −b0
    var lp = 1 - Math.exp(-2 * Math.PI * p.bright / rate), y = 0;
    var attack = Math.round(rate * (0.001 + 0.001 * random()));
    var click = Math.round(rate * 0.0005), tau = p.tau * (0.8 + 0.4 * random()) * rate;
    var n = Math.min(out.length - at, attack + Math.round(tau * 6)); // to −52 dB
    var x1 = 0, x2 = 0, y1 = 0, y2 = 0, boost = 1.5 * Math.sqrt(q);
    var fall = Math.exp(-1 / tau), env = 0;
    for (var i = 0; i < n; i++) {
      env = i < attack ? i / attack : i === attack ? 1 : env * fall;
      var x = (random() * 2 - 1) * env;
      var band = b0 * x - b0 * x2 - a1 * y1 - a2 * y2;
      x2 = x1; x1 = x; y2 = y1; y1 = band;
      var s = band * boost + (i < click ? x * p.click : 0);
      y += lp * (s - y);
      out[at + i] += gain * y;
    }
  }

  function createEngine(options) {
    options = options || {};
    var AC = window.AudioContext || window.webkitAudioContext;
    var random = options.random || Math.random;
    var ctx = null, master = null, bus = null, layers = [], layerJobs = [], streams = [];
    var target = 0, level = 0, present = DEFAULT_PRESENT, volume = 1, muted = false;
    var running = false, claps = 0, clapping = 0, late = 0, lateClaps = 0, people = [];
    var timer = null;
    var lastTick = 0;
    var suspendTimer = null, onsets = options.onsets || null;
    var reverb = options.reverb !== undefined ? options.reverb
      : !(document.body && document.body.classList.contains("screen-page"));

    function buffer(seconds, channels) {
      return ctx.createBuffer(channels, Math.max(1, Math.round(ctx.sampleRate * seconds)),
                              ctx.sampleRate);
    }

    // Crowd layers: LAYER_PEOPLE people of the back rows clapping steadily, one layer per
    // LAYER_SECONDS. Rendering them all at once takes ~2 s on a slow phone (measured at 6×
    // CPU throttling), so the live engine renders one person per timer tick, a few ms at a
    // time, from start() on; the crowd joins when the first layer is done (about a second).
    function queueLayers() {
      for (var l = 0; l < LAYER_SECONDS.length; l++) {
        var seconds = LAYER_SECONDS[l];
        layerJobs.push({ seconds: seconds, left: LAYER_PEOPLE,
                         data: new Float32Array(Math.round(ctx.sampleRate * seconds)) });
      }
    }
    function renderLayers(budgetMs) {
      var begin = performance.now(), rate = ctx.sampleRate;
      while (layerJobs.length) {
        var job = layerJobs[0];
        if (!job.person) { job.person = new Person(random, false); job.t = random() / job.person.tempo; }
        var p = job.person;
        synthClap(job.data, Math.round(job.t * rate), rate, p, p.gain, random);
        job.t += (1 + JITTER * (2 * random() - 1)) / p.tempo;
        if (job.t < job.seconds - 0.2) {
          if (budgetMs && performance.now() - begin > budgetMs) return;
          continue;
        }
        job.person = null;
        if (--job.left === 0) {
          var buf = buffer(job.seconds, 1);
          buf.getChannelData(0).set(job.data);
          layers.push(buf);
          layerJobs.shift();
        }
        if (budgetMs && performance.now() - begin > budgetMs) return;
      }
    }

    // A short generated room: decorrelated noise per ear, 10 ms pre-delay, exponential decay.
    function impulse() {
      var buf = buffer(REVERB_SECONDS, 2), rate = ctx.sampleRate, pre = Math.round(rate * 0.01);
      for (var c = 0; c < 2; c++) {
        var d = buf.getChannelData(c);
        var fall = Math.exp(-6.91 / (REVERB_RT60 * rate)), env = 0.5, end = rate * 0.05;
        for (var i = pre; i < d.length; i++) {
          d[i] = (random() * 2 - 1) * env * Math.min(1, (d.length - i) / end);
          env *= fall;
        }
      }
      return buf;
    }

    // claps → bus ┬→ master (volume, mute) → limiter → makeup back to unity → speakers
    //   crowd →   └→ convolver (room) → wet ┘
    // No oscillators, loops or endless tails: when nothing claps, every node outputs zeros.
    function build() {
      ctx = options.context || new AC({ latencyHint: "playback" });
      master = ctx.createGain(); master.gain.value = 0;
      var limiter = ctx.createDynamicsCompressor();
      limiter.threshold.value = LIMIT_DB; limiter.knee.value = 0;
      limiter.ratio.value = LIMIT_RATIO; limiter.attack.value = 0.001;
      limiter.release.value = 0.15;
      var unity = ctx.createGain(); unity.gain.value = Math.pow(10, -MAKEUP_DB / 20);
      master.connect(limiter); limiter.connect(unity); unity.connect(ctx.destination);
      bus = ctx.createGain(); bus.connect(master);
      if (reverb) {
        var room = ctx.createConvolver(), wet = ctx.createGain();
        room.buffer = impulse(); wet.gain.value = REVERB_WET;
        bus.connect(room); room.connect(wet); wet.connect(master);
      }
      queueLayers();
      if (options.context) renderLayers(0); // offline: all before rendering starts
    }

    // Per foreground person, three pre-rendered claps of their hands (made once, when they
    // first clap), played at ±6 % speed and ±15 % gain: no two claps are the same sample.
    function variants(p) {
      if (p.variants) return p.variants;
      p.variants = [];
      for (var v = 0; v < 3; v++) {
        var buf = buffer(0.2, 1);
        synthClap(buf.getChannelData(0), 0, ctx.sampleRate, p, 1, random);
        p.variants.push(buf);
      }
      return p.variants;
    }

    function clap(p, t, peak) {
      var src = ctx.createBufferSource(), env = ctx.createGain(), out = env;
      src.buffer = variants(p)[Math.floor(random() * 3)];
      src.playbackRate.value = 0.94 + 0.12 * random();
      env.gain.value = peak * p.gain * (0.85 + 0.3 * random());
      src.connect(env);
      if (ctx.createStereoPanner) {
        out = ctx.createStereoPanner(); out.pan.value = p.pan; env.connect(out);
      }
      out.connect(bus);
      src.onended = function () { out.disconnect(); };
      src.start(t);
      claps++;
      if (onsets) onsets.push(t);
    }

    // A crowd stream: one layer's worth of people, heard as overlapping segments. Its gain
    // follows how much of it claps (ramped: a jump clicks; linear: it reaches exactly 0).
    function Stream(i) {
      this.gain = ctx.createGain(); this.gain.gain.value = 0; this.value = 0; this.until = 0;
      var out = this.gain;
      if (ctx.createStereoPanner) {
        out = ctx.createStereoPanner(); out.pan.value = ((i * 0.618) % 1) * 1.4 - 0.7;
        this.gain.connect(out);
      }
      out.connect(bus);
      this.next = 0;
    }
    var fadeIn = new Float32Array(32), fadeOut = new Float32Array(32);
    for (var f = 0; f < 32; f++) {
      fadeIn[f] = Math.sin(Math.PI / 2 * f / 31); fadeOut[f] = Math.cos(Math.PI / 2 * f / 31);
    }
    function segment(s, t) {
      var layer = layers[Math.floor(random() * layers.length)];
      var speed = 0.9 + 0.2 * random(), length = SEGMENT_MIN + (SEGMENT_MAX - SEGMENT_MIN) * random();
      var offset = random() * (layer.duration - length * speed - 0.1);
      var src = ctx.createBufferSource(), env = ctx.createGain();
      src.buffer = layer; src.playbackRate.value = speed;
      env.gain.setValueAtTime(0, t);
      env.gain.setValueCurveAtTime(fadeIn, t, FADE);
      env.gain.setValueCurveAtTime(fadeOut, t + length - FADE, FADE);
      src.connect(env); env.connect(s.gain);
      src.onended = function () { env.disconnect(); };
      src.start(t, Math.max(0, offset), length);
      s.next = t + length - FADE; // the next one fades in while this one fades out
    }
    function ramp(s, value, now) {
      if (Math.abs(value - s.value) < 0.003 && (value > 0 || s.value === 0)) return;
      if (now < s.until) return; // the running ramp ends first (no jumps)
      s.gain.gain.setValueAtTime(s.value, now);
      s.gain.gain.linearRampToValueAtTime(value, now + RAMP);
      s.value = value; s.until = now + RAMP;
    }

    // Bursts and pauses of one foreground person with activity a (0..1) up to `horizon`.
    function person(p, a, now, horizon, peak) {
      if (a <= 0) { p.next = 0; p.left = 0; return; } // resting; re-phased when they join
      if (p.next < now) { // joined, or the timer lagged behind the audio clock
        if (p.next > 0) lateClaps++;
        p.next = now + random() / p.tempo; p.left = 0;
      }
      while (p.next < horizon) {
        if (p.left <= 0) { // a new burst, longer in an excited room
          p.left = Math.round((BURST_MIN + (BURST_MAX - BURST_MIN) * random()) * (1 + 4 * level));
        }
        clap(p, p.next, peak);
        p.left--;
        var gap = (1 + JITTER * (2 * random() - 1)) / (p.tempo * (0.9 + 0.2 * level));
        if (p.left <= 0 && a < 1) { // a pause: on average (1 − a)/a of a burst's length
          var burst = (BURST_MIN + BURST_MAX) / 2 / p.tempo;
          gap += 0.3 + -Math.log(1 - random()) * burst * (1 - a) / a;
        }
        p.next += gap;
      }
    }

    function step(now, dt) {
      level += (target - level) * (1 - Math.exp(-dt / (target > level ? RISE_TAU : FALL_TAU)));
      if (Math.abs(target - level) < 0.0005 || (target === 0 && level < STOP_LEVEL)) level = target;
      var horizon = now + Math.min(MAX_LOOKAHEAD, Math.max(LOOKAHEAD, 1.5 * dt));
      var n = Math.min(present, present * level * level * PEOPLE_PER_EFFORT);
      clapping = n;
      // In a quiet room the same amount of clapping comes from more people, each clapping a
      // share `duty` of the time: short bursts, taking turns.
      var duty = Math.min(1, DUTY_MIN + DUTY_SLOPE * level), m = n / duty;
      var peak = CLAP_GAIN * (EFFORT_MIN + (1 - EFFORT_MIN) * level) *
        Math.min(3, Math.pow(ROOM_REF / Math.max(present, 1), ROOM_EXP));
      while (people.length < Math.min(FOREGROUND, Math.ceil(m))) {
        people.push(new Person(random, true));
      }
      for (var i = 0; i < people.length; i++) {
        person(people[i], clamp01(m - i) * duty, now, horizon, peak);
      }
      var crowd = Math.max(0, m - FOREGROUND) * duty / LAYER_PEOPLE;
      while (streams.length < Math.ceil(crowd)) streams.push(new Stream(streams.length));
      for (var k = 0; k < streams.length; k++) {
        var s = streams[k], a = clamp01(crowd - k);
        ramp(s, a * peak, now);
        if (a > 0 && layers.length) {
          if (s.next < now) { if (s.next > 0) late++; s.next = now; }
          while (s.next < now + STREAM_AHEAD) segment(s, s.next);
        } else s.next = 0;
      }
    }

    function tick() {
      var wall = performance.now(), dt = Math.min((wall - lastTick) / 1000, 5);
      lastTick = wall;
      step(ctx.currentTime, dt);
      if (layerJobs.length) renderLayers(LAYER_BUDGET_MS);
    }

    // Squared: a linear slider then sounds even. Ramped, because a jump clicks.
    function gainTarget() { return running && !muted ? volume * volume : 0; }
    function applyGain() {
      if (master) master.gain.setTargetAtTime(gainTarget(), ctx.currentTime, 0.04);
    }

    return {
      setLevel: function (x) { if (isNum(x)) target = clamp01(x); },
      setPresent: function (x) {
        if (isNum(x) && x >= 0) present = Math.min(MAX_PRESENT, Math.round(x));
      },
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
        level = 0;
        for (var i = 0; i < people.length; i++) people[i].next = 0;
        for (var k = 0; k < streams.length; k++) ramp(streams[k], 0, ctx.currentTime);
        // Suspend after the fade-out, for the battery (one timer per stop, not per clap).
        suspendTimer = setTimeout(function () { if (!running) ctx.suspend(); }, 300);
      },
      // Offline rendering (tests, docs/applause/make.py): the graph on the given context,
      // stepped by hand on its clock instead of a timer.
      prepare: function () { build(); running = true; master.gain.value = gainTarget(); },
      step: step,
      // Would start() play without a gesture? Where the browser cannot say, creating the
      // context is the only probe; without permission it just stays suspended (silent).
      autoplayAllowed: function () {
        if (!AC) return false;
        var policy = navigator.getAutoplayPolicy;
        if (policy) return policy.call(navigator, "audiocontext") === "allowed";
        if (!ctx) build();
        return ctx.state === "running";
      },
      get input() { return bus; },
      get inputLevel() { return level; },
      get targetLevel() { return target; },
      get present() { return present; },
      get running() { return running; },
      get scheduledClaps() { return claps; }, // by the foreground people (not the crowd)
      get people() { return clapping; }, // how many people the sound is of now
      // The timer fell behind the audio clock: a gap in the crowd (late), a person's clap
      // re-phased (lateClaps: a clap a little off its tempo, not a glitch).
      get late() { return late; },
      get crowdReady() { return layers.length === LAYER_SECONDS.length; },
      get currentTime() { return ctx ? ctx.currentTime : 0; },
      get lateClaps() { return lateClaps; },
      get gainValue() { return gainTarget(); },
      get volume() { return volume; },
      get muted() { return muted; },
      get reverb() { return reverb; },
      get contextState() { return ctx ? ctx.state : "none"; }
    };
  }

  // Renders `seconds` of applause offline, deterministically: the level follows `levels`
  // ([[time s, level], …], a step function), `present` people, random numbers from `seed`,
// `reverb` or dry, `volume` 0..1, `probe`: a test tone's amplitude (see below).
  // Resolves to {sampleRate, channels: [Float32Array, Float32Array], onsets: [s, …]}.
  // For the tests and docs/applause/make.py; the pages never call it.
  function render(o) {
    var rate = o.sampleRate || 48000, seconds = o.seconds || 10, onsets = [];
    var ctx = new OfflineAudioContext(2, Math.round(rate * seconds), rate);
    var e = createEngine({ context: ctx, random: seeded(o.seed || 1), reverb: !!o.reverb,
                           onsets: onsets });
    e.setVolume(o.volume === undefined ? 1 : o.volume);
    e.setPresent(o.present === undefined ? DEFAULT_PRESENT : o.present);
    e.prepare();
    if (o.probe) { // a 1 kHz tone of amplitude `probe` into the chain (the limiter's gain)
      var tone = ctx.createOscillator(), amp = ctx.createGain();
      amp.gain.value = o.probe; tone.connect(amp); amp.connect(e.input); tone.start();
    }
    var levels = o.levels || [[0, o.level || 0]], dt = TICK_MS / 1000, j = 0;
    for (var t = 0; t < seconds; t += dt) {
      while (j < levels.length && levels[j][0] <= t) { e.setLevel(levels[j][1]); j++; }
      e.step(t, dt);
    }
    return ctx.startRendering().then(function (buf) {
      return { sampleRate: rate, onsets: onsets,
               channels: [buf.getChannelData(0), buf.getChannelData(1)] };
    });
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
  var band = 0, levelEl = null, levelKey = "", viaStream = false;

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
    var key = el && el.getAttribute("data-level") + "|" + el.getAttribute("data-band") + "|" +
      el.getAttribute("data-present") + "|" + el.getAttribute("data-via-stream");
    if (!el || (el === levelEl && key === levelKey)) return;
    levelEl = el; levelKey = key;
    var level = clamp01(parseFloat(el.getAttribute("data-level")));
    var sent = parseInt(el.getAttribute("data-band"), 10);
    if (!isNum(level)) return;
    viaStream = el.getAttribute("data-via-stream") === "1";
    var device = !!document.querySelector("[data-applause-device]");
    engine.setLevel(viaStream && device ? 0 : level);
    if (el.hasAttribute("data-present")) engine.setPresent(parseInt(el.getAttribute("data-present"), 10));
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
    showStream();
  }

  function setHidden(el, hidden) { if (el.hidden !== hidden) el.hidden = hidden; }

  function showStream() {
    each("[data-applause-stream-note]", function (el) { setHidden(el, !viaStream); });
    each("[data-applause-listen-box]", function (el) {
      // A push never takes away the control a person is using: hidden once focus leaves.
      if (!(viaStream && el.contains(document.activeElement))) setHidden(el, viaStream);
    });
    each("[data-applause-headphones]", function (el) {
      setHidden(el, viaStream || !engine.running);
    });
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

  // The listen box kept for the person using it (showStream) goes once focus leaves it.
  document.addEventListener("focusout", function () { setTimeout(showStream, 0); });

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
    // A page without a listen button (the console) never plays the room's applause.
    var silent = !!document.querySelector("[data-applause-silent]");
    var remembered = load(STORE.listen) === "1" &&
      !!document.querySelector("[data-applause-listen]");
    if (!silent && (remembered || document.querySelector("[data-applause-autostart]"))) {
      if (engine.autoplayAllowed()) engine.start();
      else resumePending = true;
    }
    // Fallback for level updates that come without htmx events (other swap paths).
    if (window.MutationObserver) {
      var watch = { subtree: true, childList: true,
                    attributeFilter: ["data-level", "data-band", "data-present",
                                      "data-via-stream"] };
      new MutationObserver(refresh).observe(document.body, watch);
    }
    refresh();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();

  window.liveApplause = {
    engine: engine,
    render: render,
    // A separate engine (its own AudioContext), e.g. the console's sound check: options
    // {reverb: bool}; setLevel, setPresent, setVolume, start() from a gesture, stop().
    createEngine: function (o) { return createEngine({ reverb: !!(o && o.reverb) }); },
    get grade() { return grade; },
    // For pages that must end clapping themselves (e.g. the moderator closed applause).
    setGrade: function (g) { if (isNum(g)) setGrade(Math.max(0, Math.round(g))); }
  };
})();
