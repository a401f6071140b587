// live.js: the little glue htmx does not do by itself. No user-visible strings live here
// (they are in the templates, translated); no third-party code; works under script-src 'self'.
(function () {
  "use strict";

  // Live regions are swapped whole. When the swapped region held the focused control, put the
  // focus back on the control with the same id, so keyboard and screen-reader users keep their
  // place while results stream in.
  // Only a control that a swap took away gets the focus back: one the person left themselves
  // (a tap elsewhere, a blur) stays left, also when a swap's settle runs a moment later.
  var focusedId = null;
  var focusedEl = null;

  function rememberFocus() {
    var el = document.activeElement;
    focusedEl = el && el !== document.body && el.id ? el : null;
    focusedId = focusedEl ? focusedEl.id : null;
  }

  function restoreFocus() {
    if (!focusedId || !focusedEl || document.contains(focusedEl)) return;
    var active = document.activeElement;
    if (!active || active === document.body || !document.contains(active)) {
      var again = document.getElementById(focusedId);
      if (again && typeof again.focus === "function") {
        again.focus({ preventScroll: true });
        focusedEl = again;
      }
    }
  }

  // Likewise for the controls being filled in: a structural push (a poll opening beside the
  // one being answered, the socket's first push right after the page loaded, or this phone's
  // own vote answer, which re-renders the whole stage) would replace ticked boxes, typed text
  // or a moved slider with the server's copy. Carry what the participant changed over to the
  // control with the same id, if the new one still holds what the server rendered. Results
  // alone never replace the form (live/views/regions.py participant_regions). Controls inside
  // the form that was just sent are left to its answer (which may clear them), unless the
  // answer refused it.
  var changed = [];

  function differs(el) {
    if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
    if (el.tagName === "SELECT") {
      for (var i = 0; i < el.options.length; i++) {
        if (el.options[i].selected !== el.options[i].defaultSelected) return true;
      }
      return false;
    }
    return el.value !== el.defaultValue;
  }

  function rememberControls(except) {
    changed = [];
    var all = document.querySelectorAll(
      "input[id]:not([type=hidden]):not([type=submit]):not([type=button]), textarea[id], select[id]"
    );
    for (var i = 0; i < all.length; i++) {
      var el = all[i];
      if (except && except.contains(el)) continue;
      if (differs(el)) {
        changed.push({ id: el.id, el: el, checked: el.checked, value: el.value });
      }
    }
  }

  function restoreControls() {
    for (var i = 0; i < changed.length; i++) {
      var c = changed[i];
      var now = document.getElementById(c.id);
      if (!now || now === c.el || now.type !== c.el.type || differs(now)) continue;
      if (now.type === "checkbox" || now.type === "radio") now.checked = c.checked;
      else now.value = c.value;
    }
  }

  function sentForm(evt) {
    var cfg = evt.detail && evt.detail.requestConfig;
    var elt = cfg && cfg.elt;
    return elt && elt.closest ? elt.closest("form") : null;
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
  }

  document.addEventListener("htmx:wsBeforeMessage", rememberFocus);
  // A vote sent over the socket is answered there (sentOverSocket below): like a post's answer,
  // it leaves the form it answers to itself, unless it refused the vote.
  document.addEventListener("htmx:wsBeforeMessage", function (evt) {
    rememberControls(landed(evt));
  });
  document.addEventListener("htmx:wsBeforeMessage", rememberOpen);
  document.addEventListener("htmx:wsAfterMessage", restoreOpen);
  document.addEventListener("htmx:wsAfterMessage", restoreControls);
  document.addEventListener("htmx:wsAfterMessage", restoreFocus);
  document.addEventListener("htmx:beforeSwap", rememberFocus);
  document.addEventListener("htmx:beforeSwap", rememberOpen);
  // A refused send (422: over the points budget, a text too long) keeps what was typed in its
  // form too, so it can be corrected rather than typed again.
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var xhr = evt.detail && evt.detail.xhr;
    rememberControls(xhr && xhr.status >= 400 ? null : sentForm(evt));
  });
  document.addEventListener("htmx:afterSwap", restoreControls);
  document.addEventListener("htmx:afterSwap", restoreOpen);
  document.addEventListener("htmx:afterSettle", restoreFocus);
  // An answer that swaps nothing itself (hx-swap="none", the moderators' console) brings its
  // regions out of band, and htmx then fires neither afterSwap nor afterSettle: restore after
  // each of them. (The restores leave their lists alone, so that every region of an answer gets
  // them; the next remember starts new lists.)
  document.addEventListener("htmx:oobAfterSwap", restoreControls);
  document.addEventListener("htmx:oobAfterSwap", restoreOpen);
  document.addEventListener("htmx:oobAfterSwap", restoreFocus);

  // The shared question list is pushed to every phone without personal marks (one render for
  // all). Which questions this phone supports comes from #qa-state, which only this
  // participant's own requests update; re-apply it after every swap.
  // The idea board (#ideas-state, buttons with data-iid) works the same way.
  function applyMarks(islandId, attribute) {
    var island = document.getElementById(islandId);
    if (!island) return;
    var ids = (island.getAttribute("data-upvoted") || "").split(" ");
    var mine = {};
    for (var i = 0; i < ids.length; i++) if (ids[i]) mine[ids[i]] = true;
    var buttons = document.querySelectorAll("button.upvote[" + attribute + "]");
    for (var j = 0; j < buttons.length; j++) {
      var on = mine[buttons[j].getAttribute(attribute)] === true;
      buttons[j].setAttribute("aria-pressed", on ? "true" : "false");
      buttons[j].value = on ? "0" : "1";
    }
  }
  function applyUpvotes() {
    applyMarks("qa-state", "data-qid");
    applyMarks("ideas-state", "data-iid");
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

  // Connection state for the banner (texts are in the page, switched by CSS; on the phone it
  // shows only while the connection is broken).
  var connectionState = "connecting";
  function setConnection(state) {
    connectionState = state;
    var nodes = document.querySelectorAll(".connection");
    for (var i = 0; i < nodes.length; i++) nodes[i].setAttribute("data-state", state);
    document.body.setAttribute("data-connection", state);
  }
  var socketOpen = false;
  document.addEventListener("htmx:wsOpen", function () {
    socketOpen = true;
    setConnection("open");
    retryAll();
  });
  function socketGone() {
    socketOpen = false;
    setConnection("closed");
    // A vote on its way over the socket will get no answer now.
    for (var action in pending) {
      if (pending[action].viaSocket) socketSendFailed(action);
    }
  }
  document.addEventListener("htmx:wsClose", socketGone);
  document.addEventListener("htmx:wsError", socketGone);
  // The network's own word comes sooner than a socket noticing it is cut off.
  window.addEventListener("offline", function () { setConnection("closed"); });
  window.addEventListener("online", function () {
    if (socketOpen) setConnection("open");
    retryAll();
  });

  // --- the status region: announcements, and confirmations that go away -------------------
  // #announcer carries the translated texts as data attributes (fragments/announcer.html).
  var TOAST_MS = 4000;
  var toastTimer = null;

  function announcer() {
    return document.getElementById("announcer");
  }

  function text(name) {
    var a = announcer();
    return (a && a.getAttribute("data-" + name)) || "";
  }

  function announce(message, isError) {
    var a = announcer();
    if (!a || !message) return;
    var span = document.createElement("span");
    span.className = isError ? "toast-text toast-error" : "toast-text";
    if (isError) {
      var mark = document.createElement("span");
      mark.setAttribute("aria-hidden", "true");
      mark.textContent = "\u26a0 ";
      span.appendChild(mark);
    }
    span.appendChild(document.createTextNode(message));
    a.replaceChildren(span);
  }

  // Whatever fills the region (this script or an answer's out-of-band swap), it is cleared
  // TOAST_MS later, so a confirmation never stays on screen over the content.
  function watchToasts() {
    var a = announcer();
    if (!a || typeof MutationObserver !== "function") return;
    new MutationObserver(function () {
      if (!a.textContent) return;
      if (toastTimer !== null) clearTimeout(toastTimer);
      toastTimer = setTimeout(function () {
        toastTimer = null;
        a.replaceChildren();
      }, TOAST_MS);
    }).observe(a, { childList: true, subtree: true, characterData: true });
  }

  // A poll that opens or closes is announced once: the stage's articles carry their state
  // (data-poll-state), compared with what this page saw last. Results pushes do not touch the
  // stage, and a stage pushed again with the same polls announces nothing.
  var polls = null; // poll id -> { state, question }

  function readPolls() {
    var seen = {};
    var all = document.querySelectorAll("#poll-stage [data-poll-state]");
    for (var i = 0; i < all.length; i++) {
      var id = all[i].id.replace(/^poll-/, "");
      var h = document.getElementById("q-" + id);
      var question = h ? h.textContent.replace(/\u00ad/g, "").trim() : "";
      seen[id] = { state: all[i].getAttribute("data-poll-state"), question: question };
    }
    return seen;
  }

  function announcePolls() {
    if (!document.getElementById("poll-stage")) return;
    var now = readPolls();
    var before = polls;
    polls = now;
    if (before === null) return; // the page's first look: nothing is news
    var news = [];
    var id;
    for (id in now) {
      var was = before[id];
      if (now[id].state === "open" && (!was || was.state !== "open")) {
        news.push(text("poll-opened") + " " + now[id].question);
      }
    }
    for (id in before) {
      if (before[id].state === "open" && (!now[id] || now[id].state !== "open")) {
        news.push(text("poll-closed") + " " + before[id].question);
      }
    }
    if (news.length) announce(news.join(" "), false);
  }
  document.addEventListener("htmx:wsAfterMessage", announcePolls);
  document.addEventListener("htmx:afterSettle", announcePolls);

  // --- never lose a tap -------------------------------------------------------------------
  // Every page action carries a request id; a send that fails (no network, 5xx, timeout) keeps
  // its id and is sent again on its own — when the connection is back and with backoff — so
  // the server counts it once however often it arrives. The form keeps the choice meanwhile,
  // with a note beside it. A new choice in the same form is a new request (a new id).
  // The participant's actions (live/web/routes.py): vote, mood, ask, upvote.
  var ACTIONS = /^\/e\/[^/]+\/(polls\/[^/]+\/vote|rooms\/[^/]+\/(mood|questions)|questions\/[^/]+\/upvote)$/;
  var SEND_TIMEOUT_MS = 15000;
  var pending = {}; // action path -> { id, sig, submitter, failed, inflight }
  var tries = 0;
  var retryTimer = null;

  function newId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }

  function signature(formData) {
    var parts = [];
    formData.forEach(function (value, key) {
      if (key !== "request_id") parts.push(key + "=" + String(value));
    });
    return parts.sort().join("&");
  }

  function formFor(action) {
    return document.querySelector('form[hx-post="' + CSS.escape(action) + '"]');
  }

  function showNotes() {
    var old = document.querySelectorAll(".send-failed");
    for (var i = 0; i < old.length; i++) old[i].remove();
    for (var action in pending) {
      if (!pending[action].failed) continue;
      var form = formFor(action);
      if (!form) continue;
      var note = document.createElement("p");
      note.className = "send-failed";
      var mark = document.createElement("span");
      mark.setAttribute("aria-hidden", "true");
      mark.textContent = "\u26a0 ";
      note.appendChild(mark);
      note.appendChild(document.createTextNode(text("unsent")));
      form.appendChild(note);
    }
  }

  document.addEventListener("htmx:configRequest", function (evt) {
    var d = evt.detail;
    if (!d || d.verb !== "post" || !ACTIONS.test(d.path)) return;
    var sig = signature(d.formData);
    var p = pending[d.path];
    if (!p || p.sig !== sig) {
      var trigger = d.triggeringEvent;
      var submitter = trigger && trigger.submitter ? trigger.submitter.id : "";
      p = pending[d.path] = { id: newId(), sig: sig, submitter: submitter, failed: false };
    }
    p.inflight = true;
    d.formData.set("request_id", p.id);
    if (sentOverSocket(d, p)) {
      evt.preventDefault(); // no request: the socket carries it (and answers it)
      return;
    }
    // On the form itself: a push may replace it while the request runs, and the events of a
    // detached form no longer reach the document. (The same listener is added only once.)
    d.elt.addEventListener("htmx:afterRequest", afterSend);
    d.timeout = SEND_TIMEOUT_MS;
    // Offline or without the live connection, say so at once; the answer clears it.
    if (connectionState === "closed" || navigator.onLine === false) {
      p.failed = true;
      showNotes();
    }
  });

  function afterSend(evt) {
    var d = evt.detail;
    var cfg = d && d.requestConfig;
    if (!cfg || cfg.verb !== "post" || !ACTIONS.test(cfg.path)) return;
    var p = pending[cfg.path];
    if (!p) return;
    p.inflight = false;
    var status = d.xhr ? d.xhr.status : 0;
    if (status >= 200 && status < 500) {
      // The server answered (a confirmation or an error it explains): done with this one.
      if (cfg.formData.get("request_id") === p.id) delete pending[cfg.path];
      if (!Object.keys(pending).length) tries = 0;
      showNotes();
      return;
    }
    p.failed = true;
    showNotes();
    announce(text("unsent"), true);
    scheduleRetry();
  }

  // A vote goes over the page's socket while it is open: the server answers it there as it
  // would answer the post, without the cost of a request per phone (a burst of thousands of
  // posts is what held the page path back, docs/benchmarks.md). The answer begins with
  // <!--sent:ID:ok--> or <!--sent:ID:refused-->. No answer in time, or the socket closing
  // first, counts as a failed send: retried with the same id, by post when the socket is down.
  var VOTE = /\/polls\/([^/]+)\/vote$/;
  var SENT = /^<!--sent:([A-Za-z0-9_.:-]+):(ok|refused|post)-->/;

  function sentOverSocket(d, p) {
    var vote = VOTE.exec(d.path);
    if (!vote || p.postOnly || !pageSocket || !socketOpen || navigator.onLine === false) {
      return false;
    }
    var fields = [];
    d.formData.forEach(function (value, key) {
      if (typeof value === "string") fields.push([key, value]);
    });
    pageSocket.send(JSON.stringify({
      type: "vote", poll_id: decodeURIComponent(vote[1]), fields: fields
    }));
    p.viaSocket = true;
    if (p.timer) clearTimeout(p.timer);
    p.timer = setTimeout(function () { socketSendFailed(d.path); }, SEND_TIMEOUT_MS);
    return true;
  }

  function socketSendFailed(action) {
    var p = pending[action];
    if (!p || !p.viaSocket) return;
    if (p.timer) clearTimeout(p.timer);
    p.timer = null;
    p.viaSocket = false;
    p.inflight = false;
    p.failed = true;
    showNotes();
    announce(text("unsent"), true);
    scheduleRetry();
  }

  // The socket's answer to one of this page's votes: that send is done. Returns the form the
  // answer leaves alone (null when the vote was refused: what was chosen stays to be fixed).
  // "post": this socket knows no participant (the cookie did not come back); the vote goes as a
  // post, whose answer says what happened.
  function landed(evt) {
    var message = evt.detail ? evt.detail.message : null;
    var sent = typeof message === "string" ? SENT.exec(message) : null;
    if (!sent) return null;
    for (var action in pending) {
      var p = pending[action];
      if (p.id !== sent[1]) continue;
      if (p.timer) clearTimeout(p.timer);
      if (sent[2] === "post") {
        p.viaSocket = false;
        p.inflight = false;
        p.postOnly = true;
        setTimeout(submitAgain, 0, action);
        return null;
      }
      delete pending[action];
      if (!Object.keys(pending).length) tries = 0;
      return sent[2] === "ok" ? formFor(action) : null;
    }
    return null;
  }

  function scheduleRetry() {
    if (retryTimer !== null) return;
    var delay = Math.min(30000, 2000 * Math.pow(2, tries));
    tries += 1;
    retryTimer = setTimeout(function () {
      retryTimer = null;
      retryAll();
    }, delay);
  }

  function submitAgain(action) {
    var p = pending[action];
    var form = formFor(action);
    if (!p || !form) return;
    var submitter = p.submitter ? document.getElementById(p.submitter) : null;
    if (submitter && submitter.form === form) form.requestSubmit(submitter);
    else form.requestSubmit();
  }

  function retryAll() {
    var left = false;
    for (var action in pending) {
      var p = pending[action];
      if (!p.failed) continue;
      left = true;
      if (!p.inflight) submitAgain(action);
    }
    if (left) scheduleRetry();
  }

  document.addEventListener("htmx:afterSettle", showNotes);
  document.addEventListener("htmx:wsAfterMessage", showNotes);
  document.addEventListener("DOMContentLoaded", function () {
    watchToasts();
    announcePolls();
  });
})();
