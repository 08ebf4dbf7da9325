// Quarterly report editor: preview "Đạt / Chưa đạt" of each KPI as the figure is typed, with the
// rule of engine/kpis.py `verdict` (no figure → Chưa đạt). The server judges again on submission;
// this only helps the user see where the unit stands. Without this script the form still submits.
(function () {
  "use strict";
  var table = document.getElementById("report-kpi-table");
  if (!table) { return; }
  var summary = document.getElementById("verdict-summary");
  var NUMBER = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/;

  // "97,8" and "97.8" are both 97.8 (engine.forms.coerce); anything else is no figure yet.
  function parse(text) {
    var value = (text || "").trim();
    if (!NUMBER.test(value)) { return null; }
    return parseFloat(value.replace(",", "."));
  }

  function met(actual, target, comparator) {
    if (actual === null) { return false; }
    if (target === null) { return true; }
    if (comparator === "<=") { return actual <= target; }
    if (comparator === "=") { return Math.abs(actual - target) < 1e-9; }
    return actual >= target;
  }

  function judge(row) {
    var input = row.querySelector("input.kpi-actual");
    var badge = row.querySelector(".kpi-verdict");
    if (!input || !badge) { return false; }
    var target = parse(row.getAttribute("data-target"));
    var ok = met(parse(input.value), target, row.getAttribute("data-comparator"));
    badge.textContent = ok ? "Đạt" : "Chưa đạt";
    badge.classList.toggle("text-bg-success", ok);
    badge.classList.toggle("text-bg-danger", !ok);
    return ok;
  }

  function judgeAll() {
    var rows = table.querySelectorAll("tr.kpi-result");
    var count = 0;
    rows.forEach(function (row) { if (judge(row)) { count += 1; } });
    if (summary) { summary.textContent = count + "/" + rows.length; }
  }

  table.addEventListener("input", function (event) {
    if (event.target.classList.contains("kpi-actual")) {
      event.target.classList.remove("is-invalid");
      judgeAll();
    }
  });
  judgeAll();
})();
