// overlay_builder.js: the moderators' overlay-link builder (templates/fragments/
// overlay_builder.html). The form works without this script (a GET back to the page, which then
// shows the link and the preview); with it, link and preview follow every change at once. The
// URL is written the way live/views/overlay.py OverlayConfig.query writes it:
// parts=a,b&sound=on|off&position=…, the parts in the overlay's stacking order.
// No user-visible strings here; works under script-src 'self'.
(function () {
  "use strict";

  // The order the overlay stacks its parts (live/views/overlay.py PARTS): the same choice
  // always gives the same link.
  var ORDER = ["question", "results", "applause", "lower-third"];

  function query(form, sound) {
    var parts = [];
    for (var i = 0; i < ORDER.length; i++) {
      var box = form.querySelector('input[name="parts"][value="' + ORDER[i] + '"]');
      if (box && box.checked) parts.push(ORDER[i]);
    }
    if (!parts.length) parts = (form.getAttribute("data-default-parts") || "applause").split(",");
    var position = form.querySelector('select[name="position"]');
    return "parts=" + parts.join(",") + "&sound=" + sound +
      "&position=" + encodeURIComponent(position ? position.value : "bottom-left");
  }

  function soundOf(form) {
    var off = form.querySelector('input[name="sound"][value="off"]');
    return off && off.checked ? "off" : "on";
  }

  function builderOf(form) {
    return form.closest("details");
  }

  function showPreview(details) {
    var frame = details.querySelector("iframe[data-preview-src]");
    if (!frame || !details.open) return;
    var src = frame.getAttribute("data-preview-src");
    if (frame.getAttribute("src") !== src) frame.setAttribute("src", src);
  }

  function update(form) {
    var details = builderOf(form);
    if (!details) return;
    var field = details.querySelector("#overlay-url");
    if (field) field.value = form.getAttribute("data-overlay-base") + "&" + query(form, soundOf(form));
    var frame = details.querySelector("iframe[data-preview-src]");
    // The preview is always silent: it plays in the moderator's own room.
    if (frame) {
      frame.setAttribute("data-preview-src",
        form.getAttribute("data-preview-base") + "&" + query(form, "off"));
    }
    showPreview(details);
  }

  function formOf(target) {
    return target && target.closest ? target.closest("form[data-overlay-builder]") : null;
  }

  document.addEventListener("change", function (evt) {
    var form = formOf(evt.target);
    if (form) update(form);
  });

  document.addEventListener("submit", function (evt) {
    var form = formOf(evt.target);
    if (!form) return;
    evt.preventDefault(); // everything the reload would show is already there: go to the link
    update(form);
    var field = document.getElementById("overlay-url");
    if (field) field.focus();
  });

  // A closed builder loads no overlay; opening it starts the preview.
  document.addEventListener("toggle", function (evt) {
    var details = evt.target;
    if (details && details.id === "overlay-builder") showPreview(details);
  }, true);
})();
