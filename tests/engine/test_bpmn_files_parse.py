"""The shipped BPMN files parse, validate, carry full DI, and run on SpiffWorkflow.

Uses only SpiffWorkflow + lxml (not the project's engine), so it pins the
contract between the diagrams and the engine: process id = file stem, lane
name = role key, user tasks carry a formKey property, timers are Python
expressions on task data, scripts call notify/escalate/cascade.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from lxml import etree
from SpiffWorkflow.bpmn.parser import BpmnValidator
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.specs.defaults import ScriptTask, UserTask
from SpiffWorkflow.util.task import TaskState

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"
PROCESS_IDS = ["province_plan", "unit_plan"]
ROLES = {"unit_staff", "unit_leader", "dost_staff", "dost_leader",
         "province_leader", "inspector", "admin"}
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
}
FLOW_NODE_TAGS = {
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent",
    "boundaryEvent", "task", "userTask", "scriptTask", "serviceTask", "manualTask",
    "sendTask", "receiveTask", "businessRuleTask", "callActivity", "subProcess",
    "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
}
EXPECTED_USER_TASKS = {
    "unit_plan": {
        "adapt_plan": ("unit_staff", "unit_plan_adapt"),
        "leader_approve": ("unit_leader", "unit_plan_approve"),
        "dost_review": ("dost_staff", "unit_plan_review"),
    },
    "province_plan": {
        "draft_plan": ("dost_staff", "province_plan_draft"),
        "approve_plan": ("dost_leader", "province_plan_approve"),
    },
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


class Recorder:
    """Stub sandbox functions; records every call in order."""

    def __init__(self):
        self.calls = []

    def env(self):
        return {
            "notify": lambda roles, kind: self.calls.append(("notify", list(roles), kind)),
            "escalate": lambda role: self.calls.append(("escalate", role)),
            "cascade": lambda pid: self.calls.append(("cascade", pid)),
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


def iso(dt: datetime) -> str:
    return dt.astimezone(ICT).isoformat()


def unit_plan_data(offset: timedelta) -> dict:
    now = datetime.now(ICT)
    return {
        "plan_id": 1, "unit_id": 7, "due_date": (now + offset).date().isoformat(),
        "reminder_at": iso(now + offset - timedelta(days=3)),
        "due_at": iso(now + offset),
        "escalate_at": iso(now + offset + timedelta(days=5)),
    }


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
    for upper, lower in zip(bands, bands[1:]):
        assert upper[1] + upper[3] == lower[1]
        assert (upper[0], upper[2]) == (lower[0], lower[2])

    node_lane = {r.text.strip(): lane.get("id")
                 for lane in process.findall("bpmn:laneSet/bpmn:lane", NS)
                 for r in lane.findall("bpmn:flowNodeRef", NS)}
    for el in process:
        if etree.QName(el).localname not in FLOW_NODE_TAGS:
            continue
        nid = el.get("id")
        assert nid in shapes, f"flow node {nid} has no DI shape"
        x, y, w, h = bounds_of(shapes[nid])
        lx, ly, lw, lh = lane_bounds[node_lane[nid]]
        assert lx <= x and x + w <= lx + lw and ly <= y and y + h <= ly + lh, \
            f"{nid} is drawn outside its lane {node_lane[nid]}"

    for flow in process.findall("bpmn:sequenceFlow", NS):
        edge = edges.get(flow.get("id"))
        assert edge is not None, f"sequence flow {flow.get('id')} has no DI edge"
        assert len(edge.findall("di:waypoint", NS)) >= 2


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


# ------------------------------------------------------------------ running
def test_unit_plan_reminders_fire_in_order_and_terminate_ends_it():
    rec = Recorder()
    wf = start_workflow("unit_plan", unit_plan_data(-timedelta(days=10)), rec)

    # all three timers were already due: branch B ran to its end
    assert rec.calls == [
        ("notify", ["unit_staff", "unit_leader"], "reminder_before"),
        ("notify", ["unit_leader"], "due"),
        ("escalate", "province_leader"),
    ]
    done = wf.get_tasks(spec_name="reminders_done", max_depth=BIG)
    assert [t.state for t in done] == [TaskState.COMPLETED]
    assert not wf.is_completed()          # branch A still waits for people

    complete(wf, "adapt_plan", content="v1")
    assert ready_user_tasks(wf)[0].task_spec.lane == "unit_leader"
    complete(wf, "leader_approve", decision="approve")
    complete(wf, "dost_review", decision="return", comment="thiếu chỉ tiêu")
    complete(wf, "adapt_plan", content="v2")
    complete(wf, "leader_approve", decision="approve")
    assert not wf.is_completed()
    complete(wf, "dost_review", decision="accept")

    assert wf.is_completed()
    end = wf.get_tasks(spec_name="plan_accepted", max_depth=BIG)
    assert [t.state for t in end] == [TaskState.COMPLETED]
    assert wf.data["content"] == "v2" and wf.data["decision"] == "accept"
    assert len(rec.calls) == 3            # nothing fired twice


def test_unit_plan_leader_return_loops_back_to_adapt():
    rec = Recorder()
    wf = start_workflow("unit_plan", unit_plan_data(timedelta(days=30)), rec)
    complete(wf, "adapt_plan")
    complete(wf, "leader_approve", decision="return")
    complete(wf, "adapt_plan")
    complete(wf, "leader_approve", decision="approve")
    assert [t.task_spec.name for t in ready_user_tasks(wf)] == ["dost_review"]


def test_unit_plan_terminate_cancels_pending_reminder_timer():
    rec = Recorder()
    wf = start_workflow("unit_plan", unit_plan_data(timedelta(days=30)), rec)
    waiting = wf.get_tasks(spec_name="wait_reminder", max_depth=BIG)
    assert [t.state for t in waiting] == [TaskState.WAITING]
    assert len(wf.waiting_events()) == 1

    complete(wf, "adapt_plan")
    complete(wf, "leader_approve", decision="approve")
    complete(wf, "dost_review", decision="accept")

    assert wf.is_completed()
    assert rec.calls == []
    assert [t.state for t in waiting] == [TaskState.CANCELLED]
    assert wf.waiting_events() == []
    for name in ("remind_before", "wait_due", "remind_due", "wait_grace",
                 "escalate_late", "reminders_done"):
        assert all(t.state == TaskState.CANCELLED
                   for t in wf.get_tasks(spec_name=name, max_depth=BIG)), name


def test_unit_plan_script_and_timer_specs():
    spec = load_spec("unit_plan")
    scripts = {n: s.script for n, s in spec.task_specs.items() if isinstance(s, ScriptTask)}
    assert scripts == {
        "remind_before": 'notify(["unit_staff", "unit_leader"], "reminder_before")',
        "remind_due": 'notify(["unit_leader"], "due")',
        "escalate_late": 'escalate("province_leader")',
    }
    timers = {n: s.event_definition.expression for n, s in spec.task_specs.items()
              if isinstance(getattr(s, "event_definition", None), TimerEventDefinition)}
    assert timers == {"wait_reminder": "reminder_at", "wait_due": "due_at",
                      "wait_grace": "escalate_at"}
    assert spec.task_specs["escalate_late"].lane == "province_leader"


def test_province_plan_return_then_approve_cascades_once():
    rec = Recorder()
    wf = start_workflow("province_plan", {"plan_id": 1}, rec)
    complete(wf, "draft_plan", title="Kế hoạch 2025")
    complete(wf, "approve_plan", decision="return")
    assert rec.calls == []
    complete(wf, "draft_plan")
    complete(wf, "approve_plan", decision="approve")
    assert rec.calls == [("cascade", "unit_plan")]
    assert wf.is_completed()
    assert [t.state for t in wf.get_tasks(spec_name="plan_issued", max_depth=BIG)] \
        == [TaskState.COMPLETED]
