/* The administration's BPMN modeler: bpmn-js (vendored) plus a small property sidebar for what
   our processes use, and the "Lưu nháp" / "Kiểm tra" / "Triển khai" actions.

   The sidebar edits the diagram only through the modeler's own services (modeling, moddle,
   elementRegistry, selection), so every change can be undone with Ctrl+Z.
   The server (engine) validates again on deploy: the sidebar only helps to get it right. */
(function () {
  'use strict';

  var config = JSON.parse(document.getElementById('modeler-config').textContent);
  var sidebar = document.getElementById('sidebar');
  var statusLine = document.getElementById('modeler-status');
  var problemsPanel = document.getElementById('problems');
  var modeler, modeling, moddle, registry, canvas, overlays, selection;
  var dirty = false;
  var markedIds = [];

  var TYPE_LABELS = {
    'bpmn:Participant': 'Bể (quy trình)',
    'bpmn:Lane': 'Làn (vai trò)',
    'bpmn:UserTask': 'Bước người dùng',
    'bpmn:ScriptTask': 'Bước tự động (mã kịch bản)',
    'bpmn:ServiceTask': 'Bước dịch vụ',
    'bpmn:Task': 'Bước',
    'bpmn:CallActivity': 'Gọi quy trình khác',
    'bpmn:SubProcess': 'Quy trình con',
    'bpmn:ExclusiveGateway': 'Cổng rẽ nhánh (một nhánh)',
    'bpmn:InclusiveGateway': 'Cổng rẽ nhánh (nhiều nhánh)',
    'bpmn:ParallelGateway': 'Cổng song song',
    'bpmn:EventBasedGateway': 'Cổng theo sự kiện',
    'bpmn:StartEvent': 'Sự kiện bắt đầu',
    'bpmn:EndEvent': 'Sự kiện kết thúc',
    'bpmn:IntermediateCatchEvent': 'Sự kiện chờ',
    'bpmn:IntermediateThrowEvent': 'Sự kiện phát',
    'bpmn:BoundaryEvent': 'Sự kiện biên',
    'bpmn:SequenceFlow': 'Luồng',
    'bpmn:TextAnnotation': 'Ghi chú'
  };
  var TIMER_KINDS = [
    ['timeDate', 'Thời điểm (timeDate)'],
    ['timeDuration', 'Thời lượng (timeDuration)'],
    ['timeCycle', 'Chu kỳ (timeCycle)']
  ];

  // ---------------------------------------------------------------- small DOM helpers

  function node(tag, attrs, children) {
    var element = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === 'text') {
        element.textContent = attrs[key];
      } else if (key.slice(0, 2) === 'on') {
        element.addEventListener(key.slice(2), attrs[key]);
      } else if (attrs[key] !== undefined && attrs[key] !== null && attrs[key] !== false) {
        element.setAttribute(key, attrs[key] === true ? '' : attrs[key]);
      }
    });
    (children || []).forEach(function (child) {
      if (child) { element.appendChild(typeof child === 'string' ? document.createTextNode(child) : child); }
    });
    return element;
  }

  function field(label, control, help) {
    var id = 'prop-' + control.getAttribute('name');
    control.id = id;
    return node('div', { 'class': 'mb-2' }, [
      node('label', { 'class': 'form-label small mb-0', 'for': id, text: label }),
      control,
      help ? node('div', { 'class': 'form-text', text: help }) : null
    ]);
  }

  function input(name, value, onchange) {
    return node('input', { 'class': 'form-control form-control-sm', name: name, value: value || '',
                           onchange: function (e) { onchange(e.target.value.trim()); } });
  }

  function textarea(name, value, onchange) {
    var area = node('textarea', { 'class': 'form-control form-control-sm font-monospace', name: name,
                                  rows: 3, onchange: function (e) { onchange(e.target.value); } });
    area.value = value || '';
    return area;
  }

  function select(name, options, value, onchange) {
    var known = options.some(function (o) { return o[0] === value; });
    var all = known || !value ? options : [[value, value + ' (không hợp lệ)']].concat(options);
    return node('select', { 'class': 'form-select form-select-sm', name: name,
                            onchange: function (e) { onchange(e.target.value); } },
      all.map(function (o) { return node('option', { value: o[0], selected: o[0] === value, text: o[1] }); }));
  }

  function setStatus(text, kind) {
    statusLine.textContent = text;
    statusLine.className = 'small ' + ({ ok: 'text-success', error: 'text-danger', busy: 'text-muted' }[kind] || '');
  }

  // ---------------------------------------------------------------- reading the model

  function is(element, type) {
    var bo = element && (element.businessObject || element);
    return !!(bo && bo.$instanceOf && bo.$instanceOf(type));
  }

  function typeLabel(element) {
    var bo = element.businessObject;
    return TYPE_LABELS[bo.$type] || bo.$type.replace('bpmn:', '');
  }

  function eventDefinition(bo, type) {
    return (bo.eventDefinitions || []).filter(function (d) { return d.$instanceOf(type); })[0];
  }

  function spiffProperties(bo) {
    var values = (bo.extensionElements && bo.extensionElements.values) || [];
    return values.filter(function (v) { return v.$instanceOf('spiffworkflow:Properties'); })[0];
  }

  function formKeyOf(bo) {
    var props = spiffProperties(bo);
    var prop = props && (props.properties || []).filter(function (p) { return p.name === 'formKey'; })[0];
    return prop ? prop.value || '' : '';
  }

  function rootElements(type) {
    var definitions = modeler.getDefinitions();
    return (definitions.rootElements || []).filter(function (e) { return e.$instanceOf(type); });
  }

  // ---------------------------------------------------------------- changing the model

  function setFormKey(element, key) {
    var bo = element.businessObject;
    var property = moddle.create('spiffworkflow:Property', { name: 'formKey', value: key });
    var ext = bo.extensionElements;
    if (!ext) {
      var fresh = moddle.create('spiffworkflow:Properties', { properties: [property] });
      ext = moddle.create('bpmn:ExtensionElements', { values: [fresh] });
      property.$parent = fresh; fresh.$parent = ext; ext.$parent = bo;
      modeling.updateProperties(element, { extensionElements: ext });
      return;
    }
    var props = spiffProperties(bo);
    if (!props) {
      props = moddle.create('spiffworkflow:Properties', { properties: [property] });
      property.$parent = props; props.$parent = ext;
      modeling.updateModdleProperties(element, ext, { values: (ext.values || []).concat([props]) });
      return;
    }
    var existing = (props.properties || []).filter(function (p) { return p.name === 'formKey'; })[0];
    if (existing) {
      modeling.updateModdleProperties(element, existing, { value: key });
    } else {
      property.$parent = props;
      modeling.updateModdleProperties(element, props, { properties: (props.properties || []).concat([property]) });
    }
  }

  function expression(text) {
    return text ? moddle.create('bpmn:FormalExpression', { body: text }) : undefined;
  }

  function setTimer(element, definition, kind, text) {
    var props = { timeDate: undefined, timeDuration: undefined, timeCycle: undefined };
    props[kind] = expression(text);
    modeling.updateModdleProperties(element, definition, props);
  }

  // ---------------------------------------------------------------- the sidebar sections

  function laneSection(element) {
    return [field('Vai trò của làn', select('lane-role', config.roles.map(function (r) {
      return [r[0], r[1] + ' (' + r[0] + ')'];
    }), element.businessObject.name || '', function (role) {
      modeling.updateProperties(element, { name: role });
    }), 'Tên làn là mã vai trò; bước người dùng trong làn được giao cho người giữ vai trò này.')];
  }

  function nameSection(element) {
    return [field('Tên hiển thị', input('name', element.businessObject.name, function (value) {
      modeling.updateLabel(element, value);
    }))];
  }

  function laneOf(bo) {
    var lanes = (bo.get && bo.get('lanes')) || [];
    return lanes.map(function (l) { return l.name; }).join(', ');
  }

  function userTaskSection(element) {
    var bo = element.businessObject;
    var lane = laneOf(bo);
    var roleName = (config.roles.filter(function (r) { return r[0] === lane; })[0] || [])[1];
    return [
      field('Biểu mẫu (formKey)', select('form-key', [['', '— Chọn biểu mẫu —']].concat(config.forms.map(function (f) {
        return [f[0], f[1] + ' (' + f[0] + ')'];
      })), formKeyOf(bo), function (key) { setFormKey(element, key); })),
      node('p', { 'class': 'small text-muted mb-2', text: 'Làn: ' + (lane ? (roleName || lane) + ' (' + lane + ')' : 'chưa nằm trong làn nào — kéo bước vào một làn') })
    ];
  }

  function timerSection(element, definition) {
    var kind = TIMER_KINDS.map(function (k) { return k[0]; }).filter(function (k) { return definition[k]; })[0] || 'timeDuration';
    var current = definition[kind] ? definition[kind].body || '' : '';
    return [
      field('Loại hẹn giờ', select('timer-kind', TIMER_KINDS, kind, function (next) {
        setTimer(element, definition, next, current);
      })),
      field('Biểu thức hẹn giờ', input('timer-expression', current, function (text) {
        setTimer(element, definition, kind, text);
      }), 'Biểu thức Python: chuỗi ISO 8601 có dấu nháy, ví dụ "P3D", hoặc tên biến như due_at.')
    ];
  }

  function conditionSection(element) {
    var bo = element.businessObject;
    var source = element.source;
    var isDefault = source && source.businessObject.default === bo;
    return [
      field('Điều kiện', textarea('condition', bo.conditionExpression ? bo.conditionExpression.body : '', function (text) {
        modeling.updateProperties(element, { conditionExpression: expression(text.trim()) });
      }), 'Biểu thức Python trên dữ liệu của quy trình, ví dụ decision == "approve".'),
      node('div', { 'class': 'form-check mb-2' }, [
        node('input', { 'class': 'form-check-input', type: 'checkbox', id: 'prop-default', checked: isDefault,
                        onchange: function (e) { modeling.updateProperties(source, { 'default': e.target.checked ? bo : undefined }); } }),
        node('label', { 'class': 'form-check-label small', 'for': 'prop-default', text: 'Nhánh mặc định (khi không điều kiện nào đúng)' })
      ])
    ];
  }

  function scriptSection(element) {
    return [field('Mã kịch bản', textarea('script', element.businessObject.script, function (text) {
      modeling.updateProperties(element, { script: text });
    }), 'Python trong môi trường hạn chế: không import, không truy cập tệp hay mạng.')];
  }

  function callSection(element) {
    var options = [['', '— Chọn quy trình —']].concat(config.processes.map(function (k) { return [k, k]; }));
    return [field('Quy trình được gọi', select('called-element', options, element.businessObject.calledElement || '', function (key) {
      modeling.updateProperties(element, { calledElement: key || undefined });
    }), 'Chỉ gọi được quy trình đã triển khai.')];
  }

  function refSection(element, definition, refName, type, label) {
    var items = rootElements(type);
    var current = definition[refName];
    var options = [['', '— Chọn —']].concat(items.map(function (m) { return [m.id, (m.name || m.id) + ' (' + m.id + ')']; }));
    return [field(label, select(refName, options, current ? current.id : '', function (id) {
      var chosen = items.filter(function (m) { return m.id === id; })[0];
      var props = {}; props[refName] = chosen;
      modeling.updateModdleProperties(element, definition, props);
    }))];
  }

  function sections(element) {
    var bo = element.businessObject;
    var parts = [];
    if (is(element, 'bpmn:Lane')) { return laneSection(element); }
    parts = parts.concat(nameSection(element));
    if (is(element, 'bpmn:UserTask')) { parts = parts.concat(userTaskSection(element)); }
    if (is(element, 'bpmn:ScriptTask')) { parts = parts.concat(scriptSection(element)); }
    if (is(element, 'bpmn:CallActivity')) { parts = parts.concat(callSection(element)); }
    if (is(element, 'bpmn:SequenceFlow') && element.source &&
        (is(element.source, 'bpmn:ExclusiveGateway') || is(element.source, 'bpmn:InclusiveGateway'))) {
      parts = parts.concat(conditionSection(element));
    }
    var timer = eventDefinition(bo, 'bpmn:TimerEventDefinition');
    if (timer) { parts = parts.concat(timerSection(element, timer)); }
    var message = eventDefinition(bo, 'bpmn:MessageEventDefinition');
    if (message) { parts = parts.concat(refSection(element, message, 'messageRef', 'bpmn:Message', 'Thông điệp')); }
    var escalation = eventDefinition(bo, 'bpmn:EscalationEventDefinition');
    if (escalation) { parts = parts.concat(refSection(element, escalation, 'escalationRef', 'bpmn:Escalation', 'Báo cáo vượt cấp (escalation)')); }
    return parts;
  }

  function renderSidebar() {
    var selected = selection.get();
    sidebar.innerHTML = '';
    if (selected.length !== 1) {
      sidebar.appendChild(node('p', { 'class': 'small text-muted', text: selected.length ?
        'Đang chọn nhiều phần tử; chọn một phần tử để sửa thuộc tính.' :
        'Chọn một phần tử trên sơ đồ để sửa thuộc tính: làn → vai trò, bước người dùng → biểu mẫu, hẹn giờ, điều kiện, kịch bản, quy trình được gọi.' }));
      return;
    }
    var element = selected[0];
    sidebar.dataset.selected = element.id;
    sidebar.appendChild(node('h2', { 'class': 'h6 mb-1', text: typeLabel(element) }));
    sidebar.appendChild(node('p', { 'class': 'small text-muted mb-2' }, ['Mã: ', node('code', { text: element.id })]));
    sections(element).forEach(function (part) { sidebar.appendChild(part); });
  }

  function refreshSidebar() {
    // Redraw with the new values (no stale closures), keeping the focus where the user is.
    var active = document.activeElement;
    var focused = sidebar.contains(active) ? active.getAttribute('name') || active.id : null;
    renderSidebar();
    if (focused) {
      var again = sidebar.querySelector('[name="' + focused + '"]') || document.getElementById(focused);
      if (again) { again.focus(); }
    }
  }

  // ---------------------------------------------------------------- problems next to elements

  function clearProblems() {
    overlays.remove({ type: 'pc-problem' });
    markedIds.forEach(function (id) { if (registry.get(id)) { canvas.removeMarker(id, 'pc-problem'); } });
    markedIds = [];
    problemsPanel.innerHTML = '';
  }

  function showProblems(problems, heading) {
    clearProblems();
    if (!problems.length) { return; }
    var counts = {};
    var list = node('ol', { 'class': 'small mb-0', id: 'problem-list' });
    problems.forEach(function (p) {
      var element = p.element && registry.get(p.element);
      if (element) {
        counts[p.element] = (counts[p.element] || 0) + 1;
        if (counts[p.element] === 1) { canvas.addMarker(p.element, 'pc-problem'); markedIds.push(p.element); }
      }
      var where = [p.element ? p.element : null, p.name ? '«' + p.name + '»' : null, p.line ? 'dòng ' + p.line : null]
        .filter(Boolean).join(' · ');
      list.appendChild(node('li', { 'class': 'problem', 'data-element': p.element || '' }, [
        where ? node('a', { href: '#', 'class': 'me-1', text: where, onclick: function (e) {
          e.preventDefault();
          if (element) { selection.select(element); canvas.scrollToElement(element); }
        } }) : null,
        node('span', { text: p.message })
      ]));
    });
    Object.keys(counts).forEach(function (id) {
      overlays.add(id, 'pc-problem', { position: { top: -10, right: 10 },
        html: '<span class="pc-problem-badge" title="Có lỗi">' + counts[id] + '</span>' });
    });
    problemsPanel.appendChild(node('div', { 'class': 'alert alert-danger py-2 mb-0' }, [
      node('p', { 'class': 'fw-semibold mb-1', text: heading }), list
    ]));
  }

  // ---------------------------------------------------------------- talking to the server

  function exportXml() {
    return modeler.saveXML({ format: true }).then(function (result) { return result.xml; });
  }

  function post(url, body) {
    return fetch(url, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': config.csrfToken, 'Accept': 'application/json' },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () {
        return { ok: false, error: 'Máy chủ trả lời không hợp lệ (mã ' + response.status + ').' };
      });
    }, function () {
      return { ok: false, error: 'Không kết nối được máy chủ.' };
    });
  }

  function withXml(action) {
    return exportXml().then(action, function (err) {
      setStatus('Không xuất được sơ đồ: ' + err.message, 'error');
    });
  }

  function saveDraft() {
    setStatus('Đang lưu nháp…', 'busy');
    return withXml(function (xml) {
      return post(config.urls.draft, { xml: xml }).then(function (data) {
        if (data.ok) { dirty = false; setStatus(data.message, 'ok'); } else {
          showProblems(data.problems || [], data.error || 'Không lưu được nháp.');
          setStatus(data.error || 'Không lưu được nháp.', 'error');
        }
      });
    });
  }

  function validate() {
    setStatus('Đang kiểm tra…', 'busy');
    return withXml(function (xml) {
      return post(config.urls.validate, { xml: xml }).then(function (data) {
        showProblems(data.problems || [], data.error || '');
        setStatus(data.ok ? data.message : (data.error || 'Sơ đồ chưa hợp lệ.'), data.ok ? 'ok' : 'error');
      });
    });
  }

  function deploy() {
    var comment = document.getElementById('deploy-comment').value.trim();
    if (!comment) {
      setStatus('Cần ghi chú nội dung thay đổi trước khi triển khai.', 'error');
      document.getElementById('deploy-comment').focus();
      return Promise.resolve();
    }
    setStatus('Đang kiểm tra và triển khai…', 'busy');
    return withXml(function (xml) {
      return post(config.urls.deploy, { xml: xml, comment: comment }).then(function (data) {
        if (data.ok) { dirty = false; window.location.assign(data.redirect); return; }
        showProblems(data.problems || [], data.error || 'Không triển khai được.');
        setStatus(data.error || 'Không triển khai được.', 'error');
      });
    });
  }

  function download() {
    return withXml(function (xml) {
      var link = node('a', { href: URL.createObjectURL(new Blob([xml], { type: 'application/xml' })),
                             download: config.key + '.bpmn' });
      document.body.appendChild(link); link.click(); link.remove();
    });
  }

  function openLocalFile(event) {
    var file = event.target.files[0];
    if (!file) { return; }
    var reader = new FileReader();
    reader.onload = function () {
      modeler.importXML(String(reader.result)).then(function () {
        dirty = true; clearProblems(); fitBesidePalette(); showLabels();
        setStatus('Đã mở tệp ' + file.name + ' (chưa lưu).', 'ok');
      }, function () {
        setStatus('Không mở được tệp ' + file.name + ': tệp không phải sơ đồ BPMN 2.0 hợp lệ.', 'error');
      });
    };
    reader.readAsText(file);
  }

  // Fit the diagram in the part of the canvas right of the palette, so that the tools never cover
  // the lanes' names (drawn along the pool's left edge).
  function fitBesidePalette() {
    canvas.zoom('fit-viewport');
    var palette = document.querySelector('#canvas .djs-palette');
    var frame = document.getElementById('canvas').getBoundingClientRect();
    var gap = palette ? palette.getBoundingClientRect().right - frame.left + 12 : 12;
    var box = canvas.viewbox();
    var scale = Math.min((box.outer.width - gap - 12) / box.inner.width,
                         (box.outer.height - 24) / box.inner.height, 1);
    canvas.viewbox({ x: box.inner.x - gap / scale, y: box.inner.y - 12 / scale,
                     width: box.outer.width / scale, height: box.outer.height / scale });
  }

  // Lanes read as role names on the drawing (their BPMN names stay the role codes); wrapped
  // labels keep their spaces (diagram_labels.js).
  function showLabels() {
    if (!window.PlancascadeDiagramLabels) { return; }
    var labels = {};
    config.roles.forEach(function (r) { labels[r[0]] = r[1]; });
    window.PlancascadeDiagramLabels.apply(modeler, labels);
  }

  // ---------------------------------------------------------------- start

  function start(descriptor) {
    modeler = new BpmnJS({ container: '#canvas', moddleExtensions: { spiffworkflow: descriptor } });
    window.plancascadeModeler = modeler;  // for browser tests and the curious admin's console
    modeling = modeler.get('modeling');
    moddle = modeler.get('moddle');
    registry = modeler.get('elementRegistry');
    canvas = modeler.get('canvas');
    overlays = modeler.get('overlays');
    selection = modeler.get('selection');
    modeler.on('selection.changed', renderSidebar);
    modeler.on('commandStack.changed', function () {
      dirty = true;
      setStatus('Có thay đổi chưa lưu.', '');
      refreshSidebar();
    });
    return modeler.importXML(config.xml).then(function (result) {
      fitBesidePalette();
      showLabels();
      renderSidebar();
      if (result.warnings && result.warnings.length) {
        setStatus('Sơ đồ mở được nhưng có ' + result.warnings.length + ' cảnh báo khi đọc.', 'error');
      }
      document.body.dataset.modelerReady = '1';
    });
  }

  document.getElementById('save-draft').addEventListener('click', saveDraft);
  document.getElementById('validate').addEventListener('click', validate);
  document.getElementById('deploy').addEventListener('click', deploy);
  document.getElementById('download').addEventListener('click', download);
  document.getElementById('open-file').addEventListener('change', openLocalFile);
  window.addEventListener('beforeunload', function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ''; }
  });

  fetch(config.urls.moddle, { credentials: 'same-origin' })
    .then(function (response) { return response.json(); })
    .then(start)
    .catch(function (err) { setStatus('Không mở được trình soạn thảo: ' + err.message, 'error'); });
}());
