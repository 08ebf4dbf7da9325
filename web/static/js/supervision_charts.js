/* KPI roll-up charts of the supervision page (Chart.js, vendored, global Chart). */
(function () {
  "use strict";
  var source = document.getElementById("kpi-chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var nameOf = function (items) { return data.names[items[0].dataIndex] || ""; };
  var tooltip = { callbacks: { title: function (items) { return items[0].label + " — " + nameOf(items); } } };
  var vn = function (value) { return value === null ? "" : String(value).replace(".", ","); };
  // Every KPI code on the axis (Chart.js skips labels that would touch): upright when there is
  // room, else turned a quarter so that 29 codes fit side by side.
  var codes = { autoSkip: false, maxRotation: 90, minRotation: 0, font: { size: 11 } };

  new Chart(document.getElementById("chart-met"), {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: "Đạt", data: data.met, backgroundColor: "#198754", stack: "units" },
        { label: "Chưa đạt", data: data.not_met, backgroundColor: "#dc3545", stack: "units" }
      ]
    },
    options: {
      maintainAspectRatio: false, animation: false,
      scales: { x: { stacked: true, ticks: codes }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 },
                 title: { display: true, text: "Số đơn vị" } } },
      plugins: { tooltip: tooltip }
    }
  });

  new Chart(document.getElementById("chart-spread"), {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: "Thấp nhất", data: data.min, backgroundColor: "#f1aeb5" },
        { label: "Trung vị", data: data.median, backgroundColor: "#6ea8fe" },
        { label: "Cao nhất", data: data.max, backgroundColor: "#75b798" },
        { label: "Chỉ tiêu tỉnh", data: data.target, type: "line", borderColor: "#212529",
          backgroundColor: "#212529", showLine: false, pointStyle: "line", pointRadius: 8,
          pointBorderWidth: 2 }
      ]
    },
    options: {
      maintainAspectRatio: false, animation: false,
      scales: { x: { ticks: codes }, y: { beginAtZero: true, suggestedMax: 100, title: { display: true, text: "%" } } },
      plugins: { tooltip: { callbacks: { title: tooltip.callbacks.title,
        label: function (item) { return item.dataset.label + ": " + vn(item.raw); } } } }
    }
  });
  document.body.dataset.chartsReady = "1";
})();
