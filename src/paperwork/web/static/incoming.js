/* The incoming registration page (/incoming/new): a drop zone for the scans, and the progress of
   their OCR. Without this script the page still works: a plain file input (several files), and
   the document's page shows the OCR state. No inline script: the Content-Security-Policy. */
(function () {
  "use strict";

  function size(bytes) {
    if (bytes >= 1048576) { return (bytes / 1048576).toFixed(1) + " MB"; }
    return Math.max(1, Math.round(bytes / 1024)) + " kB";
  }

  function dropZone(form) {
    var input = form.querySelector("input[type=file]");
    var zone = form.querySelector(".dropzone");
    var list = form.querySelector(".chosen");
    if (!input || !zone || !list) { return; }
    zone.classList.add("js");
    var hint = zone.querySelector(".drop-hint");
    if (hint) { hint.hidden = false; }

    function show() {
      list.textContent = "";
      Array.prototype.forEach.call(input.files, function (file) {
        var item = document.createElement("li");
        item.textContent = file.name + " (" + size(file.size) + ")";
        list.appendChild(item);
      });
      zone.classList.toggle("has-files", input.files.length > 0);
    }

    function add(files) {
      var all = new DataTransfer();
      Array.prototype.forEach.call(input.files, function (f) { all.items.add(f); });
      Array.prototype.forEach.call(files, function (f) { all.items.add(f); });
      input.files = all.files;
      show();
    }

    input.addEventListener("change", show);
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (event) {
        event.preventDefault();
        if (event.dataTransfer) { event.dataTransfer.dropEffect = "copy"; }
        zone.classList.add("over");
      });
    });
    zone.addEventListener("dragleave", function (event) {
      if (!zone.contains(event.relatedTarget)) { zone.classList.remove("over"); }
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("over");
      if (event.dataTransfer && event.dataTransfer.files && event.dataTransfer.files.length) {
        add(event.dataTransfer.files);
      }
    });
    // A file dropped beside the zone would make the browser leave the page to open it.
    window.addEventListener("dragover", function (event) { event.preventDefault(); });
    window.addEventListener("drop", function (event) { event.preventDefault(); });
    show();
  }

  function watch(item) {
    var box = item.querySelector(".ocr");
    var label = item.querySelector(".ocr-label");
    var failures = 0;
    if (!box || !label || !box.classList.contains("ocr-running")) { return; }

    function again(delay) { window.setTimeout(ask, delay); }

    function ask() {
      fetch(item.getAttribute("data-status-url"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (status) {
          failures = 0;
          label.textContent = status.label;
          box.className = "ocr ocr-" + status.phase;
          if (status.phase === "running") { again(1500); }
        })
        .catch(function () {
          failures += 1;
          if (failures < 20) { again(5000); }
        });
    }
    again(1000);
  }

  var form = document.querySelector("form.incoming-form");
  if (form) { dropZone(form); }
  Array.prototype.forEach.call(document.querySelectorAll("[data-status-url]"), watch);
}());
