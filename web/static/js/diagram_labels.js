/* What a person reads on a BPMN diagram (instance page and modeler), changed on the drawing
   only — the BPMN lane ids and names stay the role codes the engine reads:
   - lanes show the role's name ("Chuyên viên đơn vị"), not its code ("unit_staff");
   - a label that bpmn-js wraps keeps the space at each line break: bpmn-js trims every line into
     its own <tspan>, so the text read aloud, copied or searched ran words together ("thuhồi"). */
(function () {
  "use strict";

  /* Fit a lane's label along the lane at its own font size: on one line when it fits, else on
     two lines (the lane's header band holds two), a line still too long ending in "…" (the
     whole name stays in a tooltip); each line centred along the lane. */
  function centre(span, length) {
    var used = span.getComputedTextLength();
    if (used > 0) { span.setAttribute("x", String(Math.max(0, (length - used) / 2))); }
  }

  function shorten(span, room) {
    var words = span.textContent.split(" ");
    while (span.getComputedTextLength() > room && words.length > 1) {
      words.pop();
      span.textContent = words.join(" ") + "…";
    }
  }

  function fitAlong(text, span, length) {
    if (!span.getComputedTextLength || !length) { return; }
    var room = length - 8;
    if (span.getComputedTextLength() > room) {
      var words = span.textContent.split(" ");
      var half = Math.ceil(words.length / 2);
      var second = span.cloneNode(false);
      var size = parseFloat(window.getComputedStyle(text).fontSize) || 12;
      var y = parseFloat(span.getAttribute("y") || "0");
      span.textContent = words.slice(0, half).join(" ") + " ";
      second.textContent = words.slice(half).join(" ");
      span.setAttribute("y", String(y - size * 0.6));
      second.setAttribute("y", String(y + size * 0.6));
      text.appendChild(second);
      shorten(second, room);
      centre(second, length);
    }
    shorten(span, room);
    centre(span, length);
  }

  function setLaneLabel(gfx, label, length) {
    var text = gfx && gfx.querySelector(".djs-visual text");
    if (!text) { return; }
    var spans = text.querySelectorAll("tspan");
    if (!spans.length) { text.textContent = label; return; }
    spans[0].textContent = label;
    for (var i = 1; i < spans.length; i++) { spans[i].parentNode.removeChild(spans[i]); }
    var group = text.parentNode;
    var title = group.querySelector(":scope > title") ||
      group.insertBefore(document.createElementNS("http://www.w3.org/2000/svg", "title"),
                         group.firstChild);
    title.textContent = label;
    fitAlong(text, spans[0], length);
  }

  function keepSpaces(gfx) {
    if (!gfx) { return; }
    gfx.querySelectorAll(".djs-visual text, .djs-label text").forEach(function (text) {
      var spans = text.querySelectorAll("tspan");
      for (var i = 0; i < spans.length - 1; i++) {
        var line = spans[i].textContent;
        if (line && !/[\s\-\u00AD]$/.test(line)) { spans[i].textContent = line + " "; }
      }
    });
  }

  /* Relabel one element's drawing (after import, and after the modeler redraws it). */
  function relabel(registry, element, labels) {
    var gfx = registry.getGraphics(element);
    var bo = element.businessObject || {};
    if (element.type === "bpmn:Lane" && labels && labels[bo.name]) {
      setLaneLabel(gfx, labels[bo.name], element.height);
    }
    keepSpaces(gfx);
  }

  /* Apply the labels to every element of `diagram` (a bpmn-js Viewer or Modeler) now and each
     time an element is drawn again. */
  function apply(diagram, labels) {
    var registry = diagram.get("elementRegistry");
    registry.getAll().forEach(function (element) { relabel(registry, element, labels); });
    var eventBus = diagram.get("eventBus");
    if (eventBus.__plancascadeLabels) { return; }
    eventBus.__plancascadeLabels = true;
    ["shape.changed", "connection.changed"].forEach(function (kind) {
      eventBus.on(kind, function (event) { relabel(registry, event.element, labels); });
    });
  }

  window.PlancascadeDiagramLabels = { apply: apply };
})();
