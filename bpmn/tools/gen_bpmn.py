"""Generate every process in bpmn/ (one process per file), with full DI.

Usage (from the project root):  python bpmn/tools/gen_bpmn.py [target_dir]

Why a generator: bpmn-auto-layout draws no pool and no lanes, and hand-written
coordinates drift when a process changes.  Here each process is a small table
of nodes placed on a grid (lane, row inside the lane, column) plus a list of
sequence flows with a routing hint; the script computes the pool, the lane
bands, the shapes, orthogonal edge waypoints and label bounds.

Node keys: type, name, lane, col, [row] (row inside the lane, default 0),
[form] (user task formKey), [script], [timer] (timeDate expression),
[terminate], [label] ("above": the event's or gateway's name above it,
for a node left from below), [message] (message name of a message throw/catch event),
[payload] (throw: spiffworkflow:messagePayload expression),
[variable] (catch: spiffworkflow:messageVariable).

Message events follow what SpiffWorkflow 3.2's spiff parser reads
(SpiffWorkflow/spiff/parser/event_parsers.py): `spiffworkflow:messagePayload`
and `spiffworkflow:messageVariable` anywhere below the
`bpmn:messageEventDefinition` (here in its own extensionElements); the message
itself is a definitions-level `bpmn:message` with id `msg_<name>`.

Routing hints for a flow (source -> target):
  "auto"  same row: straight line; otherwise leave the source on its right,
          run horizontally to the target's centre x, enter it from above/below.
  "vh"    leave the source from below/above, run vertically to the target's
          centre y, enter it from the left.
  ("back", n)  a loop back: leave the source from the top, climb to return
          channel n (a free band at the top of the first lane), run left and
          drop into the target from above.
  ("bus", dy)  leave the source from below (dy > 0) or above (dy < 0), run
          horizontally at the source's centre y + dy, enter the target from
          above or below: wraps a long chain onto the next row, or closes a
          short local loop.
A flow may carry a 7th element, a dict of options: {"label": (dx, dy)} puts
the flow's name at that offset from the first waypoint.

The generated XML is the artefact the engine reads; after editing it in a
modeler, either keep editing there or change this table and regenerate.
"""
from __future__ import annotations

import math
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
    "task": (120, 80), "userTask": (120, 80), "scriptTask": (120, 80),
    "startEvent": (36, 36), "endEvent": (36, 36), "intermediateCatchEvent": (36, 36),
    "intermediateThrowEvent": (36, 36),
    "exclusiveGateway": (50, 50), "parallelGateway": (50, 50),
}
GATEWAYS = ("exclusiveGateway", "parallelGateway")
EVENTS = ("startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent")

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}

# the same reminder/escalation scripts in every unit-level process
REMIND_BEFORE = 'notify(["unit_staff", "unit_leader"], "reminder_before")'
REMIND_DUE = 'notify(["unit_leader"], "due")'
ESCALATE_LATE = 'escalate("province_leader")'


# ------------------------------------------------------------- processes
def reporting_process(pid, pool_name, start, short, work, approve, review,
                      accepted_message, payload, accepted_end):
    """A unit submits, its leader approves, Sở KHCN accepts or returns (unit_plan and
    quarterly_report), with reminders (branch B) and a stop on withdrawal (branch C).

    start = (id, name); short = verb used in the ids of the merge and its flow
    ("adapt" -> merge_adapt, flow_to_adapt); work/approve/review = (name, form)
    with work = (id, name, form); accepted_end = (id, name).
    """
    work_id, work_name, work_form = work
    end_id, end_name = accepted_end
    merge = "merge_" + short
    return dict(
        id=pid,
        pool_name=pool_name,
        lanes=[("unit_staff", 1), ("unit_leader", 2), ("dost_staff", 1), ("province_leader", 1)],
        channels=2,
        nodes={
            start[0]: dict(type="startEvent", name=start[1], lane="unit_staff", col=0),
            "split_work_reminders": dict(type="parallelGateway", name="", lane="unit_staff", col=1),
            merge: dict(type="exclusiveGateway", name="", lane="unit_staff", col=2),
            work_id: dict(type="userTask", name=work_name, lane="unit_staff", col=3,
                          form=work_form),
            "leader_approve": dict(type="userTask", name=approve[0], lane="unit_leader", col=4,
                                   form=approve[1]),
            "leader_decision": dict(type="exclusiveGateway", name="Lãnh đạo đồng ý?",
                                    lane="unit_leader", col=5),
            "dost_review": dict(type="userTask", name=review[0], lane="dost_staff", col=6,
                                form=review[1]),
            "dost_decision": dict(type="exclusiveGateway", name="Tiếp nhận?", lane="dost_staff",
                                  col=7),
            "notify_accepted": dict(type="intermediateThrowEvent", name="Báo Sở KHCN: đã tiếp nhận",
                                    lane="dost_staff", col=8, message=accepted_message,
                                    payload=payload),
            end_id: dict(type="endEvent", name=end_name, lane="dost_staff", col=9, terminate=True),
            # branch B: reminders (second row of the unit_leader lane)
            "wait_reminder": dict(type="intermediateCatchEvent", name="Trước hạn",
                                  lane="unit_leader", row=1, col=2, timer="reminder_at"),
            "remind_before": dict(type="scriptTask", name="Nhắc trước hạn", lane="unit_leader",
                                  row=1, col=3, script=REMIND_BEFORE),
            "wait_due": dict(type="intermediateCatchEvent", name="Đến hạn",
                             lane="unit_leader", row=1, col=4, timer="due_at"),
            "remind_due": dict(type="scriptTask", name="Nhắc lãnh đạo khi đến hạn",
                               lane="unit_leader", row=1, col=5, script=REMIND_DUE),
            "wait_grace": dict(type="intermediateCatchEvent", name="Hết thời gian gia hạn",
                               lane="province_leader", col=6, timer="escalate_at"),
            "escalate_late": dict(type="scriptTask", name="Báo cáo UBND tỉnh",
                                  lane="province_leader", col=7, script=ESCALATE_LATE),
            "reminders_done": dict(type="endEvent", name="Đã đôn đốc", lane="province_leader",
                                   col=8),
            # branch C: the province plan is withdrawn (left part of the dost_staff lane)
            "wait_withdrawal": dict(type="intermediateCatchEvent", name="Kế hoạch tỉnh bị thu hồi",
                                    lane="dost_staff", col=2, message="plan_withdrawn",
                                    variable="withdrawal"),
            "plan_withdrawn_end": dict(type="endEvent", name="Dừng do thu hồi kế hoạch",
                                       lane="dost_staff", col=3, terminate=True),
        },
        # (id, source, target, name, condition, route[, options])
        flows=[
            ("flow_start", start[0], "split_work_reminders", "", None, "auto"),
            ("flow_to_work", "split_work_reminders", merge, "Thực hiện", None, "auto"),
            ("flow_to_reminders", "split_work_reminders", "wait_reminder", "Đôn đốc", None, "vh"),
            ("flow_to_withdrawal", "split_work_reminders", "wait_withdrawal", "Theo dõi thu hồi",
             None, "vh"),
            ("flow_to_" + short, merge, work_id, "Soạn thảo", None, "auto"),
            ("flow_to_leader", work_id, "leader_approve", "", None, "auto"),
            ("flow_leader_decision", "leader_approve", "leader_decision", "", None, "auto"),
            ("flow_leader_approve", "leader_decision", "dost_review", "Đồng ý",
             'decision == "approve"', "auto"),
            ("flow_leader_return", "leader_decision", merge, "Trả lại",
             'decision == "return"', ("back", 1)),
            ("flow_dost_decision", "dost_review", "dost_decision", "", None, "auto"),
            ("flow_dost_accept", "dost_decision", "notify_accepted", "Tiếp nhận",
             'decision == "accept"', "auto"),
            ("flow_accepted_end", "notify_accepted", end_id, "", None, "auto"),
            ("flow_dost_return", "dost_decision", merge, "Trả lại",
             'decision == "return"', ("back", 0)),
            ("flow_remind_before", "wait_reminder", "remind_before", "", None, "auto"),
            ("flow_wait_due", "remind_before", "wait_due", "", None, "auto"),
            ("flow_remind_due", "wait_due", "remind_due", "", None, "auto"),
            ("flow_wait_grace", "remind_due", "wait_grace", "", None, "vh"),
            ("flow_escalate", "wait_grace", "escalate_late", "", None, "auto"),
            ("flow_reminders_done", "escalate_late", "reminders_done", "", None, "auto"),
            ("flow_withdrawn", "wait_withdrawal", "plan_withdrawn_end", "", None, "auto"),
        ],
    )


UNIT_PLAN = reporting_process(
    "unit_plan", "Kế hoạch của đơn vị",
    start=("plan_received", "Nhận kế hoạch tỉnh"),
    short="adapt",
    work=("adapt_plan", "Xây dựng kế hoạch của đơn vị", "unit_plan_adapt"),
    approve=("Lãnh đạo phê duyệt kế hoạch", "unit_plan_approve"),
    review=("Sở KHCN tiếp nhận kế hoạch", "unit_plan_review"),
    accepted_message="unit_plan_accepted",
    payload='{"unit_id": unit_id, "plan_id": plan_id}',
    accepted_end=("plan_accepted", "Kế hoạch đã được tiếp nhận"),
)

QUARTERLY_REPORT = reporting_process(
    "quarterly_report", "Báo cáo quý của đơn vị",
    start=("round_opened", "Mở đợt báo cáo quý"),
    short="fill",
    work=("fill_report", "Lập báo cáo quý", "quarterly_report_fill"),
    approve=("Lãnh đạo ký báo cáo", "quarterly_report_approve"),
    review=("Sở KHCN tiếp nhận báo cáo", "quarterly_report_review"),
    accepted_message="quarterly_report_accepted",
    payload='{"unit_id": unit_id, "plan_id": plan_id, "round": round}',
    accepted_end=("report_accepted", "Báo cáo đã được tiếp nhận"),
)

ADHOC_REPORT = reporting_process(
    "adhoc_report", "Báo cáo đột xuất của đơn vị",
    start=("request_received", "Nhận yêu cầu báo cáo đột xuất"),
    short="answer",
    work=("answer_request", "Lập báo cáo đột xuất", "adhoc_report_fill"),
    approve=("Lãnh đạo ký báo cáo đột xuất", "adhoc_report_approve"),
    review=("Sở KHCN tiếp nhận báo cáo đột xuất", "adhoc_report_review"),
    accepted_message="adhoc_report_accepted",
    payload='{"unit_id": unit_id, "plan_id": plan_id, "round": round}',
    accepted_end=("answer_accepted", "Báo cáo đã được tiếp nhận"),
)

INTERNAL_REPORT = dict(
    id="internal_report",
    pool_name="Báo cáo của phòng, ban cho UBND xã",
    lanes=[("unit_staff", 1), ("unit_leader", 1)],
    channels=0,
    nodes={
        "internal_round_opened": dict(type="startEvent", name="Nhận yêu cầu báo cáo",
                                      lane="unit_staff", col=0),
        "split_work_reminders": dict(type="parallelGateway", name="", lane="unit_staff", col=1),
        "fill_internal": dict(type="userTask", name="Báo cáo của phòng, ban", lane="unit_staff",
                              col=2, form="internal_report_fill"),
        "internal_done": dict(type="endEvent", name="Đã gửi UBND xã", lane="unit_staff", col=3,
                              terminate=True),
        "wait_reminder": dict(type="intermediateCatchEvent", name="Trước hạn", lane="unit_leader",
                              col=2, timer="reminder_at"),
        "remind_before": dict(type="scriptTask", name="Nhắc trước hạn", lane="unit_leader", col=3,
                              script='notify(["unit_staff"], "reminder_before")'),
        "wait_due": dict(type="intermediateCatchEvent", name="Đến hạn", lane="unit_leader", col=4,
                         timer="due_at"),
        "remind_due": dict(type="scriptTask", name="Nhắc lãnh đạo khi đến hạn",
                           lane="unit_leader", col=5, script=REMIND_DUE),
        "wait_grace": dict(type="intermediateCatchEvent", name="Hết thời gian gia hạn",
                           lane="unit_leader", col=6, timer="escalate_at"),
        "escalate_late": dict(type="scriptTask", name="Báo lãnh đạo UBND xã", lane="unit_leader",
                              col=7, script='escalate("parent_leader")'),
        "reminders_done": dict(type="endEvent", name="Đã đôn đốc", lane="unit_leader", col=8),
    },
    flows=[
        ("flow_start", "internal_round_opened", "split_work_reminders", "", None, "auto"),
        ("flow_to_work", "split_work_reminders", "fill_internal", "Thực hiện", None, "auto"),
        ("flow_to_reminders", "split_work_reminders", "wait_reminder", "Đôn đốc", None, "vh"),
        ("flow_internal_done", "fill_internal", "internal_done", "", None, "auto"),
        ("flow_remind_before", "wait_reminder", "remind_before", "", None, "auto"),
        ("flow_wait_due", "remind_before", "wait_due", "", None, "auto"),
        ("flow_remind_due", "wait_due", "remind_due", "", None, "auto"),
        ("flow_wait_grace", "remind_due", "wait_grace", "", None, "auto"),
        ("flow_escalate", "wait_grace", "escalate_late", "", None, "auto"),
        ("flow_reminders_done", "escalate_late", "reminders_done", "", None, "auto"),
    ],
)

INSPECTION = dict(
    id="inspection",
    pool_name="Kiểm tra việc thực hiện kế hoạch",
    lanes=[("inspector", 1), ("dost_leader", 1), ("unit_staff", 2), ("province_leader", 1)],
    channels=0,
    nodes={
        "unit_selected": dict(type="startEvent", name="Đơn vị được chọn kiểm tra",
                              lane="inspector", col=0),
        "record_findings": dict(type="userTask", name="Ghi nhận kết quả kiểm tra",
                                lane="inspector", col=1, form="inspection_findings"),
        "sign_conclusion": dict(type="userTask", name="Ký kết luận kiểm tra", lane="dost_leader",
                                col=2, form="inspection_conclusion"),
        "remediation_decision": dict(type="exclusiveGateway", name="Cần khắc phục?",
                                     lane="dost_leader", col=3, label="above"),
        "no_remediation": dict(type="endEvent", name="Không phải khắc phục", lane="dost_leader",
                               col=4),
        "split_remediation": dict(type="parallelGateway", name="", lane="unit_staff", col=4),
        "report_remediation": dict(type="userTask", name="Báo cáo khắc phục", lane="unit_staff",
                                   col=5, form="inspection_remediation"),
        "remediation_done": dict(type="endEvent", name="Đã báo cáo khắc phục", lane="unit_staff",
                                 col=6, terminate=True),
        "wait_remediation_due": dict(type="intermediateCatchEvent", name="Đến hạn khắc phục",
                                     lane="unit_staff", row=1, col=5, timer="remediation_due_at"),
        "remind_remediation": dict(type="scriptTask", name="Nhắc báo cáo khắc phục",
                                   lane="unit_staff", row=1, col=6,
                                   script='notify(["unit_staff", "unit_leader"], "due")'),
        "wait_remediation_grace": dict(type="intermediateCatchEvent",
                                       name="Hết thời gian gia hạn", lane="province_leader",
                                       col=7, timer="remediation_escalate_at"),
        "escalate_remediation": dict(type="scriptTask", name="Báo cáo UBND tỉnh",
                                     lane="province_leader", col=8, script=ESCALATE_LATE),
        "remediation_reminders_done": dict(type="endEvent", name="Đã đôn đốc",
                                           lane="province_leader", col=9),
    },
    flows=[
        ("flow_start", "unit_selected", "record_findings", "", None, "auto"),
        ("flow_to_conclusion", "record_findings", "sign_conclusion", "", None, "auto"),
        ("flow_remediation_decision", "sign_conclusion", "remediation_decision", "", None, "auto"),
        ("flow_no_remediation", "remediation_decision", "no_remediation", "Không",
         "remediation_required == False", "auto"),
        ("flow_remediation", "remediation_decision", "split_remediation", "Có",
         "remediation_required == True", "vh"),
        ("flow_to_report", "split_remediation", "report_remediation", "Khắc phục", None, "auto"),
        ("flow_remediation_done", "report_remediation", "remediation_done", "", None, "auto"),
        ("flow_to_reminders", "split_remediation", "wait_remediation_due", "Đôn đốc", None, "vh"),
        ("flow_remind_remediation", "wait_remediation_due", "remind_remediation", "", None, "auto"),
        ("flow_wait_grace", "remind_remediation", "wait_remediation_grace", "", None, "vh"),
        ("flow_escalate", "wait_remediation_grace", "escalate_remediation", "", None, "auto"),
        ("flow_reminders_done", "escalate_remediation", "remediation_reminders_done", "", None,
         "auto"),
    ],
)

AGGREGATION = dict(
    id="aggregation",
    pool_name="Báo cáo tổng hợp của tỉnh",
    lanes=[("dost_staff", 1), ("dost_leader", 1)],
    channels=1,
    nodes={
        "aggregation_started": dict(type="startEvent", name="Đến hạn tổng hợp",
                                    lane="dost_staff", col=0),
        "merge_review": dict(type="exclusiveGateway", name="", lane="dost_staff", col=1),
        "review_report": dict(type="userTask", name="Rà soát báo cáo tổng hợp", lane="dost_staff",
                              col=2, form="aggregation_review"),
        "approve_report": dict(type="userTask", name="Phê duyệt báo cáo tổng hợp",
                               lane="dost_leader", col=3, form="aggregation_approve"),
        "approve_decision": dict(type="exclusiveGateway", name="Phê duyệt?", lane="dost_leader",
                                 col=4),
        "report_approved": dict(type="endEvent", name="Đã báo cáo UBND tỉnh", lane="dost_leader",
                                col=5),
    },
    flows=[
        ("flow_start", "aggregation_started", "merge_review", "", None, "auto"),
        ("flow_to_review", "merge_review", "review_report", "Rà soát", None, "auto"),
        ("flow_to_approve", "review_report", "approve_report", "", None, "auto"),
        ("flow_approve_decision", "approve_report", "approve_decision", "", None, "auto"),
        ("flow_approve", "approve_decision", "report_approved", "Phê duyệt",
         'decision == "approve"', "auto"),
        ("flow_return", "approve_decision", "merge_review", "Trả lại",
         'decision == "return"', ("back", 0)),
    ],
)


def _year_chain():
    """Nodes and flows of the province plan's year chain (lane dost_staff, row 1): the report
    rounds of the plan's regimes are opened as `reporting_round` instances (data, not
    diagram), then the year's report at its end."""
    nodes = {
        "open_rounds": dict(type="scriptTask", name="Mở các đợt báo cáo theo chế độ báo cáo",
                            lane="dost_staff", row=1, col=7, script="open_rounds()"),
        "wait_year_end": dict(type="intermediateCatchEvent", name="Cuối năm",
                              lane="dost_staff", row=1, col=8, timer="year_end_at"),
        "aggregate_year": dict(type="scriptTask", name="Tổng hợp cả năm", lane="dost_staff",
                               row=1, col=9, script='aggregate("year")'),
        "year_closed": dict(type="endEvent", name="Kết thúc năm kế hoạch",
                            lane="dost_staff", row=1, col=10, terminate=True),
    }
    order = list(nodes)
    flows = [("flow_%s" % tgt, src, tgt, "", None, "auto")
             for src, tgt in zip(order, order[1:], strict=False)]
    return nodes, flows


_CHAIN_NODES, _CHAIN_FLOWS = _year_chain()

PROVINCE_PLAN = dict(
    id="province_plan",
    pool_name="Kế hoạch tỉnh",
    lanes=[("dost_leader", 1), ("dost_staff", 2)],
    channels=1,
    nodes={
        "plan_year_started": dict(type="startEvent", name="Bắt đầu năm kế hoạch",
                                  lane="dost_staff", col=0),
        "merge_draft": dict(type="exclusiveGateway", name="", lane="dost_staff", col=1),
        "draft_plan": dict(type="userTask", name="Soạn thảo kế hoạch tỉnh", lane="dost_staff",
                           col=2, form="province_plan_draft"),
        "approve_plan": dict(type="userTask", name="Phê duyệt và ban hành kế hoạch",
                             lane="dost_leader", col=3, form="province_plan_approve"),
        "approve_decision": dict(type="exclusiveGateway", name="Phê duyệt?", lane="dost_leader",
                                 col=4),
        "cascade_units": dict(type="scriptTask", name="Giao kế hoạch cho các đơn vị",
                              lane="dost_staff", col=5, script='cascade("unit_plan")'),
        "split_year": dict(type="parallelGateway", name="", lane="dost_staff", col=6),
        # acceptance: the application counts accepted unit plans and sends one message when
        # every unit's plan is accepted (a per-unit loop here would grow the instance with
        # every unit and hits SpiffWorkflow's task-depth limit at a few hundred units)
        "wait_all_accepted": dict(type="intermediateCatchEvent",
                                  name="Mọi đơn vị đã được tiếp nhận kế hoạch",
                                  lane="dost_staff", col=7,
                                  message="all_unit_plans_accepted", variable="acceptance"),
        "notify_all_accepted": dict(type="scriptTask", name="Báo lãnh đạo Sở",
                                    lane="dost_staff", col=8,
                                    script='notify(["dost_leader"], "all_accepted")'),
        "acceptance_done": dict(type="endEvent", name="Đã tiếp nhận đủ kế hoạch",
                                lane="dost_staff", col=9),
        # inspection round (dost_leader)
        "wait_inspection_open": dict(type="intermediateCatchEvent", name="Đến đợt kiểm tra",
                                     lane="dost_leader", col=7, timer="inspection_open_at"),
        "select_inspections": dict(type="userTask", name="Chọn đơn vị kiểm tra",
                                   lane="dost_leader", col=8, form="inspection_select"),
        "start_inspection_round": dict(type="scriptTask", name="Giao kiểm tra",
                                       lane="dost_leader", col=9, script="start_inspections()"),
        "inspections_started": dict(type="endEvent", name="Đã giao kiểm tra",
                                    lane="dost_leader", col=10),
        **_CHAIN_NODES,
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
        ("flow_to_split", "cascade_units", "split_year", "", None, "auto"),
        ("flow_to_acceptance", "split_year", "wait_all_accepted", "Tiếp nhận", None, "auto"),
        ("flow_to_inspection", "split_year", "wait_inspection_open", "Kiểm tra", None, "vh"),
        ("flow_to_year", "split_year", "open_rounds", "Các đợt báo cáo", None, "vh"),
        ("flow_notify_all_accepted", "wait_all_accepted", "notify_all_accepted", "", None,
         "auto"),
        ("flow_acceptance_done", "notify_all_accepted", "acceptance_done", "", None, "auto"),
        ("flow_select_inspections", "wait_inspection_open", "select_inspections", "", None,
         "auto"),
        ("flow_start_inspections", "select_inspections", "start_inspection_round", "", None,
         "auto"),
        ("flow_inspections_started", "start_inspection_round", "inspections_started", "", None,
         "auto"),
        *_CHAIN_FLOWS,
    ],
)

REPORTING_ROUND = dict(
    id="reporting_round",
    pool_name="Đợt báo cáo",
    lanes=[("dost_staff", 2)],
    channels=1,
    nodes={
        "round_started": dict(type="startEvent", name="Đợt báo cáo theo kế hoạch",
                              lane="dost_staff", col=0),
        "wait_round_open": dict(type="intermediateCatchEvent", name="Mở đợt báo cáo",
                                lane="dost_staff", col=1, timer="open_at"),
        "open_round": dict(type="scriptTask", name="Giao báo cáo cho các đơn vị",
                           lane="dost_staff", col=2, script="cascade(report_process, round)"),
        "wait_round_close": dict(type="intermediateCatchEvent", name="Hết hạn đợt báo cáo",
                                 lane="dost_staff", col=3, timer="close_at"),
        "summary_decision": dict(type="exclusiveGateway", name="Báo cáo lên tỉnh?",
                                 lane="dost_staff", col=4, label="above"),
        "aggregate_round": dict(type="scriptTask", name="Tổng hợp đợt báo cáo",
                                lane="dost_staff", col=5, script="aggregate(round)"),
        "round_closed": dict(type="endEvent", name="Đã tổng hợp", lane="dost_staff", col=6),
        "internal_round_closed": dict(type="endEvent", name="Đã đóng đợt (báo cáo gửi UBND xã)",
                                      lane="dost_staff", row=1, col=5),
    },
    flows=[
        ("flow_to_wait_open", "round_started", "wait_round_open", "", None, "auto"),
        ("flow_to_open", "wait_round_open", "open_round", "", None, "auto"),
        ("flow_to_wait_close", "open_round", "wait_round_close", "", None, "auto"),
        ("flow_to_decision", "wait_round_close", "summary_decision", "", None, "auto"),
        ("flow_to_aggregate", "summary_decision", "aggregate_round", "Có",
         "province_summary == True", "auto"),
        ("flow_to_closed", "aggregate_round", "round_closed", "", None, "auto"),
        ("flow_internal_closed", "summary_decision", "internal_round_closed", "Không",
         "province_summary == False", "vh"),
    ],
)

PROCESSES = (PROVINCE_PLAN, UNIT_PLAN, QUARTERLY_REPORT, INTERNAL_REPORT, INSPECTION, AGGREGATION,
             REPORTING_ROUND, ADHOC_REPORT)


# ----------------------------------------------------------------- layout
def layout(proc):
    """Return (pool bounds, {lane: bounds}, {node: bounds}, channel y list)."""
    n_cols = max(n["col"] for n in proc["nodes"].values()) + 1
    lane_x = POOL_X + POOL_LABEL_W
    width = LANE_LABEL_W + 70 + (n_cols - 1) * COL_W + 90
    y = POOL_Y
    lanes, row_y, channels = {}, {}, []
    for i, (key, rows) in enumerate(proc["lanes"]):
        top_pad = 10 + proc["channels"] * CHANNEL_H if i == 0 and proc["channels"] else 0
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
    if isinstance(hint, tuple) and hint[0] == "bus":
        bus = sy + hint[1]
        exit_y = src[1] + src[3] if bus > sy else src[1]
        entry_y = tgt[1] if bus < ty else tgt[1] + tgt[3]
        return [(sx, exit_y), (sx, bus), (tx, bus), (tx, entry_y)]
    if hint == "vh":
        start_y = src[1] + src[3] if ty > sy else src[1]
        return [(sx, start_y), (sx, ty), (tgt[0], ty)]
    if sy == ty:
        return [(src[0] + src[2], sy), (tgt[0], ty)]
    end_y = tgt[1] if ty > sy else tgt[1] + tgt[3]
    return [(src[0] + src[2], sy), (tx, sy), (tx, end_y)]


def text_width(name):
    return max(40, 7 * len(name))


def label_for_flow(points, name, hint, opts):
    w = text_width(name)
    x0, y0 = points[0]
    if "label" in opts:
        dx, dy = opts["label"]
        return (x0 + dx, y0 + dy, w, 14)
    if hint == "vh":                   # above the final horizontal segment
        (xa, ya) = points[-2]
        return (xa + 6, ya - 20, w, 14)
    x1, y1 = points[1]
    if y0 == y1:                       # first segment horizontal: above it
        return (x0 + 6, y0 - 20, w, 14)
    if y1 < y0:                        # going up: right of the segment
        return (x0 + 6, y0 - 24, w, 14)
    return (x0 + 6, y0 + 4, w, 14)     # going down


def label_for_node(b, name, where="below"):
    w = 100 if len(name) > 10 else 70
    h = 14 * max(1, math.ceil(len(name) * 6.5 / w))
    y = b[1] - 5 - h if where == "above" else b[1] + b[3] + 5
    return (b[0] + b[2] // 2 - w // 2, y, w, h)


# -------------------------------------------------------------------- XML
def bounds(b):
    return '<dc:Bounds x="%d" y="%d" width="%d" height="%d" />' % b


def messages_of(proc):
    """Message names used by the process, in order of first use."""
    names = []
    for n in proc["nodes"].values():
        if "message" in n and n["message"] not in names:
            names.append(n["message"])
    return names


def event_definitions(nid, n):
    """XML lines of the event definition of node `n` (timer, message, terminate)."""
    out = []
    if "timer" in n:
        out += ['      <bpmn:timerEventDefinition id="%s_timer">' % nid,
                '        <bpmn:timeDate xsi:type="bpmn:tFormalExpression">%s</bpmn:timeDate>'
                % escape(n["timer"]),
                '      </bpmn:timerEventDefinition>']
    if "message" in n:
        out.append('      <bpmn:messageEventDefinition id="%s_message" messageRef="msg_%s">'
                   % (nid, n["message"]))
        ext = []
        if "payload" in n:
            ext.append('<spiffworkflow:messagePayload>%s</spiffworkflow:messagePayload>'
                       % escape(n["payload"]))
        if "variable" in n:
            ext.append('<spiffworkflow:messageVariable>%s</spiffworkflow:messageVariable>'
                       % escape(n["variable"]))
        if ext:
            out.append('        <bpmn:extensionElements>')
            out += ['          ' + e for e in ext]
            out.append('        </bpmn:extensionElements>')
        out.append('      </bpmn:messageEventDefinition>')
    if n.get("terminate"):
        out.append('      <bpmn:terminateEventDefinition id="%s_terminate" />' % nid)
    return out


def flow_parts(flow):
    fid, s, t, name, cond, hint, *rest = flow
    return fid, s, t, name, cond, hint, (rest[0] if rest else {})


def process_xml(proc):
    """The bpmn:process element of `proc`, as lines."""
    pid = proc["id"]
    incoming = {n: [] for n in proc["nodes"]}
    outgoing = {n: [] for n in proc["nodes"]}
    for fid, s, t, *_ in proc["flows"]:
        outgoing[s].append(fid)
        incoming[t].append(fid)
    out = ['  <bpmn:process id="%s" name=%s isExecutable="true">'
           % (pid, quoteattr(proc["pool_name"]))]
    out.append('    <bpmn:laneSet id="%s_lanes">' % pid)
    for key, _rows in proc["lanes"]:
        out.append('      <bpmn:lane id="lane_%s" name="%s">' % (key, key))
        out += ['        <bpmn:flowNodeRef>%s</bpmn:flowNodeRef>' % nid
                for nid, n in proc["nodes"].items() if n["lane"] == key]
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
        out += event_definitions(nid, n)
        if "script" in n:
            out.append('      <bpmn:script>%s</bpmn:script>' % escape(n["script"]))
        out.append('    </bpmn:%s>' % n["type"])

    for flow in proc["flows"]:
        fid, s, t, name, cond, _hint, _opts = flow_parts(flow)
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
    return out


def shape_xml(element, b, extra="", label=None):
    out = ['      <bpmndi:BPMNShape id="%s_di" bpmnElement="%s"%s>' % (element, element, extra),
           '        %s' % bounds(b)]
    if label:
        out.append('        <bpmndi:BPMNLabel>%s</bpmndi:BPMNLabel>' % bounds(label))
    out.append('      </bpmndi:BPMNShape>')
    return out


def diagram_xml(proc):
    """The bpmndi:BPMNDiagram of `proc` (pool, lanes, shapes, edges), as lines."""
    pid = proc["id"]
    pool, lane_b, node_b, channels = layout(proc)
    out = ['  <bpmndi:BPMNDiagram id="%s_diagram">' % pid,
           '    <bpmndi:BPMNPlane id="%s_plane" bpmnElement="%s_collaboration">' % (pid, pid)]
    out += shape_xml("%s_pool" % pid, pool, ' isHorizontal="true"')
    for key, _rows in proc["lanes"]:
        out += shape_xml("lane_%s" % key, lane_b[key], ' isHorizontal="true"')
    for nid, n in proc["nodes"].items():
        marker = ' isMarkerVisible="true"' if n["type"] == "exclusiveGateway" else ""
        label = None
        if n["name"] and (n["type"] in GATEWAYS or n["type"] in EVENTS):
            label = label_for_node(node_b[nid], n["name"], n.get("label", "below"))
        out += shape_xml(nid, node_b[nid], marker, label)
    for flow in proc["flows"]:
        fid, s, t, name, _c, hint, opts = flow_parts(flow)
        pts = route(node_b[s], node_b[t], hint, channels)
        out.append('      <bpmndi:BPMNEdge id="%s_di" bpmnElement="%s">' % (fid, fid))
        out += ['        <di:waypoint x="%d" y="%d" />' % p for p in pts]
        if name:
            out.append('        <bpmndi:BPMNLabel>%s</bpmndi:BPMNLabel>'
                       % bounds(label_for_flow(pts, name, hint, opts)))
        out.append('      </bpmndi:BPMNEdge>')
    out += ['    </bpmndi:BPMNPlane>', '  </bpmndi:BPMNDiagram>']
    return out


def build(proc):
    pid = proc["id"]
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<bpmn:definitions ' + " ".join('xmlns:%s="%s"' % kv for kv in NS.items())
           + ' id="%s_definitions" targetNamespace="http://plancascade/bpmn"'
             ' exporter="plancascade bpmn/tools/gen_bpmn.py" exporterVersion="1">' % pid]
    out += ['  <bpmn:message id="msg_%s" name="%s" />' % (m, m) for m in messages_of(proc)]
    out += ['  <bpmn:collaboration id="%s_collaboration">' % pid,
            '    <bpmn:participant id="%s_pool" name=%s processRef="%s" />'
            % (pid, quoteattr(proc["pool_name"]), pid),
            '  </bpmn:collaboration>']
    out += process_xml(proc)
    out += diagram_xml(proc)
    out += ['</bpmn:definitions>', '']
    return "\n".join(out)


def main(argv):
    target = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    for proc in PROCESSES:
        path = os.path.join(target, proc["id"] + ".bpmn")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(build(proc))
        print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main(sys.argv)
