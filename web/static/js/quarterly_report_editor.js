// Quarterly report editor: preview "Đạt / Chưa đạt" of each KPI as the figure is typed, with the
// rule of engine/kpis.py `verdict`; a value that is no figure the form accepts (empty, not a
// number, outside the field's data-min..data-max) gets no verdict at all. The server judges again
// on submission; this only helps the user see where the unit stands.
// Text carried over from last round (class "carried-over", textarea data-previous-text) is
// flagged as stale when the figure (KPI) or the result (task) changes but the text does not.
// Without this script the form still submits.
(function () {
  "use strict";
  var table = document.getElementById("report-kpi-table");
  var tasks = document.getElementById("report-task-table");
  var summary = document.getElementById("verdict-summary");
  var NUMBER = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/;

  // "97,8" and "97.8" are both 97.8 (engine.forms.coerce); anything else is no figure yet.
  function parse(text) {
    var value = (text || "").trim();
    if (!NUMBER.test(value)) { return null; }
    var number = parseFloat(value.replace(",", "."));
    return isFinite(number) ? number : null;
  }

  // The figure of an input, or null when it is empty, not a number or out of its bounds.
  function figure(input) {
    var value = parse(input.value);
    var low = parse(input.getAttribute("data-min"));
    var high = parse(input.getAttribute("data-max"));
    if (value === null || (low !== null && value < low) || (high !== null && value > high)) {
      return null;
    }
    return value;
  }

  function met(actual, target, comparator) {
    if (target === null) { return true; }
    if (comparator === "<=") { return actual <= target; }
    if (comparator === "=") { return Math.abs(actual - target) < 1e-9; }
    return actual >= target;
  }

  // Show the row's verdict; return true when it is "Đạt".
  function judge(row) {
    var input = row.querySelector("input.kpi-actual");
    var badge = row.querySelector(".kpi-verdict");
    if (!input || !badge) { return false; }
    var actual = figure(input);
    if (actual === null) {
      badge.textContent = "";
      badge.hidden = true;
      badge.classList.remove("text-bg-success", "text-bg-danger");
      return false;
    }
    var ok = met(actual, parse(row.getAttribute("data-target")), row.getAttribute("data-comparator"));
    badge.hidden = false;
    badge.textContent = ok ? "Đạt" : "Chưa đạt";
    badge.classList.toggle("text-bg-success", ok);
    badge.classList.toggle("text-bg-danger", !ok);
    return ok;
  }

  function judgeAll() {
    if (!table) { return; }
    var rows = table.querySelectorAll("tr.kpi-result");
    var count = 0;
    rows.forEach(function (row) { if (judge(row)) { count += 1; } });
    if (summary) { summary.textContent = count + "/" + rows.length; }
  }

  // Mark the row's carried-over text: still last round's (note shown), stale when `changed`
  // (the figure or result moved on but the text did not), or the user's own (note hidden).
  function markCarried(row, changed) {
    var text = row.querySelector("textarea[data-previous-text]");
    var note = row.querySelector("[data-carried-note]");
    if (!text || !note) { return; }
    if (!note.hasAttribute("data-carried-text")) {
      note.setAttribute("data-carried-text", note.textContent);
    }
    var same = text.value.trim() !== "" &&
      text.value.trim() === text.getAttribute("data-previous-text").trim();
    var stale = same && changed;
    text.classList.toggle("carried-over", same);
    text.classList.toggle("is-stale", stale);
    note.hidden = !same;
    note.classList.toggle("stale", stale);
    note.textContent = note.getAttribute(stale ? "data-stale-text" : "data-carried-text");
  }

  function kpiChanged(row) {
    var input = row.querySelector("input.kpi-actual");
    var before = parse(row.getAttribute("data-previous-value"));
    return !!input && parse(input.value) !== before;
  }

  function taskChanged(row) {
    var select = row.querySelector("select[name$='-status']");
    return !!select && select.value !== (row.getAttribute("data-previous-status") || "");
  }

  if (table) {
    table.addEventListener("input", function (event) {
      var row = event.target.closest("tr.kpi-result");
      if (event.target.classList.contains("kpi-actual")) {
        event.target.classList.remove("is-invalid");
        judgeAll();
      }
      if (row) { markCarried(row, kpiChanged(row)); }
    });
    table.querySelectorAll("tr.kpi-result").forEach(function (row) {
      markCarried(row, kpiChanged(row));
    });
  }
  if (tasks) {
    ["input", "change"].forEach(function (kind) {
      tasks.addEventListener(kind, function (event) {
        var row = event.target.closest("tr[data-task]");
        if (row) { markCarried(row, taskChanged(row)); }
      });
    });
    tasks.querySelectorAll("tr[data-task]").forEach(function (row) {
      markCarried(row, taskChanged(row));
    });
  }
  judgeAll();
})();
