// The issue form's repeatable rows: "Add a row" and "Remove" without a round trip to the server.
// Without this script the same buttons submit the form and the server adds or removes the row.
(function () {
  "use strict";

  function renumber(list) {
    var rows = list.querySelectorAll("[data-rows] > [data-row]");
    rows.forEach(function (row, i) {
      var number = row.querySelector(".row-number");
      if (number) { number.textContent = String(i + 1); }
    });
    var count = list.querySelector("legend .hint");
    if (count) { count.textContent = count.textContent.replace(/\d+/, String(rows.length)); }
  }

  function addRow(list) {
    var template = list.querySelector("template[data-row-template]");
    var body = list.querySelector("[data-rows]");
    if (!template || !body) { return; }
    var index = parseInt(list.getAttribute("data-next") || "0", 10);
    list.setAttribute("data-next", String(index + 1));
    var html = template.innerHTML.split("__INDEX__").join(String(index));
    var holder = document.createElement("template");  // parses a <tr> as well as a <div>
    holder.innerHTML = html.trim();
    var row = holder.content.firstElementChild;
    body.appendChild(row);
    renumber(list);
    var first = row.querySelector("input, select, textarea");
    if (first) { first.focus(); }
  }

  function removeRow(button) {
    var row = button.closest("[data-row]");
    var list = button.closest("[data-list]");
    if (!row || !list) { return; }
    var next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    renumber(list);
    var target = next ? next.querySelector("input, select, textarea") : list.querySelector(".add-row");
    if (target) { target.focus(); }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) { return; }
    if (button.classList.contains("add-row")) {
      event.preventDefault();
      addRow(button.closest("[data-list]"));
    } else if (button.classList.contains("remove-row")) {
      event.preventDefault();
      removeRow(button);
    }
  });
})();
