"""Generate bpmn/province_plan.bpmn and bpmn/unit_plan.bpmn, with full DI.

Usage (from the project root):  python bpmn/tools/gen_bpmn.py

Why a generator: bpmn-auto-layout draws no pool and no lanes, and hand-written
coordinates drift when a process changes.  Here each process is a small table
of nodes placed on a grid (lane, row inside the lane, column) plus a list of
sequence flows with a routing hint; the script computes the pool, the lane
bands, the shapes, orthogonal edge waypoints and label bounds.

Routing hints for a flow (source -> target):
  "auto"  same row: straight line; otherwise leave the source on its right,
          run horizontally to the target's centre x, enter it from above/below.
  "vh"    leave the source from below/above, run vertically to the target's
          centre y, enter it from the left.
  ("back", n)  a loop back: leave the source from the top, climb to return
          channel n (a free band at the top of the first lane), run left and
          drop into the target from above.

The generated XML is the artefact the engine reads; after editing it in a
modeler, either keep editing there or change this table and regenerate.
"""
from __future__ import annotations

import os
import sys
from xml.sax.saxutils import escape, quoteattr

# ---------------------------------------------------------------- geometry
POOL_X, POOL_Y = 160, 80
POOL_LABEL_W = 30          # vertical band with the pool name
LANE_LABEL_W = 30          # vertical band with the lane name
COL_W = 160                # distance between grid columns
ROW_H = 120                # height of one row inside a lane
CHANNEL_H = 18             # height of one return channel (first lane only)
FIRST_COL_X = POOL_X + POOL_LABEL_W + LANE_LABEL_W + 70   # centre x of column 0
SIZES = {
    "task": (100, 80), "userTask": (100, 80), "scriptTask": (100, 80),
    "startEvent": (36, 36), "endEvent": (36, 36), "intermediateCatchEvent": (36, 36),
    "exclusiveGateway": (50, 50), "parallelGateway": (50, 50),
}
GATEWAYS = ("exclusiveGateway", "parallelGateway")
EVENTS = ("startEvent", "endEvent", "intermediateCatchEvent")

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}


# ------------------------------------------------------------- processes
# node: id -> dict(type, name, lane, row, col, [form], [script], [timer], [terminate])
UNIT_PLAN = dict(
    id="unit_plan",
    pool_name="Kế hoạch của đơn vị",
    lanes=[("unit_staff", 1), ("unit_leader", 2), ("dost_staff", 1), ("province_leader", 1)],
    channels=2,
    nodes={
        "plan_received": dict(type="startEvent", name="Nhận kế hoạch tỉnh", lane="unit_staff", col=0),
        "split_work_reminders": dict(type="parallelGateway", name="", lane="unit_staff", col=1),
        "merge_adapt": dict(type="exclusiveGateway", name="", lane="unit_staff", col=2),
        "adapt_plan": dict(type="userTask", name="Xây dựng kế hoạch của đơn vị",
                           lane="unit_staff", col=3, form="unit_plan_adapt"),
        "leader_approve": dict(type="userTask", name="Lãnh đạo phê duyệt kế hoạch",
                               lane="unit_leader", col=4, form="unit_plan_approve"),
        "leader_decision": dict(type="exclusiveGateway", name="Lãnh đạo đồng ý?",
                                lane="unit_leader", col=5),
        "dost_review": dict(type="userTask", name="Sở KHCN tiếp nhận kế hoạch",
                            lane="dost_staff", col=6, form="unit_plan_review"),
        "dost_decision": dict(type="exclusiveGateway", name="Tiếp nhận?", lane="dost_staff", col=7),
        "plan_accepted": dict(type="endEvent", name="Kế hoạch đã được tiếp nhận",
                              lane="dost_staff", col=8, terminate=True),
        # branch B: reminders (second row of the unit_leader lane)
        "wait_reminder": dict(type="intermediateCatchEvent", name="Trước hạn",
                              lane="unit_leader", row=1, col=2, timer="reminder_at"),
        "remind_before": dict(type="scriptTask", name="Nhắc trước hạn", lane="unit_leader", row=1,
                              col=3, script='notify(["unit_staff", "unit_leader"], "reminder_before")'),
        "wait_due": dict(type="intermediateCatchEvent", name="Đến hạn",
                         lane="unit_leader", row=1, col=4, timer="due_at"),
        "remind_due": dict(type="scriptTask", name="Nhắc lãnh đạo khi đến hạn", lane="unit_leader",
                           row=1, col=5, script='notify(["unit_leader"], "due")'),
        "wait_grace": dict(type="intermediateCatchEvent", name="Hết thời gian gia hạn",
                           lane="province_leader", col=6, timer="escalate_at"),
        "escalate_late": dict(type="scriptTask", name="Báo cáo UBND tỉnh", lane="province_leader",
                              col=7, script='escalate("province_leader")'),
        "reminders_done": dict(type="endEvent", name="Đã đôn đốc", lane="province_leader", col=8),
    },
    # (id, source, target, name, condition, route)
    flows=[
        ("flow_start", "plan_received", "split_work_reminders", "", None, "auto"),
        ("flow_to_work", "split_work_reminders", "merge_adapt", "Thực hiện", None, "auto"),
        ("flow_to_reminders", "split_work_reminders", "wait_reminder", "Đôn đốc", None, "vh"),
        ("flow_to_adapt", "merge_adapt", "adapt_plan", "Soạn thảo", None, "auto"),
        ("flow_to_leader", "adapt_plan", "leader_approve", "", None, "auto"),
        ("flow_leader_decision", "leader_approve", "leader_decision", "", None, "auto"),
        ("flow_leader_approve", "leader_decision", "dost_review", "Đồng ý",
         'decision == "approve"', "auto"),
        ("flow_leader_return", "leader_decision", "merge_adapt", "Trả lại",
         'decision == "return"', ("back", 1)),
        ("flow_dost_decision", "dost_review", "dost_decision", "", None, "auto"),
        ("flow_dost_accept", "dost_decision", "plan_accepted", "Tiếp nhận",
         'decision == "accept"', "auto"),
        ("flow_dost_return", "dost_decision", "merge_adapt", "Trả lại",
         'decision == "return"', ("back", 0)),
        ("flow_remind_before", "wait_reminder", "remind_before", "", None, "auto"),
        ("flow_wait_due", "remind_before", "wait_due", "", None, "auto"),
        ("flow_remind_due", "wait_due", "remind_due", "", None, "auto"),
        ("flow_wait_grace", "remind_due", "wait_grace", "", None, "vh"),
        ("flow_escalate", "wait_grace", "escalate_late", "", None, "auto"),
        ("flow_reminders_done", "escalate_late", "reminders_done", "", None, "auto"),
    ],
)

PROVINCE_PLAN = dict(
    id="province_plan",
    pool_name="Kế hoạch tỉnh",
    lanes=[("dost_staff", 1), ("dost_leader", 1)],
    channels=1,
    nodes={
        "plan_year_started": dict(type="startEvent", name="Bắt đầu năm kế hoạch",
                                  lane="dost_staff", col=0),
        "merge_draft": dict(type="exclusiveGateway", name="", lane="dost_staff", col=1),
        "draft_plan": dict(type="userTask", name="Soạn thảo kế hoạch tỉnh", lane="dost_staff",
                           col=2, form="province_plan_draft"),
        "approve_plan": dict(type="userTask", name="Phê duyệt và ban hành kế hoạch",
                             lane="dost_leader", col=3, form="province_plan_approve"),
        "approve_decision": dict(type="exclusiveGateway", name="Phê duyệt?", lane="dost_leader", col=4),
        "cascade_units": dict(type="scriptTask", name="Giao kế hoạch cho các đơn vị",
                              lane="dost_staff", col=5, script='cascade("unit_plan")'),
        "plan_issued": dict(type="endEvent", name="Kế hoạch đã ban hành", lane="dost_staff", col=6),
    },
    flows=[
        ("flow_start", "plan_year_started", "merge_draft", "", None, "auto"),
        ("flow_to_draft", "merge_draft", "draft_plan", "Soạn thảo", None, "auto"),
        ("flow_to_approve", "draft_plan", "approve_plan", "", None, "auto"),
        ("flow_approve_decision", "approve_plan", "approve_decision", "", None, "auto"),
        ("flow_approve", "approve_decision", "cascade_units", "Phê duyệt",
         'decision == "approve"', "auto"),
        ("flow_return", "approve_decision", "merge_draft", "Trả lại",
         'decision == "return"', ("back", 0)),
        ("flow_issued", "cascade_units", "plan_issued", "", None, "auto"),
    ],
)


# ----------------------------------------------------------------- layout
def layout(proc):
    """Return (pool bounds, {lane: bounds}, {node: bounds}, channel y list)."""
    n_cols = max(n["col"] for n in proc["nodes"].values()) + 1
    lane_x = POOL_X + POOL_LABEL_W
    width = LANE_LABEL_W + 70 + (n_cols - 1) * COL_W + 90
    y = POOL_Y
    lanes, row_y, channels = {}, {}, []
    for i, (key, rows) in enumerate(proc["lanes"]):
        top_pad = 10 + proc["channels"] * CHANNEL_H if i == 0 else 0
        if i == 0:
            channels = [POOL_Y + 14 + c * CHANNEL_H for c in range(proc["channels"])]
        h = top_pad + rows * ROW_H
        lanes[key] = (lane_x, y, width, h)
        for r in range(rows):
            row_y[(key, r)] = y + top_pad + r * ROW_H + ROW_H // 2
        y += h
    pool = (POOL_X, POOL_Y, POOL_LABEL_W + width, y - POOL_Y)
    nodes = {}
    for nid, n in proc["nodes"].items():
        w, h = SIZES[n["type"]]
        cx = FIRST_COL_X + n["col"] * COL_W
        cy = row_y[(n["lane"], n.get("row", 0))]
        nodes[nid] = (cx - w // 2, cy - h // 2, w, h)
    return pool, lanes, nodes, channels


def centre(b):
    return b[0] + b[2] // 2, b[1] + b[3] // 2


def route(src, tgt, hint, channels):
    (sx, sy), (tx, ty) = centre(src), centre(tgt)
    if isinstance(hint, tuple) and hint[0] == "back":
        ch = channels[hint[1]]
        return [(sx, src[1]), (sx, ch), (tx, ch), (tx, tgt[1])]
    if hint == "vh":
        start_y = src[1] + src[3] if ty > sy else src[1]
        return [(sx, start_y), (sx, ty), (tgt[0], ty)]
    if sy == ty:
        return [(src[0] + src[2], sy), (tgt[0], ty)]
    end_y = tgt[1] if ty > sy else tgt[1] + tgt[3]
    return [(src[0] + src[2], sy), (tx, sy), (tx, end_y)]


def label_for_flow(points, name):
    w = max(40, 7 * len(name))
    (x0, y0), (x1, y1) = points[0], points[1]
    if y0 == y1:                       # first segment horizontal: above it
        return (x0 + 6, y0 - 20, w, 14)
    if y1 < y0:                        # going up: right of the segment
        return (x0 + 6, y0 - 24, w, 14)
    return (x0 + 6, y0 + 4, w, 14)     # going down


def label_for_node(b, name):
    w = 100 if len(name) > 12 else 60
    return (b[0] + b[2] // 2 - w // 2, b[1] + b[3] + 5, w, 27 if len(name) > 14 else 14)


# -------------------------------------------------------------------- XML
def bounds(b):
    return '<dc:Bounds x="%d" y="%d" width="%d" height="%d" />' % b


def build(proc):
    pid = proc["id"]
    pool, lane_b, node_b, channels = layout(proc)
    incoming = {n: [] for n in proc["nodes"]}
    outgoing = {n: [] for n in proc["nodes"]}
    for fid, s, t, *_ in proc["flows"]:
        outgoing[s].append(fid)
        incoming[t].append(fid)

    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<bpmn:definitions ' + " ".join('xmlns:%s="%s"' % kv for kv in NS.items())
           + ' id="%s_definitions" targetNamespace="http://plancascade/bpmn"'
             ' exporter="plancascade bpmn/tools/gen_bpmn.py" exporterVersion="1">' % pid]
    out.append('  <bpmn:collaboration id="%s_collaboration">' % pid)
    out.append('    <bpmn:participant id="%s_pool" name=%s processRef="%s" />'
               % (pid, quoteattr(proc["pool_name"]), pid))
    out.append('  </bpmn:collaboration>')
    out.append('  <bpmn:process id="%s" name=%s isExecutable="true">'
               % (pid, quoteattr(proc["pool_name"])))
    out.append('    <bpmn:laneSet id="%s_lanes">' % pid)
    for key, _rows in proc["lanes"]:
        out.append('      <bpmn:lane id="lane_%s" name="%s">' % (key, key))
        for nid, n in proc["nodes"].items():
            if n["lane"] == key:
                out.append('        <bpmn:flowNodeRef>%s</bpmn:flowNodeRef>' % nid)
        out.append('      </bpmn:lane>')
    out.append('    </bpmn:laneSet>')

    for nid, n in proc["nodes"].items():
        name = ' name=%s' % quoteattr(n["name"]) if n["name"] else ""
        out.append('    <bpmn:%s id="%s"%s>' % (n["type"], nid, name))
        if "form" in n:
            out += ['      <bpmn:extensionElements>',
                    '        <spiffworkflow:properties>',
                    '          <spiffworkflow:property name="formKey" value="%s" />' % n["form"],
                    '        </spiffworkflow:properties>',
                    '      </bpmn:extensionElements>']
        out += ['      <bpmn:incoming>%s</bpmn:incoming>' % f for f in incoming[nid]]
        out += ['      <bpmn:outgoing>%s</bpmn:outgoing>' % f for f in outgoing[nid]]
        if "timer" in n:
            out += ['      <bpmn:timerEventDefinition id="%s_timer">' % nid,
                    '        <bpmn:timeDate xsi:type="bpmn:tFormalExpression">%s</bpmn:timeDate>'
                    % escape(n["timer"]),
                    '      </bpmn:timerEventDefinition>']
        if n.get("terminate"):
            out.append('      <bpmn:terminateEventDefinition id="%s_terminate" />' % nid)
        if "script" in n:
            out.append('      <bpmn:script>%s</bpmn:script>' % escape(n["script"]))
        out.append('    </bpmn:%s>' % n["type"])

    for fid, s, t, name, cond, _r in proc["flows"]:
        attrs = 'id="%s"%s sourceRef="%s" targetRef="%s"' % (
            fid, ' name=%s' % quoteattr(name) if name else "", s, t)
        if cond:
            out += ['    <bpmn:sequenceFlow %s>' % attrs,
                    '      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">%s'
                    '</bpmn:conditionExpression>' % escape(cond),
                    '    </bpmn:sequenceFlow>']
        else:
            out.append('    <bpmn:sequenceFlow %s />' % attrs)
    out.append('  </bpmn:process>')

    out.append('  <bpmndi:BPMNDiagram id="%s_diagram">' % pid)
    out.append('    <bpmndi:BPMNPlane id="%s_plane" bpmnElement="%s_collaboration">' % (pid, pid))
    out.append('      <bpmndi:BPMNShape id="%s_pool_di" bpmnElement="%s_pool" isHorizontal="true">'
               % (pid, pid))
    out.append('        %s' % bounds(pool))
    out.append('      </bpmndi:BPMNShape>')
    for key, _rows in proc["lanes"]:
        out.append('      <bpmndi:BPMNShape id="lane_%s_di" bpmnElement="lane_%s" isHorizontal="true">'
                   % (key, key))
        out.append('        %s' % bounds(lane_b[key]))
        out.append('      </bpmndi:BPMNShape>')
    for nid, n in proc["nodes"].items():
        marker = ' isMarkerVisible="true"' if n["type"] == "exclusiveGateway" else ""
        out.append('      <bpmndi:BPMNShape id="%s_di" bpmnElement="%s"%s>' % (nid, nid, marker))
        out.append('        %s' % bounds(node_b[nid]))
        if n["name"] and (n["type"] in GATEWAYS or n["type"] in EVENTS):
            out.append('        <bpmndi:BPMNLabel>%s</bpmndi:BPMNLabel>'
                       % bounds(label_for_node(node_b[nid], n["name"])))
        out.append('      </bpmndi:BPMNShape>')
    for fid, s, t, name, _c, hint in proc["flows"]:
        pts = route(node_b[s], node_b[t], hint, channels)
        out.append('      <bpmndi:BPMNEdge id="%s_di" bpmnElement="%s">' % (fid, fid))
        out += ['        <di:waypoint x="%d" y="%d" />' % p for p in pts]
        if name:
            out.append('        <bpmndi:BPMNLabel>%s</bpmndi:BPMNLabel>'
                       % bounds(label_for_flow(pts, name)))
        out.append('      </bpmndi:BPMNEdge>')
    out += ['    </bpmndi:BPMNPlane>', '  </bpmndi:BPMNDiagram>', '</bpmn:definitions>', '']
    return "\n".join(out)


def main(argv):
    target = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    for proc in (PROVINCE_PLAN, UNIT_PLAN):
        path = os.path.join(target, proc["id"] + ".bpmn")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(build(proc))
        print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main(sys.argv)
