/* Render an instance's BPMN with bpmn-js (NavigatedViewer, global BpmnJS) and mark its steps. */
(function () {
  "use strict";
  var container = document.getElementById("bpmn-diagram");
  if (!container || typeof BpmnJS === "undefined") { return; }
  var fail = function () {
    document.getElementById("diagram-error").classList.remove("d-none");
    container.dataset.state = "error";
  };
  fetch(container.dataset.source, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
    .then(function (data) {
      var viewer = new BpmnJS({ container: container });
      return viewer.importXML(data.xml).then(function () {
        var canvas = viewer.get("canvas");
        var registry = viewer.get("elementRegistry");
        var overlays = viewer.get("overlays");
        canvas.zoom("fit-viewport");
        Object.keys(data.completed).forEach(function (id) {
          if (!registry.get(id)) { return; }
          canvas.addMarker(id, "step-done");
          if (data.completed[id] > 1) {
            overlays.add(id, { position: { top: -8, right: 8 },
              html: '<span class="step-count" title="Số lần hoàn thành">' + data.completed[id] + " lần</span>" });
          }
        });
        data.ready.forEach(function (id) { if (registry.get(id)) { canvas.addMarker(id, "step-ready"); } });
        // Reminders and escalations are script tasks: find them by what their script calls.
        registry.filter(function (el) { return el.type === "bpmn:ScriptTask"; }).forEach(function (el) {
          var script = String(el.businessObject.script || "");
          var ran = Object.keys(data.signals).some(function (kind) {
            return kind === "escalation" ? script.indexOf("escalate(") >= 0
              : script.indexOf("notify(") >= 0 && script.indexOf('"' + kind + '"') >= 0;
          });
          if (ran) { canvas.addMarker(el.id, "step-done"); }
        });
        container.dataset.state = "ready";
      });
    })
    .catch(fail);
})();
