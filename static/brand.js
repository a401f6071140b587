// brand.js: the setup page's brand form (templates/setup.html, #brand). The colour picker and
// the hex field fill each other, and the preview shows the colour and a chosen logo before
// they are saved. Without JavaScript the hex field alone does the job (the picker stays
// hidden); the server checks everything again (contrast, file type, size).
(function () {
  "use strict";

  var HEX = /^#([0-9a-f]{3}|[0-9a-f]{6})$/;

  // "#abc" / "#AABBCC" -> "#aabbcc"; null for anything else.
  function fullHex(value) {
    var v = value.trim().toLowerCase();
    if (!HEX.test(v)) { return null; }
    if (v.length === 4) { v = "#" + v[1] + v[1] + v[2] + v[2] + v[3] + v[3]; }
    return v;
  }

  function init() {
    var text = document.getElementById("br-color");
    var picker = document.getElementById("br-picker");
    var pickerField = document.getElementById("br-picker-field");
    var preview = document.getElementById("brand-preview");
    var file = document.getElementById("br-logo");
    if (!text || !picker || !pickerField || !preview) { return; }
    pickerField.hidden = false;

    function show(value) {
      var color = fullHex(value);
      if (color) {
        preview.style.setProperty("--accent", color);
      } else {
        preview.style.removeProperty("--accent");
      }
    }

    picker.addEventListener("input", function () {
      text.value = picker.value;
      show(picker.value);
    });
    text.addEventListener("input", function () {
      var color = fullHex(text.value);
      if (color) { picker.value = color; }
      show(text.value);
    });

    if (file) {
      file.addEventListener("change", function () {
        var chosen = file.files && file.files[0];
        if (!chosen) { return; }
        var reader = new FileReader();
        reader.addEventListener("load", function () {
          // A data: URL (the CSP allows those for images); an <img> runs no script of an SVG.
          var img = document.getElementById("brand-preview-logo");
          if (!img) {
            img = document.createElement("img");
            img.id = "brand-preview-logo";
            img.className = "brand-logo";
            var none = document.getElementById("brand-preview-none");
            if (none) { none.replaceWith(img); } else { preview.insertBefore(img, preview.children[1]); }
          }
          img.alt = preview.getAttribute("data-chosen-alt") || "";
          img.src = String(reader.result);
        });
        reader.readAsDataURL(chosen);
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
