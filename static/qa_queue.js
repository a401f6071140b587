// qa_queue.js: the moderators' Q&A queue (templates/fragments/mod_questions.html) as one list
// with one selected question, worked with two keys. No user-visible strings live here (they
// come translated from the template: data-* texts and the controls' own names); no third-party
// code; works under script-src 'self'. Without this script every question shows its buttons,
// each a plain form, and the queue works as it is.
//
// - One tab stop: the selected row has tabindex 0, the others -1 (roving tabindex); arrows,
//   Home/End and J/K move the selection, only the selected row shows its buttons.
// - Keys while the focus is in the queue and not in a text field: A approve, H hide, P put on /
//   take off the projector, B mark answered (each presses the selected row's button with that
//   data-qa-key), E or Enter open the inline answer (Escape closes it, Ctrl+Enter saves),
//   U undo. The letters follow the page's shortcut checkbox ([data-shortcuts-toggle], read
//   only); they are taken before static/control.js sees them (capture phase, default
//   prevented), so A in the queue approves rather than switching the projector to applause.
// - After an action the focus goes to the logical next place: the next question waiting for
//   approval, else the next in the list, else the list's heading; P, an undo and an error stay
//   on the question acted on; a refused answer puts the focus in its field.
// - The queue is replaced whole by every push (the socket) and by every action's answer. What
//   belongs to this moderator is carried over to the new copy by id: the selection, the focus,
//   the scroll position, open answer fields with their text, errors and ticked box, the folded
//   "done" part, and the undo, which only this moderator's action answer carries and which is
//   offered for UNDO_MS. (static/live.js carries focus and changed controls by id for every
//   region; this does the same for what only the queue has, and does not depend on which
//   script's listener runs first.)
(function () {
  "use strict";

  var ROOT_ID = "mod-questions";
  var UNDO_MS = 5000;
  var MOVES = { ArrowDown: 1, ArrowUp: -1, j: 1, k: -1 };
  var LETTERS = { a: true, h: true, p: true, b: true, e: true, u: true, j: true, k: true };

  var current = null; // the copy of the queue this script last set up
  var selected = null; // data-qid of the selected question
  var order = []; // the selectable rows' ids as last set up, in order
  var snap = null; // what was focused and where the list was scrolled, before a swap
  var intent = null; // the action on its way: { form, action, qid, order, status }
  var undoTimer = null;

  function queue() {
    return document.getElementById(ROOT_ID);
  }

  function announce(message, isError) {
    var region = document.getElementById("announcer");
    if (!region || !message) return;
    var span = document.createElement("span");
    span.className = isError ? "toast-text toast-error" : "toast-text";
    span.textContent = message;
    region.replaceChildren(span);
  }

  // Read only: the checkbox belongs to the page (static/control.js remembers it).
  function lettersOn() {
    var toggle = document.querySelector("[data-shortcuts-toggle]");
    return !toggle || toggle.checked;
  }

  function isTyping(el) {
    if (!el || !el.tagName) return false;
    var tag = el.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || el.isContentEditable;
  }

  // --- rows and the selection ----------------------------------------------------------------

  function allRows(root) {
    return Array.prototype.slice.call(root.querySelectorAll(".qa-row"));
  }

  // Selectable: not folded away in the closed "done" part, nor hidden by the label filter
  // (static/qa_label_filter.js).
  function rows(root) {
    return allRows(root).filter(function (row) {
      return !row.hidden && !row.parentElement.closest("details:not([open])");
    });
  }

  function rowOf(root, qid) {
    if (!qid) return null;
    var list = rows(root);
    for (var i = 0; i < list.length; i++) if (list[i].getAttribute("data-qid") === qid) return list[i];
    return null;
  }

  function ids(list) {
    return list.map(function (row) { return row.getAttribute("data-qid"); });
  }

  function select(root, qid) {
    var list = rows(root);
    var chosen = rowOf(root, qid) || list[0] || null;
    allRows(root).forEach(function (row) {
      row.setAttribute("tabindex", row === chosen ? "0" : "-1");
      if (row === chosen) row.setAttribute("aria-current", "true");
      else row.removeAttribute("aria-current");
    });
    selected = chosen ? chosen.getAttribute("data-qid") : null;
    order = ids(list);
    return chosen;
  }

  function selectedRow(root) {
    return rowOf(root, selected);
  }

  // The place the focus goes when there is no question to go to: the list's heading.
  function focusTarget(root) {
    return selectedRow(root) || document.getElementById("mod-q-title");
  }

  function show(el) {
    if (!el) return;
    el.focus({ preventScroll: true });
    if (typeof el.scrollIntoView === "function") el.scrollIntoView({ block: "nearest" });
  }

  function move(root, step, to) {
    var list = rows(root);
    if (!list.length) return;
    var at = list.indexOf(selectedRow(root));
    var next = to === "first" ? 0 : to === "last" ? list.length - 1 : Math.max(0, Math.min(list.length - 1, at + step));
    show(select(root, list[next].getAttribute("data-qid")));
  }

  // The first question waiting for approval, else the first in the list.
  function firstChoice(root) {
    var waiting = root.querySelector('.qa-row[data-state="pending"]');
    return waiting ? waiting.getAttribute("data-qid") : null;
  }

  // After an action on done.qid: the next waiting question after it (in the list as it was),
  // else any waiting one, else the next in the list, else the one before, else the question
  // itself; null: nothing left (the focus goes to the list's heading).
  function nextAfter(root, done) {
    var now = ids(rows(root));
    var has = function (id) { return id !== done.qid && now.indexOf(id) >= 0; };
    var waiting = ids(rows(root).filter(function (row) {
      return row.getAttribute("data-state") === "pending";
    })).filter(function (id) { return id !== done.qid; });
    var at = done.order.indexOf(done.qid);
    var i;
    for (i = at + 1; i < done.order.length; i++) if (waiting.indexOf(done.order[i]) >= 0) return done.order[i];
    if (waiting.length) return waiting[0];
    if (at >= 0) {
      for (i = at + 1; i < done.order.length; i++) if (has(done.order[i])) return done.order[i];
      for (i = at - 1; i >= 0; i--) if (has(done.order[i])) return done.order[i];
    }
    if (now.indexOf(done.qid) >= 0) return done.qid;
    return now.length ? now[0] : null;
  }

  // A push without news of this moderator's: the same question, else its neighbour.
  function keep(root) {
    if (rowOf(root, selected)) return selected;
    var now = ids(rows(root));
    var at = order.indexOf(selected);
    var i;
    if (at >= 0) {
      for (i = at + 1; i < order.length; i++) if (now.indexOf(order[i]) >= 0) return order[i];
      for (i = at - 1; i >= 0; i--) if (now.indexOf(order[i]) >= 0) return order[i];
    }
    return firstChoice(root);
  }

  // --- the inline answer ---------------------------------------------------------------------

  function answerOf(row) {
    return row ? row.querySelector("details.qa-answer") : null;
  }

  function openAnswer(root) {
    var details = answerOf(selectedRow(root));
    if (!details) return;
    details.open = true;
    var field = details.querySelector("textarea");
    if (field) show(field);
  }

  function closeAnswer(root, details) {
    details.open = false;
    show(focusTarget(root));
  }

  // Open answer fields of the old copy into the new one: open, the text typed, the error shown,
  // the box. ``saved``: the qid whose answer was just saved (its field closes).
  function carryAnswers(old, root, saved) {
    var open = old.querySelectorAll("details.qa-answer[open]");
    for (var i = 0; i < open.length; i++) {
      var qid = open[i].getAttribute("data-qid");
      if (qid === saved) continue;
      var now = root.querySelector('details.qa-answer[data-qid="' + CSS.escape(qid) + '"]');
      if (!now) continue;
      now.open = true;
      var was = open[i].querySelector("textarea");
      var field = now.querySelector("textarea");
      if (was && field && field.value === field.defaultValue) field.value = was.value;
      var error = open[i].querySelector(".field-error");
      if (error && field && !now.querySelector(".field-error")) {
        field.insertAdjacentElement("afterend", error.cloneNode(true));
        field.setAttribute("aria-invalid", "true");
        field.setAttribute("aria-describedby", error.id);
      }
      var box = open[i].querySelector("input[type=checkbox]");
      var boxNow = now.querySelector("input[type=checkbox]");
      if (box && boxNow) boxNow.checked = box.checked;
    }
  }

  // --- undo ----------------------------------------------------------------------------------

  function undoBox(root) {
    return root ? root.querySelector("#qa-undo") : null;
  }

  function stopUndo() {
    if (undoTimer !== null) clearTimeout(undoTimer);
    undoTimer = null;
  }

  function startUndo() {
    stopUndo();
    undoTimer = setTimeout(function () {
      undoTimer = null;
      var root = queue();
      var box = undoBox(root);
      if (!box) return;
      var hadFocus = box.contains(document.activeElement);
      box.replaceChildren();
      if (hadFocus) show(focusTarget(root));
    }, UNDO_MS);
  }

  function carryUndo(old, root) {
    var was = undoBox(old);
    var box = undoBox(root);
    if (undoTimer === null || !was || !box || box.children.length || !was.children.length) return;
    box.replaceChildren.apply(box, Array.prototype.slice.call(was.childNodes));
    // htmx forgot the form when the old copy left the page; make it post again.
    if (window.htmx) window.htmx.process(box);
  }

  function undo(root) {
    var button = root.querySelector("#qa-undo-button");
    if (button) button.click();
    else announce(root.getAttribute("data-qa-nothing"), false);
  }

  // --- a new copy of the queue ---------------------------------------------------------------

  function scroller(root) {
    return root ? root.querySelector(".qa-scroll") : null;
  }

  // Before a swap: what had the focus in the queue, and where the selected row sat in the
  // scrolled list (so that a question arriving above it does not push it out of sight).
  function remember() {
    var root = queue();
    if (!root || root !== current) return;
    var active = document.activeElement;
    var list = scroller(root);
    var row = selectedRow(root);
    snap = {
      // "" when the focus was in the queue on something without an id: back to the row.
      focus: active && root.contains(active) ? active.id || "" : null,
      top: list ? list.scrollTop : 0,
      offset: list && row ? row.getBoundingClientRect().top - list.getBoundingClientRect().top : null,
    };
  }

  function restoreScroll(root, plain) {
    var list = scroller(root);
    if (!list || !snap) return;
    var row = selectedRow(root);
    if (row && snap.offset !== null && !plain) {
      list.scrollTop += row.getBoundingClientRect().top - list.getBoundingClientRect().top - snap.offset;
    } else {
      list.scrollTop = snap.top;
    }
  }

  function restoreFocus(root) {
    if (!snap || snap.focus === null) return;
    var active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return;
    var again = snap.focus ? document.getElementById(snap.focus) : null;
    if (again && root.contains(again) && again.getClientRects().length) again.focus({ preventScroll: true });
    else {
      var target = focusTarget(root);
      if (target) target.focus({ preventScroll: true });
    }
  }

  function adopt(evt) {
    var root = queue();
    if (!root) return;
    if (root === current) {
      // A row pushed on its own into this copy (a page of the longest questions is more than
      // one socket frame: live/views/frame_budget.py) takes its place in the selection.
      if (root.querySelector(".qa-row:not([tabindex])")) select(root, keep(root));
      return;
    }
    var old = current;
    current = root;
    document.documentElement.classList.add("qa-js");
    // htmx sets up the forms of an action's answer only when it settles (20 ms later): a key
    // pressed before that would post the plain form and reload the page. (The later set-up
    // skips what is set up already; a push over the socket is set up before this runs.)
    if (window.htmx && evt && evt.type === "htmx:afterSwap") window.htmx.process(root);
    listen(root);
    // This copy is the answer to this moderator's action when the action's swap marked it.
    var done = intent && intent.status !== null ? intent : null;
    if (done) intent = null;
    var ok = done && done.status < 400;
    if (done && ok && done.action === "undo") stopUndo();
    if (old) {
      var was = old.querySelector("#qa-done");
      var folded = root.querySelector("#qa-done");
      if (was && folded && was.open) folded.open = true;
      carryAnswers(old, root, ok && done.action === "answer" ? done.qid : null);
      carryUndo(old, root);
    }
    if (done && ok && undoBox(root) && undoBox(root).children.length) startUndo();

    if (!done) {
      // An answer being written whose question another moderator just moved into the folded
      // part (hid it, marked it answered): unfold it, the writing goes on.
      var writing = snap && snap.focus ? document.getElementById(snap.focus) : null;
      var fold = writing && writing.closest(".qa-answer") ? writing.closest("details.qa-done") : null;
      if (fold && root.contains(fold)) fold.open = true;
      select(root, old ? keep(root) : firstChoice(root));
      restoreScroll(root, false);
      restoreFocus(root);
      snap = null;
      return;
    }
    restoreScroll(root, true);
    snap = null;
    var stay = !ok || done.action === "highlight" || done.action === "unhighlight" || done.action === "undo";
    select(root, stay && rowOf(root, done.qid) ? done.qid : nextAfter(root, done));
    // The focus moves on unless the moderator has gone on to something else on the page
    // while the action was on its way (typing in another form keeps its focus).
    var active = document.activeElement;
    if (active && active !== document.body && document.contains(active) && !root.contains(active)) return;
    if (!ok && done.action === "answer") {
      var field = root.querySelector('details.qa-answer[data-qid="' + CSS.escape(done.qid) + '"] textarea');
      if (field) {
        field.closest("details").open = true;
        show(field);
        return;
      }
    }
    show(focusTarget(root));
  }

  // Per copy: its forms' requests and answers. The answer to an action is swapped into the
  // queue on the page, even when a push replaced the copy the form was in meanwhile.
  function listen(root) {
    root.addEventListener("htmx:beforeSwap", function (evt) {
      var d = evt.detail;
      if (!d || !d.shouldSwap) return;
      remember();
      if (!root.isConnected && queue()) d.target = queue();
      if (intent && d.requestConfig && d.requestConfig.elt === intent.form) intent.status = d.xhr.status;
    });
    root.addEventListener("htmx:afterRequest", function (evt) {
      var d = evt.detail;
      if (!intent || !d || !d.requestConfig || d.requestConfig.elt !== intent.form) return;
      if (intent.status === null) {
        // Nothing came back to show (no connection, a server error): say so, stay put.
        intent = null;
        announce(root.getAttribute("data-qa-failed"), true);
      }
    });
  }

  document.addEventListener("htmx:beforeRequest", function (evt) {
    var root = queue();
    var form = evt.target && evt.target.closest ? evt.target.closest("form[data-qa-action]") : null;
    if (!root || !form || !root.contains(form)) return;
    intent = {
      form: form,
      action: form.getAttribute("data-qa-action"),
      qid: form.getAttribute("data-qid"),
      order: ids(rows(root)),
      status: null,
    };
  });

  document.addEventListener("htmx:wsBeforeMessage", remember);
  ["htmx:afterSwap", "htmx:oobAfterSwap", "htmx:wsAfterMessage", "htmx:afterSettle"].forEach(function (name) {
    document.addEventListener(name, adopt);
  });
  document.addEventListener("DOMContentLoaded", adopt);

  // --- pointer and keys ----------------------------------------------------------------------

  document.addEventListener("focusin", function (evt) {
    var root = queue();
    var row = root && evt.target.closest ? evt.target.closest(".qa-row") : null;
    if (row && root.contains(row) && row.getAttribute("data-qid") !== selected) {
      select(root, row.getAttribute("data-qid"));
    }
  });

  document.addEventListener("toggle", function (evt) {
    // The folded part opened or closed: its rows join or leave the selectable ones.
    var root = queue();
    if (root && evt.target.id === "qa-done" && root.contains(evt.target)) {
      select(root, rowOf(root, selected) ? selected : keep(root));
    }
  }, true);

  document.addEventListener("keydown", function (evt) {
    var root = queue();
    if (!root || evt.defaultPrevented || !root.contains(evt.target)) return;
    var key = evt.key || "";
    var target = evt.target;
    var details = target.closest ? target.closest("details.qa-answer") : null;
    if (details && details.open && key === "Escape") {
      evt.preventDefault();
      closeAnswer(root, details);
      return;
    }
    if (target.tagName === "TEXTAREA" && key === "Enter" && (evt.ctrlKey || evt.metaKey)) {
      evt.preventDefault();
      if (target.form) target.form.requestSubmit();
      return;
    }
    if (evt.ctrlKey || evt.metaKey || evt.altKey || isTyping(target)) return;
    if (key === "ArrowDown" || key === "ArrowUp" || key === "Home" || key === "End") {
      evt.preventDefault();
      move(root, MOVES[key] || 0, key === "Home" ? "first" : key === "End" ? "last" : null);
      return;
    }
    if (key === "Enter" && target.classList.contains("qa-row")) {
      evt.preventDefault();
      openAnswer(root);
      return;
    }
    var letter = key.toLowerCase();
    if (!LETTERS[letter] || !lettersOn()) return;
    // The queue's letters, whether or not the selected question has that action now: never
    // the projector's shortcut of the same letter while the queue has the focus.
    evt.preventDefault();
    if (evt.repeat && !MOVES[letter]) return;
    if (MOVES[letter]) move(root, MOVES[letter]);
    else if (letter === "e") openAnswer(root);
    else if (letter === "u") undo(root);
    else {
      var row = selectedRow(root);
      var button = row ? row.querySelector('button[data-qa-key="' + letter + '"]') : null;
      if (button && !button.disabled) button.click();
    }
  }, true);
})();
