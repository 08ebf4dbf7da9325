"""The shipped BPMN files parse, validate, carry full DI, and run on SpiffWorkflow.

Uses only SpiffWorkflow + lxml (not the project's engine), so it pins the
contract between the diagrams and the engine: process id = file stem, lane
name = role key, user tasks carry a formKey property, timers are Python
expressions on task data, scripts call only the sandbox functions (notify,
escalate, cascade, aggregate, start_inspections), messages are
definitions-level `bpmn:message` elements (id `msg_<name>`) with Spiff
`messagePayload` / `messageVariable` extensions.
"""
from __future__ import annotations

import ast
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from lxml import etree
from SpiffWorkflow.bpmn.parser import BpmnValidator
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions import timer as timer_module
from SpiffWorkflow.bpmn.specs.event_definitions.message import (
    MessageEventDefinition as BaseMessageEventDefinition,
)
from SpiffWorkflow.bpmn.specs.event_definitions.simple import TerminateEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.specs.defaults import ScriptTask, UserTask
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"
PROCESS_IDS = ["province_plan", "unit_plan", "quarterly_report", "internal_report",
               "inspection", "aggregation", "reporting_round"]
ROLES = {"unit_staff", "unit_leader", "dost_staff", "dost_leader",
         "province_leader", "inspector", "admin"}
SANDBOX_FUNCTIONS = {"notify", "escalate", "cascade", "aggregate", "start_inspections",
                     "open_rounds"}
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
FLOW_NODE_TAGS = {
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent",
    "boundaryEvent", "task", "userTask", "scriptTask", "serviceTask", "manualTask",
    "sendTask", "receiveTask", "businessRuleTask", "callActivity", "subProcess",
    "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
}

# --- the contract, process by process ------------------------------------------
EXPECTED_USER_TASKS = {
    "unit_plan": {
        "adapt_plan": ("unit_staff", "unit_plan_adapt"),
        "leader_approve": ("unit_leader", "unit_plan_approve"),
        "dost_review": ("dost_staff", "unit_plan_review"),
    },
    "quarterly_report": {
        "fill_report": ("unit_staff", "quarterly_report_fill"),
        "leader_approve": ("unit_leader", "quarterly_report_approve"),
        "dost_review": ("dost_staff", "quarterly_report_review"),
    },
    "internal_report": {
        "fill_internal": ("unit_staff", "internal_report_fill"),
    },
    "inspection": {
        "record_findings": ("inspector", "inspection_findings"),
        "sign_conclusion": ("dost_leader", "inspection_conclusion"),
        "report_remediation": ("unit_staff", "inspection_remediation"),
    },
    "aggregation": {
        "review_report": ("dost_staff", "aggregation_review"),
        "approve_report": ("dost_leader", "aggregation_approve"),
    },
    "reporting_round": {},
    "province_plan": {
        "draft_plan": ("dost_staff", "province_plan_draft"),
        "approve_plan": ("dost_leader", "province_plan_approve"),
        "select_inspections": ("dost_leader", "inspection_select"),
    },
}
REMINDER_SCRIPTS = {
    "remind_before": 'notify(["unit_staff", "unit_leader"], "reminder_before")',
    "remind_due": 'notify(["unit_leader"], "due")',
    "escalate_late": 'escalate("province_leader")',
}
REMINDER_TIMERS = {"wait_reminder": "reminder_at", "wait_due": "due_at",
                   "wait_grace": "escalate_at"}
EXPECTED_SCRIPTS = {
    "unit_plan": REMINDER_SCRIPTS,
    "quarterly_report": REMINDER_SCRIPTS,
    "internal_report": {
        "remind_before": 'notify(["unit_staff"], "reminder_before")',
        "remind_due": 'notify(["unit_leader"], "due")',
        "escalate_late": 'escalate("parent_leader")',
    },
    "inspection": {
        "remind_remediation": 'notify(["unit_staff", "unit_leader"], "due")',
        "escalate_remediation": 'escalate("province_leader")',
    },
    "aggregation": {},
    "province_plan": {
        "cascade_units": 'cascade("unit_plan")',
        "notify_all_accepted": 'notify(["dost_leader"], "all_accepted")',
        "start_inspection_round": "start_inspections()",
        "aggregate_year": 'aggregate("year")',
        "open_rounds": "open_rounds()",
    },
    "reporting_round": {
        "open_round": "cascade(report_process, round)",
        "aggregate_round": "aggregate(round)",
    },
}
EXPECTED_TIMERS = {
    "unit_plan": REMINDER_TIMERS,
    "quarterly_report": REMINDER_TIMERS,
    "internal_report": REMINDER_TIMERS,
    "inspection": {"wait_remediation_due": "remediation_due_at",
                   "wait_remediation_grace": "remediation_escalate_at"},
    "aggregation": {},
    "province_plan": {
        "wait_inspection_open": "inspection_open_at", "wait_year_end": "year_end_at",
    },
    "reporting_round": {"wait_round_open": "open_at", "wait_round_close": "close_at"},
}
# node -> (message name, payload expression of a throw, variable of a catch)
WITHDRAWAL = {"wait_withdrawal": ("plan_withdrawn", None, "withdrawal")}
EXPECTED_MESSAGES = {
    "unit_plan": {
        "notify_accepted": ("unit_plan_accepted", '{"unit_id": unit_id, "plan_id": plan_id}',
                            None),
        **WITHDRAWAL,
    },
    "quarterly_report": {
        "notify_accepted": ("quarterly_report_accepted",
                            '{"unit_id": unit_id, "plan_id": plan_id, "round": round}', None),
        **WITHDRAWAL,
    },
    "internal_report": {},
    "inspection": {},
    "aggregation": {},
    "province_plan": {"wait_all_accepted": ("all_unit_plans_accepted", None, "acceptance")},
    "reporting_round": {},
}
EXPECTED_TERMINATE_ENDS = {
    "unit_plan": {"plan_accepted", "plan_withdrawn_end"},
    "quarterly_report": {"report_accepted", "plan_withdrawn_end"},
    "internal_report": {"internal_done"},
    "inspection": {"remediation_done"},
    "aggregation": set(),
    "province_plan": {"year_closed"},
    "reporting_round": set(),
}
ICT = timezone(timedelta(hours=7))
BIG = 10**9   # max_depth for get_tasks, see SPIFFWORKFLOW_NOTES.md


# ------------------------------------------------------------------ helpers
def bpmn_path(pid: str) -> Path:
    return BPMN_DIR / f"{pid}.bpmn"


def load_spec(pid: str, validate: bool = True):
    parser = SpiffBpmnParser(validator=BpmnValidator()) if validate else SpiffBpmnParser()
    parser.add_bpmn_str(bpmn_path(pid).read_bytes(), filename=f"{pid}.bpmn")
    return parser.get_spec(pid)


def xml_root(pid: str):
    return etree.parse(str(bpmn_path(pid))).getroot()


def bounds_of(shape):
    b = shape.find("dc:Bounds", NS)
    return tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))


def overlap(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


class Recorder:
    """Stub sandbox functions; records every call in order."""

    def __init__(self):
        self.calls = []

    def _cascade(self, pid, round_key=None):
        self.calls.append(("cascade", pid) if round_key is None else ("cascade", pid, round_key))

    def env(self):
        return {
            "notify": lambda roles, kind: self.calls.append(("notify", list(roles), kind)),
            "escalate": lambda role: self.calls.append(("escalate", role)),
            "cascade": self._cascade,
            "aggregate": lambda round_key: self.calls.append(("aggregate", round_key)),
            "start_inspections": lambda: self.calls.append(("start_inspections",)),
            "open_rounds": lambda: self.calls.append(("open_rounds",)),
        }


def start_workflow(pid: str, data: dict, recorder: Recorder) -> BpmnWorkflow:
    engine = PythonScriptEngine(environment=TaskDataEnvironment(recorder.env()))
    wf = BpmnWorkflow(load_spec(pid), script_engine=engine)
    start = wf.get_next_task(state=TaskState.READY, max_depth=BIG)
    start.data.update(data)
    settle(wf)
    return wf


def settle(wf: BpmnWorkflow) -> None:
    """Run engine steps until no automatic task is ready.

    A timer whose date has already passed fires as soon as the token reaches
    it (one do_engine_steps() runs all of branch B when every date is past);
    timers that fall due later are only noticed by refresh_timers(), which
    do_engine_steps() calls at its end.  The loop is a guard, not a need.
    """
    for _ in range(50):
        wf.do_engine_steps()
        if not wf.get_tasks(state=TaskState.READY, manual=False, max_depth=BIG):
            return
    raise AssertionError("engine did not settle")


def ready_user_tasks(wf):
    return wf.get_tasks(state=TaskState.READY, manual=True, max_depth=BIG)


def complete(wf, spec_name: str, **data):
    ready = ready_user_tasks(wf)
    assert [t.task_spec.name for t in ready] == [spec_name], \
        f"expected only {spec_name} ready, got {[t.task_spec.name for t in ready]}"
    task = ready[0]
    task.data.update(data)
    task.run()
    settle(wf)


def states(wf, spec_name: str) -> list[str]:
    return [TaskState.get_name(t.state) for t in wf.get_tasks(spec_name=spec_name, max_depth=BIG)]


def message(name: str, payload: dict) -> BpmnEvent:
    """An event as the application delivers it: the *Spiff* MessageEventDefinition."""
    return BpmnEvent(MessageEventDefinition(name), payload)


def thrown_messages(wf) -> list[BpmnEvent]:
    """Drain wf.get_events() and keep the messages.

    A terminate end event also lands in get_events() (a TerminateEventDefinition
    event targeted at the finished workflow, payload None): a router must skip it.
    """
    events = wf.get_events()
    others = [e for e in events if not isinstance(e.event_definition, MessageEventDefinition)]
    assert all(isinstance(e.event_definition, TerminateEventDefinition) for e in others)
    return [e for e in events if isinstance(e.event_definition, MessageEventDefinition)]


def iso(dt: datetime) -> str:
    return dt.astimezone(ICT).isoformat()


def unit_data(offset: timedelta, **extra) -> dict:
    now = datetime.now(ICT)
    return {
        "plan_id": 1, "unit_id": 7, "due_date": (now + offset).date().isoformat(),
        "reminder_at": iso(now + offset - timedelta(days=3)),
        "due_at": iso(now + offset),
        "escalate_at": iso(now + offset + timedelta(days=5)),
        **extra,
    }


def unit_plan_data(offset: timedelta) -> dict:
    return unit_data(offset)


def report_data(offset: timedelta) -> dict:
    return unit_data(offset, round="q2")


PAST, FUTURE = -timedelta(days=10), timedelta(days=30)
REMINDER_CALLS = [
    ("notify", ["unit_staff", "unit_leader"], "reminder_before"),
    ("notify", ["unit_leader"], "due"),
    ("escalate", "province_leader"),
]
# unit_plan and quarterly_report have the same shape: (pid, work task, data, payload)
REPORTING = [
    ("unit_plan", "adapt_plan", unit_plan_data, {"unit_id": 7, "plan_id": 1}),
    ("quarterly_report", "fill_report", report_data, {"unit_id": 7, "plan_id": 1, "round": "q2"}),
]


class FakeDatetime(datetime):
    """Replaces `datetime` in SpiffWorkflow's timer module: now() reads `current`."""

    current = datetime(2026, 1, 1, tzinfo=ICT)

    @classmethod
    def now(cls, tz=None):
        return cls.current.astimezone(tz) if tz else cls.current.replace(tzinfo=None)


@pytest.fixture
def clock(monkeypatch):
    """Simulated time for timers: set `clock.current = datetime(...)` to move it."""
    monkeypatch.setattr(timer_module, "datetime", FakeDatetime)
    FakeDatetime.current = datetime(2026, 1, 1, tzinfo=ICT)
    return FakeDatetime


# ------------------------------------------------------------------ parsing
@pytest.mark.parametrize("pid", PROCESS_IDS)
def test_file_validates_against_xsd_and_parses(pid):
    spec = load_spec(pid, validate=True)
    assert spec.name == pid
    # the plain Spiff parser (no validator) gives the same task specs
    assert set(load_spec(pid, validate=False).task_specs) == set(spec.task_specs)


@pytest.mark.parametrize("pid", PROCESS_IDS)
def test_one_executable_process_named_after_the_file(pid):
    root = xml_root(pid)
    processes = root.findall("bpmn:process", NS)
    assert [p.get("id") for p in processes] == [pid]
    assert processes[0].get("isExecutable") == "true"
    participants = root.findall("bpmn:collaboration/bpmn:participant", NS)
    assert [p.get("processRef") for p in participants] == [pid]


@pytest.mark.parametrize("pid", PROCESS_IDS)
def test_user_tasks_have_role_lane_and_form_key(pid):
    spec = load_spec(pid)
    user_tasks = {n: s for n, s in spec.task_specs.items() if isinstance(s, UserTask)}
    assert set(user_tasks) == set(EXPECTED_USER_TASKS[pid])
    for name, ts in user_tasks.items():
        assert ts.lane in ROLES, name
        form_key = ts.extensions["properties"]["formKey"]
        assert (ts.lane, form_key) == EXPECTED_USER_TASKS[pid][name]
        assert ts.bpmn_name, name


@pytest.mark.parametrize("pid", PROCESS_IDS)
def test_every_flow_node_in_exactly_one_role_lane(pid):
    process = xml_root(pid).find("bpmn:process", NS)
    lanes = process.findall("bpmn:laneSet/bpmn:lane", NS)
    assert lanes and all(lane.get("name") in ROLES for lane in lanes)
    refs = [r.text.strip() for lane in lanes for r in lane.findall("bpmn:flowNodeRef", NS)]
    nodes = [el.get("id") for el in process if etree.QName(el).localname in FLOW_NODE_TAGS]
    assert sorted(refs) == sorted(nodes)          # each node once, nothing else
    # and the parsed spec agrees (lane = role key on every BPMN task spec)
    spec = load_spec(pid)
    for node in nodes:
        assert spec.task_specs[node].lane in ROLES, node


@pytest.mark.parametrize("pid", PROCESS_IDS)
def test_diagram_interchange_is_complete(pid):
    root = xml_root(pid)
    process = root.find("bpmn:process", NS)
    plane = root.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    collab = root.find("bpmn:collaboration", NS)
    assert plane.get("bpmnElement") == collab.get("id")
    shapes = {s.get("bpmnElement"): s for s in plane.findall("bpmndi:BPMNShape", NS)}
    edges = {e.get("bpmnElement"): e for e in plane.findall("bpmndi:BPMNEdge", NS)}

    participant = collab.find("bpmn:participant", NS)
    assert participant.get("id") in shapes
    pool = bounds_of(shapes[participant.get("id")])

    lane_bounds = {}
    for lane in process.findall("bpmn:laneSet/bpmn:lane", NS):
        shape = shapes.get(lane.get("id"))
        assert shape is not None, f"lane {lane.get('id')} has no DI shape"
        assert shape.get("isHorizontal") == "true"
        lane_bounds[lane.get("id")] = bounds_of(shape)
    # lanes are stacked bands filling the pool (minus its label band)
    bands = sorted(lane_bounds.values(), key=lambda b: b[1])
    assert bands[0][1] == pool[1]
    assert bands[-1][1] + bands[-1][3] == pool[1] + pool[3]
    for upper, lower in zip(bands, bands[1:], strict=False):
        assert upper[1] + upper[3] == lower[1]
        assert (upper[0], upper[2]) == (lower[0], lower[2])

    node_lane = {r.text.strip(): lane.get("id")
                 for lane in process.findall("bpmn:laneSet/bpmn:lane", NS)
                 for r in lane.findall("bpmn:flowNodeRef", NS)}
    node_bounds = {}
    for el in process:
        if etree.QName(el).localname not in FLOW_NODE_TAGS:
            continue
        nid = el.get("id")
        assert nid in shapes, f"flow node {nid} has no DI shape"
        x, y, w, h = node_bounds[nid] = bounds_of(shapes[nid])
        lx, ly, lw, lh = lane_bounds[node_lane[nid]]
        assert lx <= x and x + w <= lx + lw and ly <= y and y + h <= ly + lh, \
            f"{nid} is drawn outside its lane {node_lane[nid]}"
    # no two flow nodes drawn on top of each other
    ids = sorted(node_bounds)
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            assert not overlap(node_bounds[a], node_bounds[b]), f"{a} overlaps {b}"

    px, py, pw, ph = pool
    for flow in process.findall("bpmn:sequenceFlow", NS):
        edge = edges.get(flow.get("id"))
        assert edge is not None, f"sequence flow {flow.get('id')} has no DI edge"
        points = [(float(p.get("x")), float(p.get("y"))) for p in edge.findall("di:waypoint", NS)]
        assert len(points) >= 2
        assert all(px <= x <= px + pw and py <= y <= py + ph for x, y in points), flow.get("id")
        for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
            assert x0 == x1 or y0 == y1, f"{flow.get('id')} has a diagonal segment"


@pytest.mark.parametrize("pid", PROCESS_IDS)
def test_gateways_and_their_flows_are_named(pid):
    process = xml_root(pid).find("bpmn:process", NS)
    gateways = {g.get("id"): g for g in process.findall("bpmn:exclusiveGateway", NS)
                + process.findall("bpmn:parallelGateway", NS)}
    for flow in process.findall("bpmn:sequenceFlow", NS):
        if flow.get("sourceRef") in gateways:
            assert flow.get("name"), flow.get("id")
    for gw in process.findall("bpmn:exclusiveGateway", NS):
        if len(gw.findall("bpmn:outgoing", NS)) > 1:   # a decision, not a merge
            assert gw.get("name", "").endswith("?"), gw.get("id")


@pytest.mark.parametrize("pid", PROCESS_IDS)
def test_script_and_timer_specs(pid):
    spec = load_spec(pid)
    scripts = {n: s.script for n, s in spec.task_specs.items() if isinstance(s, ScriptTask)}
    assert scripts == EXPECTED_SCRIPTS[pid]
    timers = {n: s.event_definition.expression for n, s in spec.task_specs.items()
              if isinstance(getattr(s, "event_definition", None), TimerEventDefinition)}
    assert timers == EXPECTED_TIMERS[pid]


@pytest.mark.parametrize("pid", PROCESS_IDS)
def test_scripts_and_expressions_stay_inside_the_sandbox(pid):
    """Scripts call only sandbox functions; no name or attribute starts with '_'."""
    root = xml_root(pid)
    sources = [(el.text, "exec") for el in root.iterfind(".//bpmn:script", NS)]
    sources += [(el.text, "eval") for tag in ("conditionExpression", "timeDate")
                for el in root.iterfind(f".//bpmn:{tag}", NS)]
    sources += [(el.text, "eval") for el in root.iterfind(".//spiffworkflow:messagePayload", NS)]
    for text, mode in sources:
        tree = ast.parse(text.strip(), mode=mode)
        for node in ast.walk(tree):
            assert not isinstance(node, (ast.Import, ast.ImportFrom, ast.Attribute)), text
            if isinstance(node, ast.Name):
                assert not node.id.startswith("_"), text
            if isinstance(node, ast.Call):
                assert isinstance(node.func, ast.Name) and node.func.id in SANDBOX_FUNCTIONS, text


@pytest.mark.parametrize("pid", PROCESS_IDS)
def test_terminate_ends(pid):
    root = xml_root(pid)
    terminating = {el.getparent().get("id")
                   for el in root.iterfind(".//bpmn:terminateEventDefinition", NS)}
    assert terminating == EXPECTED_TERMINATE_ENDS[pid]


@pytest.mark.parametrize("pid", PROCESS_IDS)
def test_message_events_use_definitions_level_messages(pid):
    root = xml_root(pid)
    messages = {m.get("id"): m.get("name") for m in root.findall("bpmn:message", NS)}
    assert all(mid == f"msg_{name}" for mid, name in messages.items())
    found = {}
    for definition in root.iterfind(".//bpmn:messageEventDefinition", NS):
        event = definition.getparent()
        assert definition.get("messageRef") in messages, event.get("id")
        payload = definition.find("bpmn:extensionElements/spiffworkflow:messagePayload", NS)
        variable = definition.find("bpmn:extensionElements/spiffworkflow:messageVariable", NS)
        kind = etree.QName(event).localname
        assert kind == ("intermediateThrowEvent" if payload is not None
                        else "intermediateCatchEvent"), event.get("id")
        found[event.get("id")] = (messages[definition.get("messageRef")],
                                  None if payload is None else payload.text,
                                  None if variable is None else variable.text)
    assert found == EXPECTED_MESSAGES[pid]
    assert set(messages.values()) == {m for m, _p, _v in found.values()}

    # and that is what the Spiff parser makes of them
    spec = load_spec(pid)
    for node, (name, payload, variable) in EXPECTED_MESSAGES[pid].items():
        definition = spec.task_specs[node].event_definition
        assert type(definition) is MessageEventDefinition
        assert (definition.name, definition.expression, definition.message_var) == \
            (name, payload, variable)
        assert definition.correlation_properties == []   # routing is the application's


# ------------------------------------------------------------------ unit_plan
def test_unit_plan_reminders_fire_in_order_and_terminate_ends_it():
    rec = Recorder()
    wf = start_workflow("unit_plan", unit_plan_data(PAST), rec)

    # all three timers were already due: branch B ran to its end
    assert rec.calls == REMINDER_CALLS
    assert states(wf, "reminders_done") == ["COMPLETED"]
    assert not wf.is_completed()          # branch A still waits for people

    complete(wf, "adapt_plan", content="v1")
    assert ready_user_tasks(wf)[0].task_spec.lane == "unit_leader"
    complete(wf, "leader_approve", decision="approve")
    complete(wf, "dost_review", decision="return", comment="thiếu chỉ tiêu")
    complete(wf, "adapt_plan", content="v2")
    complete(wf, "leader_approve", decision="approve")
    assert not wf.is_completed()
    assert wf.get_events() == []          # nothing thrown before acceptance
    complete(wf, "dost_review", decision="accept")

    assert wf.is_completed()
    assert states(wf, "notify_accepted") == ["COMPLETED"]
    assert states(wf, "plan_accepted") == ["COMPLETED"]
    assert states(wf, "wait_withdrawal") == ["CANCELLED"]
    assert wf.data["content"] == "v2" and wf.data["decision"] == "accept"
    assert len(rec.calls) == 3            # nothing fired twice


def test_unit_plan_leader_return_loops_back_to_adapt():
    rec = Recorder()
    wf = start_workflow("unit_plan", unit_plan_data(FUTURE), rec)
    complete(wf, "adapt_plan")
    complete(wf, "leader_approve", decision="return")
    complete(wf, "adapt_plan")
    complete(wf, "leader_approve", decision="approve")
    assert [t.task_spec.name for t in ready_user_tasks(wf)] == ["dost_review"]


def test_unit_plan_terminate_cancels_pending_reminder_timer():
    rec = Recorder()
    wf = start_workflow("unit_plan", unit_plan_data(FUTURE), rec)
    assert states(wf, "wait_reminder") == ["WAITING"]
    assert states(wf, "wait_withdrawal") == ["WAITING"]
    pending = sorted((e.event_type, e.name) for e in wf.waiting_events())
    assert pending == [("MessageEventDefinition", "plan_withdrawn"),
                       ("TimeDateEventDefinition", "Trước hạn")]

    complete(wf, "adapt_plan")
    complete(wf, "leader_approve", decision="approve")
    complete(wf, "dost_review", decision="accept")

    assert wf.is_completed()
    assert rec.calls == []
    assert states(wf, "wait_reminder") == ["CANCELLED"]
    assert states(wf, "wait_withdrawal") == ["CANCELLED"]
    assert wf.waiting_events() == []
    for name in ("remind_before", "wait_due", "remind_due", "wait_grace",
                 "escalate_late", "reminders_done", "plan_withdrawn_end"):
        assert all(s == "CANCELLED" for s in states(wf, name)), name


# --------------------------------------------- unit_plan and quarterly_report
@pytest.mark.parametrize("pid,work,data,payload", REPORTING)
def test_acceptance_throws_one_message_with_the_payload(pid, work, data, payload):
    wf = start_workflow(pid, data(FUTURE), Recorder())
    complete(wf, work)
    complete(wf, "leader_approve", decision="approve")
    complete(wf, "dost_review", decision="accept")
    assert wf.is_completed()

    events = thrown_messages(wf)
    assert len(events) == 1
    event = events[0]
    assert type(event.event_definition) is MessageEventDefinition
    assert event.event_definition.name == f"{pid}_accepted"
    assert event.payload == payload
    assert event.correlations == {}
    assert wf.get_events() == []          # get_events() drains the list
    # terminate's own event rides along in get_events() (see thrown_messages)
    wf2 = start_workflow(pid, data(FUTURE), Recorder())
    complete(wf2, work)
    complete(wf2, "leader_approve", decision="approve")
    complete(wf2, "dost_review", decision="accept")
    kinds = sorted(type(e.event_definition).__name__ for e in wf2.get_events())
    assert kinds == ["MessageEventDefinition", "TerminateEventDefinition"]


@pytest.mark.parametrize("pid,work,data,_payload", REPORTING)
def test_plan_withdrawn_message_terminates_a_running_instance(pid, work, data, _payload):
    rec = Recorder()
    wf = start_workflow(pid, data(FUTURE), rec)
    complete(wf, work, content="bản nháp")
    assert [t.task_spec.name for t in ready_user_tasks(wf)] == ["leader_approve"]

    withdrawal = {"plan_id": 1, "reason": "Kế hoạch tỉnh bị thu hồi"}
    wf.catch(message("plan_withdrawn", withdrawal))
    settle(wf)

    assert wf.is_completed()
    assert states(wf, "wait_withdrawal") == ["COMPLETED"]
    assert states(wf, "plan_withdrawn_end") == ["COMPLETED"]
    assert states(wf, "leader_approve") == ["CANCELLED"]
    assert states(wf, "wait_reminder") == ["CANCELLED"]
    assert ready_user_tasks(wf) == []
    assert wf.waiting_events() == []
    assert thrown_messages(wf) == []      # consumed, not echoed back out
    assert rec.calls == []
    # the terminate end's branch data becomes the workflow data: the payload is
    # there, the unit's draft (branch A) is not
    assert wf.data["withdrawal"] == withdrawal
    assert "content" not in wf.data


def test_message_delivery_semantics_of_the_library():
    """Pins SpiffWorkflow 3.2 behaviour the application's message router relies on."""
    wf = start_workflow("unit_plan", unit_plan_data(FUTURE), Recorder())
    # send_event() refuses a message nobody waits for ...
    with pytest.raises(WorkflowException):
        wf.send_event(message("no_such_message", {}))
    # ... while catch() silently re-emits it through get_events()
    wf.catch(message("no_such_message", {"x": 1}))
    echoed = wf.get_events()
    assert [(e.event_definition.name, e.payload) for e in echoed] == [("no_such_message", {"x": 1})]
    # the *base* MessageEventDefinition never matches a Spiff catch event (class identity)
    base = BpmnEvent(BaseMessageEventDefinition("plan_withdrawn"), {})
    assert wf.event_manager.catch(base, internal=False) == 0
    assert states(wf, "wait_withdrawal") == ["WAITING"]
    # the Spiff one does
    wf.send_event(message("plan_withdrawn", {}))
    settle(wf)
    assert wf.is_completed()


# ---------------------------------------------------------- quarterly_report
def test_quarterly_report_every_branch():
    rec = Recorder()
    wf = start_workflow("quarterly_report", report_data(PAST), rec)
    assert rec.calls == REMINDER_CALLS
    assert states(wf, "reminders_done") == ["COMPLETED"]

    complete(wf, "fill_report", actuals={"kpi_1": 80})
    complete(wf, "leader_approve", decision="return")
    complete(wf, "fill_report", actuals={"kpi_1": 82})
    complete(wf, "leader_approve", decision="approve")
    complete(wf, "dost_review", decision="return", comment="bổ sung minh chứng")
    complete(wf, "fill_report", actuals={"kpi_1": 85})
    complete(wf, "leader_approve", decision="approve")
    assert wf.get_events() == []
    complete(wf, "dost_review", decision="accept")

    assert wf.is_completed()
    assert states(wf, "report_accepted") == ["COMPLETED"]
    assert states(wf, "wait_withdrawal") == ["CANCELLED"]
    assert [e.payload for e in thrown_messages(wf)] == \
        [{"unit_id": 7, "plan_id": 1, "round": "q2"}]
    assert wf.data["actuals"] == {"kpi_1": 85}
    assert len(rec.calls) == 3


def test_quarterly_report_reminders_follow_the_clock(clock):
    rec = Recorder()
    due = datetime(2026, 6, 5, 23, 59, 59, tzinfo=ICT)
    data = {"plan_id": 1, "unit_id": 7, "round": "q2", "due_date": "2026-06-05",
            "reminder_at": iso(due - timedelta(days=3)), "due_at": iso(due),
            "escalate_at": iso(due + timedelta(days=5))}
    clock.current = datetime(2026, 5, 20, tzinfo=ICT)
    wf = start_workflow("quarterly_report", data, rec)
    assert rec.calls == []
    for moment, calls in [(due - timedelta(days=2), 1), (due + timedelta(minutes=1), 2),
                          (due + timedelta(days=4), 2), (due + timedelta(days=6), 3)]:
        clock.current = moment
        settle(wf)
        assert rec.calls == REMINDER_CALLS[:calls], moment
    complete(wf, "fill_report")           # late, still possible
    assert not wf.is_completed()


# ----------------------------------------------------------- internal_report
def internal_data(offset: timedelta) -> dict:
    return unit_data(offset, round="q1")


def test_internal_report_late_reminds_and_escalates_to_the_parent():
    rec = Recorder()
    wf = start_workflow("internal_report", internal_data(PAST), rec)
    assert rec.calls == [
        ("notify", ["unit_staff"], "reminder_before"),
        ("notify", ["unit_leader"], "due"),
        ("escalate", "parent_leader"),
    ]
    assert states(wf, "reminders_done") == ["COMPLETED"]
    assert wf.get_tasks(spec_name="escalate_late", max_depth=BIG)[0].task_spec.lane \
        == "unit_leader"
    complete(wf, "fill_internal", summary="Đã thực hiện")
    assert wf.is_completed()
    assert states(wf, "internal_done") == ["COMPLETED"]


def test_internal_report_on_time_cancels_the_reminders():
    rec = Recorder()
    wf = start_workflow("internal_report", internal_data(FUTURE), rec)
    assert states(wf, "wait_reminder") == ["WAITING"]
    complete(wf, "fill_internal")
    assert wf.is_completed()
    assert rec.calls == []
    assert states(wf, "wait_reminder") == ["CANCELLED"]
    assert wf.waiting_events() == []


# ---------------------------------------------------------------- inspection
def inspection_data() -> dict:
    return {"plan_id": 1, "unit_id": 7, "due_date": "2026-11-30"}


def remediation(offset: timedelta) -> dict:
    now = datetime.now(ICT)
    return {"remediation_required": True,
            "remediation_due_at": iso(now + offset),
            "remediation_escalate_at": iso(now + offset + timedelta(days=5))}


def test_inspection_without_remediation_ends_after_the_conclusion():
    rec = Recorder()
    wf = start_workflow("inspection", inspection_data(), rec)
    assert ready_user_tasks(wf)[0].task_spec.lane == "inspector"
    complete(wf, "record_findings", findings="Đạt")
    assert ready_user_tasks(wf)[0].task_spec.lane == "dost_leader"
    complete(wf, "sign_conclusion", remediation_required=False)
    assert wf.is_completed()
    assert states(wf, "no_remediation") == ["COMPLETED"]
    assert states(wf, "split_remediation") == []        # never reached, never predicted
    assert rec.calls == []


def test_inspection_late_remediation_is_reminded_and_escalated():
    rec = Recorder()
    wf = start_workflow("inspection", inspection_data(), rec)
    complete(wf, "record_findings")
    complete(wf, "sign_conclusion", **remediation(PAST))
    assert rec.calls == [("notify", ["unit_staff", "unit_leader"], "due"),
                         ("escalate", "province_leader")]
    assert states(wf, "remediation_reminders_done") == ["COMPLETED"]
    assert not wf.is_completed()
    assert ready_user_tasks(wf)[0].task_spec.lane == "unit_staff"
    complete(wf, "report_remediation", report="Đã khắc phục")
    assert wf.is_completed()
    assert states(wf, "remediation_done") == ["COMPLETED"]


def test_inspection_remediation_on_time_cancels_the_timers():
    rec = Recorder()
    wf = start_workflow("inspection", inspection_data(), rec)
    complete(wf, "record_findings")
    complete(wf, "sign_conclusion", **remediation(FUTURE))
    assert states(wf, "wait_remediation_due") == ["WAITING"]
    complete(wf, "report_remediation")
    assert wf.is_completed()
    assert rec.calls == []
    assert states(wf, "wait_remediation_due") == ["CANCELLED"]
    assert wf.waiting_events() == []


# --------------------------------------------------------------- aggregation
def test_aggregation_return_then_approve():
    rec = Recorder()
    wf = start_workflow("aggregation", {"plan_id": 1, "round": "q1"}, rec)
    complete(wf, "review_report", note="v1")
    complete(wf, "approve_report", decision="return")
    complete(wf, "review_report", note="v2")
    assert not wf.is_completed()
    complete(wf, "approve_report", decision="approve")
    assert wf.is_completed()
    assert states(wf, "report_approved") == ["COMPLETED"]
    assert wf.data["note"] == "v2"
    assert rec.calls == []


# ------------------------------------------------------------- province_plan
YEAR = {
    "inspection_open_at": "2026-10-01T08:00:00+07:00",
    "year_end_at": "2026-12-31T17:00:00+07:00",
}
YEAR_CALLS = [("cascade", "unit_plan"), ("open_rounds",), ("aggregate", "year")]


def province_plan_data() -> dict:
    return {"plan_id": 1, **YEAR}


def issued_province_plan(rec: Recorder) -> BpmnWorkflow:
    wf = start_workflow("province_plan", province_plan_data(), rec)
    complete(wf, "draft_plan", title="Kế hoạch 2026")
    complete(wf, "approve_plan", decision="approve")
    return wf


def test_province_plan_return_then_approve_cascades_once(clock):
    rec = Recorder()
    wf = start_workflow("province_plan", province_plan_data(), rec)
    complete(wf, "draft_plan", title="Kế hoạch 2025")
    complete(wf, "approve_plan", decision="return")
    assert rec.calls == []
    complete(wf, "draft_plan")
    complete(wf, "approve_plan", decision="approve")
    assert rec.calls == [("cascade", "unit_plan"), ("open_rounds",)]
    assert not wf.is_completed()          # the year has just begun
    assert ready_user_tasks(wf) == []
    pending = sorted((e.event_type, e.name) for e in wf.waiting_events())
    assert pending == [("MessageEventDefinition", "all_unit_plans_accepted"),
                       ("TimeDateEventDefinition", "Cuối năm"),
                       ("TimeDateEventDefinition", "Đến đợt kiểm tra")]


def test_province_plan_year_chain_follows_the_clock(clock):
    rec = Recorder()
    wf = issued_province_plan(rec)
    assert rec.calls == YEAR_CALLS[:2]  # the report rounds are opened as instances of their own
    clock.current = datetime.fromisoformat("2026-12-31T16:59:00+07:00")
    settle(wf)
    assert rec.calls == YEAR_CALLS[:2]
    # the inspection round opened on 01/10 and still waits for the leader
    assert [t.task_spec.name for t in ready_user_tasks(wf)] == ["select_inspections"]
    assert not wf.is_completed()

    clock.current = datetime.fromisoformat("2026-12-31T17:00:01+07:00")
    settle(wf)
    assert rec.calls == YEAR_CALLS
    # terminate: the year is closed and every other branch is cancelled
    assert wf.is_completed()
    assert states(wf, "year_closed") == ["COMPLETED"]
    assert states(wf, "select_inspections") == ["CANCELLED"]
    assert "WAITING" not in states(wf, "wait_all_accepted")
    assert wf.waiting_events() == []


def test_a_reporting_round_opens_cascades_and_closes_on_its_dates(clock):
    rec = Recorder()
    data = {"plan_id": 1, "round": "h1", "report_process": "quarterly_report",
            "province_summary": True,
            "open_at": "2026-05-22T08:00:00+07:00", "close_at": "2026-06-13T08:00:00+07:00"}
    wf = start_workflow("reporting_round", data, rec)
    assert rec.calls == []
    for moment, calls in (
        ("2026-05-22T07:59:00+07:00", []),
        ("2026-05-22T08:00:01+07:00", [("cascade", "quarterly_report", "h1")]),
        ("2026-06-13T08:00:01+07:00", [("cascade", "quarterly_report", "h1"),
                                       ("aggregate", "h1")]),
    ):
        clock.current = datetime.fromisoformat(moment)
        settle(wf)
        assert rec.calls == calls, moment
    assert wf.is_completed()


def test_a_round_of_internal_departments_closes_without_a_province_report(clock):
    rec = Recorder()
    data = {"plan_id": 1, "round": "im5", "report_process": "internal_report",
            "province_summary": False,
            "open_at": "2026-05-18T08:00:00+07:00", "close_at": "2026-06-02T08:00:00+07:00"}
    wf = start_workflow("reporting_round", data, rec)
    clock.current = datetime.fromisoformat("2026-06-02T08:00:01+07:00")
    settle(wf)
    assert rec.calls == [("cascade", "internal_report", "im5")]
    assert wf.is_completed() and states(wf, "internal_round_closed") == ["COMPLETED"]


def test_province_plan_with_every_date_past_runs_the_year_at_once(clock):
    clock.current = datetime(2027, 1, 15, tzinfo=ICT)
    rec = Recorder()
    wf = issued_province_plan(rec)
    assert rec.calls == YEAR_CALLS
    assert wf.is_completed()
    assert states(wf, "year_closed") == ["COMPLETED"]


def test_province_plan_inspection_round(clock):
    rec = Recorder()
    wf = issued_province_plan(rec)
    clock.current = datetime(2026, 10, 2, tzinfo=ICT)
    settle(wf)
    assert [(t.task_spec.name, t.task_spec.lane) for t in ready_user_tasks(wf)] == \
        [("select_inspections", "dost_leader")]
    complete(wf, "select_inspections", unit_ids=[7, 9])
    assert rec.calls[-1] == ("start_inspections",)
    assert rec.calls.count(("start_inspections",)) == 1
    assert states(wf, "inspections_started") == ["COMPLETED"]
    assert not wf.is_completed()          # the year chain goes on


def test_province_plan_is_told_once_when_every_unit_plan_is_accepted(clock):
    rec = Recorder()
    wf = issued_province_plan(rec)
    tasks_before = len(wf.tasks)
    wf.send_event(message("all_unit_plans_accepted", {"accepted": 90, "plan_id": 1}))
    settle(wf)
    assert states(wf, "acceptance_done") == ["COMPLETED"]
    assert rec.calls[-1] == ("notify", ["dost_leader"], "all_accepted")
    assert len(wf.tasks) - tasks_before <= 3          # one message, not one per unit
    assert not wf.is_completed()                      # the year chain goes on
    with pytest.raises(WorkflowException):            # nobody waits for a second one
        wf.send_event(message("all_unit_plans_accepted", {"accepted": 90, "plan_id": 1}))
