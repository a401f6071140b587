// qa_label_filter.js: the console's label filter (issue 24). The select #qa-label-filter
// (templates/fragments/qa_labels.html) sits outside the pushed queue, so a push never resets
// it; after every swap the rows of the queue (#mod-questions .qa-row, data-label) whose label
// differs are hidden again and the filter's status line says how many are shown. No strings
// of its own (the status text comes from the select's data-shown attribute); works under
// script-src 'self'. Without it the filter is not offered (the select is hidden until this runs).
(function () {
  "use strict";

  function apply() {
    var select = document.getElementById("qa-label-filter");
    var root = document.getElementById("mod-questions");
    if (!select || !root) return;
    var wanted = select.value;
    var shown = 0;
    Array.prototype.forEach.call(root.querySelectorAll(".qa-row"), function (row) {
      var hide = wanted !== "" && row.getAttribute("data-label") !== wanted;
      if (row.hidden !== hide) row.hidden = hide;
      if (!hide) shown += 1;
    });
    var status = document.getElementById("qa-label-filter-status");
    if (status) {
      var text = wanted === "" ? "" : (select.getAttribute("data-shown") || "").replace("{n}", String(shown));
      if (status.textContent !== text) status.textContent = text;
    }
  }

  function setUp() {
    var box = document.getElementById("qa-label-filter-box");
    if (box) box.hidden = false;
    var select = document.getElementById("qa-label-filter");
    if (select && !select.dataset.ready) {
      select.dataset.ready = "1";
      select.addEventListener("change", apply);
    }
    apply();
  }

  ["htmx:afterSwap", "htmx:oobAfterSwap", "htmx:wsAfterMessage", "htmx:afterSettle"].forEach(function (name) {
    document.addEventListener(name, apply);
  });
  document.addEventListener("DOMContentLoaded", setUp);
})();
