// poll_kinds.js: the phone's ranking and points ballots (issue 24). Without this script both
// still work: the up/down buttons post the move, which the server saves as the ballot, and the
// server checks the points against the budget. With it:
// - Ranking: up/down move the item in place (no round trip, nothing saved until "Reihenfolge
//   senden"); the focus stays on the pressed button and the form's own role="status" says
//   where the option went. Items can also be dragged (pointer), an enhancement only.
// - Points: the counter of points left follows every keystroke; its polite status repeats it
//   once typing pauses, so a screen reader is not talked over on every digit.
// No user-visible strings here: they come translated in data attributes of the forms.
(function () {
  "use strict";

  var PAUSE_MS = 700;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) {
      return key in values ? String(values[key]) : "";
    });
  }

  // --- ranking ----------------------------------------------------------------------------

  function items(list) {
    return Array.prototype.slice.call(list.querySelectorAll(":scope > .rank-item"));
  }

  function optionText(item) {
    var text = item.querySelector(".rank-text");
    return text ? text.textContent.replace(/\u00ad/g, "").trim() : "";
  }

  // Place numbers, the ends' buttons and the places that count, after any move.
  function renumber(list) {
    var all = items(list);
    var counted = parseInt(list.getAttribute("data-counted"), 10) || all.length;
    all.forEach(function (item, index) {
      var place = item.querySelector(".rank-place");
      if (place) place.textContent = index + 1 + ".";
      item.classList.toggle("rank-uncounted", index >= counted);
      var up = item.querySelector('[data-move="up"]');
      var down = item.querySelector('[data-move="down"]');
      if (up) toggleDisabled(up, index === 0);
      if (down) toggleDisabled(down, index === all.length - 1);
    });
  }

  // aria-disabled, not disabled: the button keeps the focus when its item reaches an end.
  function toggleDisabled(button, off) {
    if (off) button.setAttribute("aria-disabled", "true");
    else button.removeAttribute("aria-disabled");
  }

  function say(list, message) {
    var status = document.getElementById(list.id.replace(/-ranking$/, "-rank-status"));
    if (!status) return;
    // Emptied first, so the same sentence twice ("schon auf Platz 1") is said twice.
    status.textContent = "";
    setTimeout(function () { status.textContent = message; }, 50);
  }

  function move(button) {
    var item = button.closest(".rank-item");
    var list = item && item.closest(".ranking");
    if (!list) return;
    var up = button.getAttribute("data-move") === "up";
    var sibling = up ? item.previousElementSibling : item.nextElementSibling;
    var name = optionText(item);
    if (!sibling) {
      say(list, fill(list.getAttribute(up ? "data-top" : "data-bottom") || "", { option: name }));
      return;
    }
    if (up) list.insertBefore(item, sibling);
    else list.insertBefore(sibling, item);
    renumber(list);
    button.focus();
    var all = items(list);
    say(list, fill(list.getAttribute("data-moved") || "", {
      option: name, place: all.indexOf(item) + 1, count: all.length,
    }));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".rank-move");
    if (!button) return;
    // Handled here: the form is not posted (htmx and the plain form both skip this click).
    event.preventDefault();
    event.stopPropagation();
    move(button);
  }, true);

  // Dragging: pointer events on the item's text; the item follows the pointer's row. Keyboard
  // and screen-reader users have the buttons, which this does not replace.
  var dragged = null;
  document.addEventListener("pointerdown", function (event) {
    var text = event.target.closest && event.target.closest(".rank-item .rank-text");
    if (!text || event.button !== 0) return;
    dragged = text.closest(".rank-item");
    dragged.classList.add("rank-dragging");
    text.setPointerCapture(event.pointerId);
    event.preventDefault();
  });
  document.addEventListener("pointermove", function (event) {
    if (!dragged) return;
    var list = dragged.parentElement;
    items(list).forEach(function (other) {
      if (other === dragged) return;
      var box = other.getBoundingClientRect();
      if (event.clientY > box.top && event.clientY < box.bottom) {
        var below = event.clientY > box.top + box.height / 2;
        list.insertBefore(dragged, below ? other.nextElementSibling : other);
        renumber(list);
      }
    });
  });
  function drop() {
    if (!dragged) return;
    var list = dragged.parentElement;
    dragged.classList.remove("rank-dragging");
    var all = items(list);
    say(list, fill(list.getAttribute("data-moved") || "", {
      option: optionText(dragged), place: all.indexOf(dragged) + 1, count: all.length,
    }));
    dragged = null;
  }
  document.addEventListener("pointerup", drop);
  document.addEventListener("pointercancel", drop);

  // A push that renders the stage anew (a poll opening beside this one) brings the order the
  // server knows: an order changed here and not sent yet is put back, as live.js does for
  // typed text, if the server's order is still the one this page started from.
  var unsent = [];
  function orderOf(list) {
    return items(list).map(function (item) { return item.getAttribute("data-option"); }).join(",");
  }
  function rememberOrders() {
    unsent = [];
    document.querySelectorAll(".ranking[data-order]").forEach(function (list) {
      var now = orderOf(list);
      if (now !== list.getAttribute("data-order")) {
        unsent.push({ id: list.id, server: list.getAttribute("data-order"), now: now });
      }
    });
  }
  function restoreOrders() {
    unsent.forEach(function (kept) {
      var list = document.getElementById(kept.id);
      if (!list || list.getAttribute("data-order") !== kept.server || orderOf(list) !== kept.server) return;
      var byOption = {};
      items(list).forEach(function (item) { byOption[item.getAttribute("data-option")] = item; });
      kept.now.split(",").forEach(function (option) {
        if (byOption[option]) list.appendChild(byOption[option]);
      });
      renumber(list);
    });
  }
  document.addEventListener("htmx:wsBeforeMessage", rememberOrders);
  document.addEventListener("htmx:wsAfterMessage", restoreOrders);
  // Also around a form's answer: a refused send renders the stored order again.
  document.addEventListener("htmx:beforeSwap", rememberOrders);
  document.addEventListener("htmx:afterSwap", restoreOrders);

  // --- points -----------------------------------------------------------------------------

  var pauses = new WeakMap();

  function counter(fields) {
    var budget = parseInt(fields.getAttribute("data-budget"), 10) || 0;
    var spent = 0;
    fields.querySelectorAll('input[name="points"]').forEach(function (input) {
      var n = parseInt(input.value, 10);
      if (n > 0) spent += n;
    });
    var over = spent - budget;
    return over > 0
      ? { text: fill(fields.getAttribute("data-over") || "", { over: over, budget: budget }), over: true }
      : { text: fill(fields.getAttribute("data-left") || "", { left: budget - spent, budget: budget }), over: false };
  }

  document.addEventListener("input", function (event) {
    var fields = event.target.closest && event.target.closest(".points-fields");
    if (!fields) return;
    var shown = document.getElementById(fields.getAttribute("data-left-of"));
    var status = shown && document.getElementById(shown.id + "-status");
    var now = counter(fields);
    if (shown) {
      shown.textContent = now.text;
      shown.classList.toggle("points-over", now.over);
    }
    if (!status) return;
    clearTimeout(pauses.get(fields));
    pauses.set(fields, setTimeout(function () { status.textContent = counter(fields).text; }, PAUSE_MS));
  });
})();
