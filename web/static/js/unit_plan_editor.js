// Unit-plan editor: add a task row without a round trip, fill blank "responsible" cells at once,
// dim rows that are not applied.
// Without this script the "Thêm nhiệm vụ" button still works: it saves a draft with a new row.
(function () {
  "use strict";
  var form = document.getElementById("task-form");
  var rows = document.getElementById("task-rows");
  var template = document.getElementById("task-row-template");
  var button = document.getElementById("add-task");
  if (!form || !rows || !template || !button) { return; }

  function nextIndex() {
    var max = -1;
    rows.querySelectorAll("tr[data-index]").forEach(function (row) {
      max = Math.max(max, parseInt(row.getAttribute("data-index"), 10));
    });
    return max + 1;
  }

  function nextCode() {
    var used = {};
    form.querySelectorAll("input[name$='-code']").forEach(function (input) { used[input.value] = true; });
    var number = 1;
    while (used["BS" + number]) { number += 1; }
    return "BS" + number;
  }

  function addGroupHeader() {
    var headers = rows.querySelectorAll("tr.editor-group");
    var last = headers.length ? headers[headers.length - 1] : null;
    if (last && last.getAttribute("data-group") === "BS") { return; }
    var header = document.createElement("tr");
    header.className = "editor-group";
    header.setAttribute("data-group", "BS");
    header.innerHTML = '<td colspan="6">Nhiệm vụ bổ sung của đơn vị</td>';
    rows.appendChild(header);
  }

  button.addEventListener("click", function (event) {
    event.preventDefault();
    var index = String(nextIndex());
    var html = template.innerHTML.split("__i__").join(index).split("__code__").join(nextCode());
    addGroupHeader();
    var holder = document.createElement("tbody");
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    rows.appendChild(row);
    var name = row.querySelector("textarea[name$='-name']");
    if (name) { name.focus(); }
  });

  var fill = document.getElementById("fill-responsible");
  if (fill) {
    fill.classList.remove("d-none");
    document.getElementById("fill-responsible-button").addEventListener("click", function () {
      var value = document.getElementById("fill-responsible-text").value.trim();
      if (!value) { return; }
      rows.querySelectorAll("input[name$='-responsible']").forEach(function (input) {
        if (!input.value.trim()) { input.value = value; input.classList.remove("is-invalid"); }
      });
    });
  }

  form.addEventListener("change", function (event) {
    var box = event.target;
    if (box.type !== "checkbox" || !/-(kept|selected)$/.test(box.name)) { return; }
    var row = box.closest("tr");
    if (row) { row.classList.toggle("editor-row-off", !box.checked); }
  });
})();
