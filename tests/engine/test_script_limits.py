"""Scripts, conditions and timers cannot run away (issue 10, item 1).

First wall: validation refuses what cannot be bounded, naming the element and the line.
Second wall: the interpreter stops what slips through (budget, deadline, size limits), and a
failing script puts its instance in error with a Vietnamese message — a task completion or a
tick returns instead of hanging. Long chains of steps get the same answer from the CLI and
from the web's lint, whatever the caller's stack depth.
"""
from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import WorkflowException
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.admin import drafts
from engine.core import clock
from engine.core.errors import InvalidDefinitionError, ScriptRefusedError
from engine.core.paths import BPMN_DIR
from engine.demo.actors import act, ready_tasks
from engine.demo.bootstrap import at
from engine.processes import cascade, timers
from engine.workflow import definitions, forms, interpreter, lint, sandbox, script_language
from engine.workflow.parsing import parse_bpmn
from engine.workflow.runtime import SCRIPT_ENGINE
from engine.workflow.sandbox import SandboxEnvironment
from models import InstanceStatus, ProcessInstance, Unit
from tests.engine.bpmn_edit import NS

UNIT_PLAN = (BPMN_DIR / "unit_plan.bpmn").read_bytes()
REMIND_BEFORE = (b'<bpmn:script>notify(["unit_staff", "unit_leader"], "reminder_before")'
                 b"</bpmn:script>")
REMIND_BEFORE_LINE = next(i for i, line in enumerate(UNIT_PLAN.splitlines(), 1)
                          if REMIND_BEFORE in line)
TRY_LOOP = "try:\n    while True: pass\nexcept:\n    pass\nwhile True: pass"


def problems_of(xml: bytes) -> list[dict[str, object]]:
    with pytest.raises(InvalidDefinitionError) as caught:
        parse_bpmn(xml, "test.bpmn", forms=forms.known_keys())
    return [p.as_dict() for p in caught.value.problems]


def with_remind_before(script: str) -> bytes:
    body = escape(script).encode()
    return UNIT_PLAN.replace(REMIND_BEFORE, b"<bpmn:script>%s</bpmn:script>" % body)


def finishes(action: Callable[[], Any], seconds: float = 20) -> BaseException | None:
    """Run `action` in a thread; fail if it is still running after `seconds`; return its error."""
    outcome: list[BaseException | None] = []

    def target() -> None:
        try:
            action()
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome.append(exc)

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(timeout=seconds)
    assert not worker.is_alive(), "the script was not stopped"
    return outcome[0]


# --- first wall: refused at validation, element and line named ---------------------------

@pytest.mark.parametrize(("script", "reason", "line"), [
    (TRY_LOOP, "try/except", 1),
    ("while True: pass", "vòng lặp while", 1),
    ("n = 0\nwhile True:\n    n = n + 1", "vòng lặp while", 2),
    ("x = 'a' * 10**10", "nhân với một hằng số nguyên", 1),
    ("x = 1 << 10**10", "dịch bit", 1),
    ("x = [0] * 10**9", "nhân với một hằng số nguyên", 1),
    ("x = n ** 100000", "lũy thừa", 1),
    ("x = [0] * 1000000000", "nhân với một hằng số nguyên", 1),
    ("x = 'a' * n", "nhân với một hằng số nguyên", 1),
    ("ok = 1\nx = [k for k in kpis]", "vòng lặp (comprehension)", 2),
    ("for i in range(3):\n    notify('unit_staff', 'due')", "vòng lặp for", 1),
    ("def f():\n    f()\nf()", "định nghĩa hàm", 1),
    ("f = lambda: 1", "lambda", 1),
    ("import os", "import", 1),
    ("x = '%0999999999d' % 1", "định dạng chuỗi bằng %", 1),
    ("x = f'{1:999999999}'", "định dạng trong f-string", 1),
    ("x = name.center(1000000000)", "thuộc tính center", 1),
    ("x = ().__class__", "__class__", 1),
])
def test_run_away_scripts_are_refused_with_element_and_line(script: str, reason: str,
                                                             line: int) -> None:
    problems = problems_of(with_remind_before(script))
    [problem] = [p for p in problems if p["element"] == "remind_before"]
    assert reason in str(problem["message"])
    assert f"dòng {line} của mã" in str(problem["message"])
    assert problem["line"] == REMIND_BEFORE_LINE + line - 1
    assert problem["name"] == "Nhắc trước hạn"


def test_validate_command_names_element_and_line(tmp_path: Path) -> None:
    path = tmp_path / "unit_plan.bpmn"
    path.write_bytes(with_remind_before(TRY_LOOP))
    run = subprocess.run([sys.executable, "-m", "engine.cli", "validate", str(path)],
                         capture_output=True, text=True, check=False, timeout=120)
    [entry] = [json.loads(line) for line in run.stdout.splitlines()]
    assert run.returncode == 1 and entry["ok"] is False
    [problem] = entry["problems"]
    assert problem["element"] == "remind_before" and problem["line"] == REMIND_BEFORE_LINE
    assert "try/except" in problem["message"]


@pytest.mark.parametrize(("tag", "expression", "fragment"), [
    ("timeDuration", '"P99999Y"', "quá dài (tối đa 100 năm)"),
    ("timeDuration", '"P36600DT1H"', "quá dài"),
    ("timeDate", '"9999-12-31T23:00:00-07:00"', "nằm ngoài khoảng cho phép"),
    ("timeDate", '"P1D"', "là thời lượng, không phải thời điểm"),
    ("timeCycle", '"R3/2026-01-01T00:00:00/P99999Y"', "quá dài"),
])
def test_timer_values_out_of_range_are_refused(tag: str, expression: str,
                                               fragment: str) -> None:
    xml = UNIT_PLAN.replace(b'<bpmn:timeDate xsi:type="bpmn:tFormalExpression">reminder_at'
                            b'</bpmn:timeDate>',
                            f'<bpmn:{tag} xsi:type="bpmn:tFormalExpression">{expression}'
                            f'</bpmn:{tag}>'.encode(), 1)
    problems = [p for p in problems_of(xml) if p["element"] == "wait_reminder"]
    assert problems and fragment in str(problems[0]["message"])


def test_sensible_timer_values_pass() -> None:
    xml = UNIT_PLAN.replace(b">reminder_at</bpmn:timeDate>", b'>"2026-03-05T08:00:00+07:00"'
                            b"</bpmn:timeDate>", 1)
    assert parse_bpmn(xml, "u.bpmn", forms=forms.known_keys()).process_ids == ("unit_plan",)


# --- second wall: what slips through validation is stopped at run time --------------------

@pytest.fixture
def unchecked(monkeypatch: pytest.MonkeyPatch) -> SandboxEnvironment:
    """An environment whose first wall (check_source) is switched off."""
    monkeypatch.setattr(sandbox, "check_source", lambda source, mode: None)
    return SandboxEnvironment()


@pytest.mark.parametrize(("script", "reason"), [
    (TRY_LOOP, "khi chạy: không được phép dùng try/except (dòng 1 của mã)"),
    ("x = 1\nwhile True: pass", "vòng lặp while (dòng 2 của mã)"),
    ("x = 'a' * 10**10", "phép lũy thừa"),
    ("x = 1 << 10**10", "phép dịch bit"),
    ("x = [0] * 10**9", "phép lũy thừa"),
    ("x = 'a' * 10000000000", "Giá trị quá lớn"),
    ("x = [0] * 1000000000", "Giá trị quá lớn"),
    ("s = 'a' * 99999\ny = [s] * 99999", "Giá trị quá lớn"),
    ("s = 'a' * 60000\ny = s + s", "Giá trị quá lớn"),
    ("x = 2\n" + "x = x * x\n" * 20, "Số quá lớn"),
    ("x = '%0999999999d' % 1", "định dạng chuỗi bằng %"),
    ("x = f'{1:999999999}'", "Định dạng trong f-string"),
    ("x = [i for i in range(10000) for j in range(10000)]", "vòng lặp (comprehension)"),
    ("def f():\n    f()\nf()", "định nghĩa hàm"),
    ("f = lambda: f()\nf()", "lambda"),
    ("x = 'a'.center(1000000000)", "thuộc tính center"),
    ("x = 'a'.join(['b'] * 1000)", "thuộc tính join"),
    ("x = range(5)", "kiểu range, không lưu được"),
])
def test_second_wall_stops_what_slips_through(unchecked: SandboxEnvironment, script: str,
                                              reason: str) -> None:
    data: dict[str, Any] = {}
    error = finishes(lambda: unchecked.execute(script, data))
    assert isinstance(error, ScriptRefusedError) and isinstance(error, WorkflowException)
    assert reason in error.message
    assert data == {}  # nothing half-done lands in the task data


def test_deadline_stops_a_long_script_and_the_worker_is_fine(
        unchecked: SandboxEnvironment) -> None:
    """Valid glue over large data still cannot hold a worker: the interpreter's own clock."""
    script = "total = sum(values)\n" * 1000
    script_language.check_source(script, "exec")  # it is inside the language
    data: dict[str, Any] = {"values": list(range(100_000))}
    error = finishes(lambda: unchecked.execute(script, data))
    assert isinstance(error, ScriptRefusedError)
    assert error.message == interpreter.TOO_LONG == "Mã chạy quá 1 giây và đã bị dừng"
    assert "total" not in data
    assert sys.gettrace() is None  # no trace hook was involved
    assert unchecked.evaluate("len(values) + 1", data) == 100_001


def test_operation_budget_stops_an_enormous_script(unchecked: SandboxEnvironment,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(script_language, "MAX_SOURCE_CHARS", 10**7)
    error = finishes(lambda: unchecked.execute("x = 1\n" * 60_000, {}))
    assert isinstance(error, ScriptRefusedError) and error.message == interpreter.TOO_MANY


@pytest.mark.parametrize("expression", ["'a' * 10000000000", "[0] * 1000000000", "1 << 100000",
                                        "(lambda: 1)()", "[x for x in range(10)]"])
def test_expressions_are_bounded_too(unchecked: SandboxEnvironment, expression: str) -> None:
    error = finishes(lambda: unchecked.evaluate(expression, {}))
    assert isinstance(error, ScriptRefusedError)


TOKENS = ["x", "s", "1", "10000", "'ab'", "*", "+", "%", "**", "<<", "(", ")", "[", "]", ",",
          "==", "not", "if", "else", "len", "sum", "str", "range", "f'{x}'", ".", "upper",
          "center", "{", "}", ":", "lambda", "for", "in", "=", "\n", "while", "True", "pass"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=14).map(" ".join))
def test_any_source_is_run_or_refused_in_vietnamese_never_anything_else(source: str) -> None:
    env = SandboxEnvironment()
    data: dict[str, Any] = {"x": [1, 2, 3], "s": "chuỗi"}
    for run in (lambda: env.evaluate(source, dict(data)), lambda: env.execute(source, dict(data))):
        error = finishes(run)
        assert error is None or (isinstance(error, ScriptRefusedError) and error.message)


# --- a failing script puts the instance in error; nothing hangs --------------------------

def insert_script_after(xml: bytes, after: str, new_id: str, script: str) -> bytes:
    """Insert a script task right after `after` (which has one outgoing flow)."""
    root = etree.fromstring(xml)
    process = root.find("bpmn:process", NS)
    source = root.xpath("//*[@id=$i]", i=after)[0]
    outgoing = source.find("bpmn:outgoing", NS)
    flow = root.xpath("//*[@id=$i]", i=outgoing.text.strip())[0]
    new_flow = f"flow_{after}_to_{new_id}"
    task = etree.SubElement(process, f"{{{NS['bpmn']}}}scriptTask", id=new_id,
                            name="Kịch bản chạy mãi")
    etree.SubElement(task, f"{{{NS['bpmn']}}}incoming").text = new_flow
    etree.SubElement(task, f"{{{NS['bpmn']}}}outgoing").text = flow.get("id")
    etree.SubElement(task, f"{{{NS['bpmn']}}}script").text = script
    outgoing.text = new_flow
    flow.set("sourceRef", new_id)
    etree.SubElement(process, f"{{{NS['bpmn']}}}sequenceFlow", id=new_flow, sourceRef=after,
                     targetRef=new_id)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@pytest.fixture
def unvalidated(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Deploy without lint and run without check_source: only the interpreter stands."""
    monkeypatch.setattr(lint, "lint_document", lambda *args, **kwargs: [])
    monkeypatch.setattr(sandbox, "check_source", lambda source, mode: None)
    yield


def new_unit_instance(session: Session, plan_id: int) -> ProcessInstance:
    unit = Unit(code="xa-thu", name="Xã Thử", kind="commune", active=True)
    session.add(unit)
    session.flush()
    cascade.run(session, plan_id, "unit_plan")
    return session.scalars(select(ProcessInstance).where(
        ProcessInstance.unit_id == unit.id, ProcessInstance.process_key == "unit_plan")).one()


def test_completing_a_task_before_a_run_away_script_returns(session: Session, world,
                                                             unvalidated: None) -> None:
    plan, cast = world
    definitions.deploy(session, insert_script_after(UNIT_PLAN, "adapt_plan", "spin",
                                                    "while True: pass"), "unit_plan.bpmn")
    instance = new_unit_instance(session, plan.id)
    clock.set_now(at(date(2026, 1, 7), 9))
    [task] = ready_tasks(session, unit_id=instance.unit_id, form_key="unit_plan_adapt")
    from engine.demo.scripted_year import adaptation

    owner = session.get(Unit, instance.unit_id)
    assert owner is not None
    assert finishes(lambda: act(session, cast, task, adaptation(session, plan.id, owner))) is None
    session.commit()
    assert instance.status == InstanceStatus.ERROR
    assert instance.error_message is not None
    assert instance.error_message.startswith("Bước 'Kịch bản chạy mãi' (spin): ")
    assert "Mã bị từ chối khi chạy: không được phép dùng vòng lặp while" in instance.error_message
    assert not ready_tasks(session, unit_id=instance.unit_id)


def test_tick_survives_a_run_away_reminder_script(session: Session, world,
                                                   unvalidated: None) -> None:
    plan, _ = world
    definitions.deploy(session, with_remind_before(TRY_LOOP), "unit_plan.bpmn")
    instance = new_unit_instance(session, plan.id)
    session.commit()
    clock.set_now(at(date(2026, 1, 9), 9))
    assert finishes(lambda: timers.tick(session), seconds=120) is None
    session.refresh(instance)
    assert instance.status == InstanceStatus.ERROR
    assert instance.error_message == ("Bước 'Nhắc trước hạn' (remind_before): Mã bị từ chối "
                                      "khi chạy: không được phép dùng try/except (dòng 1 của mã)")


def test_timer_value_out_of_range_at_run_time_is_an_error_not_a_crash(
        session: Session, world, monkeypatch: pytest.MonkeyPatch) -> None:
    plan, _ = world
    monkeypatch.setattr(lint, "lint_document", lambda *args, **kwargs: [])
    xml = UNIT_PLAN.replace(b'<bpmn:timeDate xsi:type="bpmn:tFormalExpression">reminder_at'
                            b'</bpmn:timeDate>', b'<bpmn:timeDuration xsi:type="bpmn:'
                            b'tFormalExpression">"P99999Y"</bpmn:timeDuration>', 1)
    definitions.deploy(session, xml, "unit_plan.bpmn")
    instance = new_unit_instance(session, plan.id)
    assert instance.status == InstanceStatus.ERROR
    assert instance.error_message == ("Bước 'Trước hạn' (wait_reminder): Bộ hẹn giờ: thời lượng "
                                      "'P99999Y' quá dài (tối đa 100 năm)")


# --- long chains: the same answer from the CLI and from the web's lint --------------------

def chain_bpmn(steps: int, boundaries: bool = False) -> bytes:
    """A process that is one chain of `steps` script tasks (with boundary timers if asked)."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<bpmn:definitions xmlns:bpmn="{NS["bpmn"]}" id="d" targetNamespace="http://x">',
             '<bpmn:process id="long_chain" isExecutable="true">',
             '<bpmn:startEvent id="start"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>']
    for i in range(steps):
        parts.append(f'<bpmn:scriptTask id="t{i}" name="Bước {i}"><bpmn:incoming>f{i}'
                     f'</bpmn:incoming><bpmn:outgoing>f{i + 1}</bpmn:outgoing>'
                     f'<bpmn:script>x = {i}</bpmn:script></bpmn:scriptTask>')
        if boundaries:
            parts.append(f'<bpmn:boundaryEvent id="b{i}" attachedToRef="t{i}"><bpmn:outgoing>'
                         f'g{i}</bpmn:outgoing><bpmn:timerEventDefinition><bpmn:timeDuration>'
                         f'"PT1H"</bpmn:timeDuration></bpmn:timerEventDefinition>'
                         f'</bpmn:boundaryEvent><bpmn:endEvent id="e{i}"><bpmn:incoming>g{i}'
                         f'</bpmn:incoming></bpmn:endEvent><bpmn:sequenceFlow id="g{i}" '
                         f'sourceRef="b{i}" targetRef="e{i}"/>')
    parts.append(f'<bpmn:endEvent id="end"><bpmn:incoming>f{steps}</bpmn:incoming>'
                 '</bpmn:endEvent><bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="t0"/>')
    parts += [f'<bpmn:sequenceFlow id="f{i + 1}" sourceRef="t{i}" '
              f'targetRef="{f"t{i + 1}" if i + 1 < steps else "end"}"/>' for i in range(steps)]
    parts.append("</bpmn:process></bpmn:definitions>")
    return "\n".join(parts).encode()


def deep(frames: int, action: Callable[[], Any]) -> Any:
    """Call `action` under `frames` more Python frames (a web request runs deep in a stack)."""
    return action() if frames == 0 else deep(frames - 1, action)


def cli_validate(tmp_path: Path, xml: bytes) -> dict[str, Any]:
    path = tmp_path / "chain.bpmn"
    path.write_bytes(xml)
    run = subprocess.run([sys.executable, "-m", "engine.cli", "validate", str(path)],
                         capture_output=True, text=True, check=False, timeout=120)
    assert "Traceback" not in run.stderr
    entry: dict[str, Any] = json.loads(run.stdout)
    return entry


def test_a_chain_of_490_steps_is_refused_alike_by_cli_and_web(session: Session,
                                                              tmp_path: Path) -> None:
    xml = chain_bpmn(490)
    by_cli = cli_validate(tmp_path, xml)["problems"]
    by_web = [p.as_dict() for p in deep(300, lambda: drafts.check(session, xml))]
    assert by_cli == by_web
    [problem] = by_web
    assert problem["element"] == f"t{lint.MAX_CHAIN - 1}"  # start is the first of the chain
    assert "Quy trình có chuỗi quá dài" in str(problem["message"])
    with pytest.raises(InvalidDefinitionError) as caught:
        deep(300, lambda: definitions.deploy(session, xml, "chain.bpmn"))
    assert [p.as_dict() for p in caught.value.problems] == by_web


@pytest.mark.parametrize("boundaries", [False, True], ids=["plain", "with-boundary-timers"])
def test_the_longest_chain_allowed_works_alike_in_cli_and_web(session: Session, tmp_path: Path,
                                                              boundaries: bool) -> None:
    steps = lint.MAX_CHAIN - 4 if boundaries else lint.MAX_CHAIN - 2
    xml = chain_bpmn(steps, boundaries)
    assert cli_validate(tmp_path, xml) == {"file": str(tmp_path / "chain.bpmn"), "ok": True,
                                          "processes": ["long_chain"], "problems": []}
    assert deep(300, lambda: drafts.check(session, xml)) == []
    view = deep(300, lambda: definitions.deploy(session, xml, "chain.bpmn"))
    assert view.created
    if not boundaries:  # (SpiffWorkflow runs 200 boundary timers in O(n²): seconds, not needed)
        spec, subs = definitions.specs_for(definitions.latest(session, "long_chain"))
        workflow = BpmnWorkflow(spec, subs, script_engine=SCRIPT_ENGINE)
        deep(300, workflow.do_engine_steps)
        assert workflow.is_completed()
        assert workflow.last_task is not None and workflow.last_task.data["x"] == steps - 1
