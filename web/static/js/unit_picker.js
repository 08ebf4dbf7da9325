// Unit picker (inspection choice): filter the units by name, by kind, re-sort them, count the
// checked ones. Without this script the list still works: checkboxes in the server's order
// (most stages late or overdue first).
(function () {
  "use strict";
  var table = document.getElementById("unit-picker");
  var tools = document.getElementById("unit-picker-tools");
  if (!table || !tools) { return; }
  var body = table.tBodies[0];
  var filter = document.getElementById("unit-picker-filter");
  var kind = document.getElementById("unit-picker-kind");
  var sort = document.getElementById("unit-picker-sort");
  var count = document.getElementById("unit-picker-count");
  var rows = Array.prototype.slice.call(body.querySelectorAll("tr.unit-pick"));

  // "Mường La", "muong la" and "MUONG-LA" all match: strip diacritics, đ → d.
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d")
      .replace(/Đ/g, "D").toLowerCase();
  }
  rows.forEach(function (row) {
    row.searchText = fold(row.getAttribute("data-name") + " " + row.getAttribute("data-code"));
  });

  function apply() {
    var words = fold(filter.value.trim()).split(/\s+/).filter(Boolean);
    var wanted = kind.value;
    var shown = 0;
    rows.forEach(function (row) {
      var box = row.querySelector("input[type=checkbox]");
      var match = (!wanted || row.getAttribute("data-kind") === wanted) &&
        words.every(function (w) { return row.searchText.indexOf(w) >= 0; });
      // A checked unit stays visible, so nothing is submitted that the user cannot see.
      var visible = match || box.checked;
      row.classList.toggle("d-none", !visible);
      if (visible) { shown += 1; }
    });
    var chosen = rows.filter(function (row) { return row.querySelector("input").checked; }).length;
    count.textContent = "Đã chọn " + chosen + " đơn vị · đang hiển thị " + shown + "/" + rows.length;
  }

  function order() {
    var byName = sort.value === "name";
    rows.sort(function (a, b) {
      if (byName) {
        return a.getAttribute("data-name").localeCompare(b.getAttribute("data-name"), "vi");
      }
      return Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order"));
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  tools.classList.remove("d-none");
  filter.addEventListener("input", apply);
  kind.addEventListener("change", apply);
  sort.addEventListener("change", function () { order(); apply(); });
  body.addEventListener("change", apply);
  // Enter in the search box filters instead of submitting the form.
  filter.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); }
  });
  apply();
})();
