/* Render an instance's BPMN with bpmn-js (NavigatedViewer, global BpmnJS) and mark its steps. */
(function () {
  "use strict";
  var container = document.getElementById("bpmn-diagram");
  if (!container || typeof BpmnJS === "undefined") { return; }
  var fail = function () {
    document.getElementById("diagram-error").classList.remove("d-none");
    container.dataset.state = "error";
  };
  // Labels a little larger than bpmn-js's 12px, and never drawn below ~11px on screen: the diagram
  // fits the frame when it can; a wide one opens at MIN_ZOOM on its current step (pan to see more).
  var LABEL_STYLE = { defaultStyle: { fontSize: 13, lineHeight: 1.2 }, externalStyle: { fontSize: 13 } };
  var MIN_ZOOM = 0.85;
  function readableZoom(canvas, current) {
    canvas.zoom("fit-viewport");
    var box = canvas.viewbox();
    if (box.scale >= MIN_ZOOM) { return; }
    var width = box.outer.width / MIN_ZOOM;
    var height = box.outer.height / MIN_ZOOM;
    var step = current.filter(Boolean)[0];
    var x = box.inner.x - 10;
    var y = box.inner.y - 10;
    if (step) {
      x = Math.max(x, Math.min(step.x + step.width / 2 - width / 2, box.inner.x + box.inner.width - width + 10));
      y = Math.max(y, Math.min(step.y + step.height / 2 - height / 2, box.inner.y + box.inner.height - height + 10));
    }
    canvas.viewbox({ x: x, y: y, width: width, height: height });
  }

  fetch(container.dataset.source, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
    .then(function (data) {
      var viewer = new BpmnJS({ container: container, textRenderer: LABEL_STYLE });
      return viewer.importXML(data.xml).then(function () {
        var canvas = viewer.get("canvas");
        var registry = viewer.get("elementRegistry");
        var overlays = viewer.get("overlays");
        readableZoom(canvas, data.ready.map(function (id) { return registry.get(id); }));
        if (window.PlancascadeDiagramLabels) {  // lanes as role names; wrapped labels keep spaces
          window.PlancascadeDiagramLabels.apply(viewer, JSON.parse(container.dataset.laneLabels || "{}"));
        }
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
