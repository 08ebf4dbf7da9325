"""Upload-time checks SpiffWorkflow's parser does not make, each reported with id, name and line."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from datetime import datetime

from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.core.errors import Problem, ScriptRefusedError
from engine.workflow.sandbox import check_source
from models.org import Role

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
KNOWN_ROLES = frozenset(r.value for r in Role)


def _problem(node: etree._Element, message: str) -> Problem:
    """Locate `message` at the nearest ancestor-or-self that has an id."""
    owner = node
    while owner is not None and (
        owner.get("id") is None or str(owner.tag).endswith("EventDefinition")
    ):
        owner = owner.getparent()
    target = owner if owner is not None else node
    return Problem(message, element=target.get("id"), name=target.get("name"), line=node.sourceline)


def _check_expression(node: etree._Element, text: str, mode: str, what: str) -> Problem | None:
    try:
        check_source(text.strip(), mode)
    except ScriptRefusedError as exc:
        return _problem(node, f"{what}: {exc.message}")
    return None


def _literal(text: str) -> str | None:
    """Return the string a timer expression evaluates to when it is a plain literal."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        return None
    body = tree.body
    return body.value if isinstance(body, ast.Constant) and isinstance(body.value, str) else None


def _check_timer_literal(node: etree._Element, kind: str, value: str) -> Problem | None:
    try:
        if kind == "timeDuration":
            TimerEventDefinition.parse_iso_duration(value)
        elif kind == "timeDate":
            datetime.fromisoformat(value)
    except Exception:  # noqa: BLE001 - the library raises a bare Exception for bad durations
        label = "thời lượng" if kind == "timeDuration" else "thời điểm"
        return _problem(node, f"Bộ hẹn giờ: {label} '{value}' không đúng định dạng ISO 8601")
    return None


def _timers(root: etree._Element) -> Iterator[Problem]:
    for kind in ("timeDate", "timeDuration", "timeCycle"):
        for node in root.iterfind(f".//bpmn:{kind}", NS):
            text = (node.text or "").strip()
            if not text:
                yield _problem(node, "Bộ hẹn giờ không có biểu thức")
                continue
            found = _check_expression(node, text, "eval", "Biểu thức hẹn giờ")
            if found:
                yield found
                continue
            literal = _literal(text)
            if literal is not None:
                bad = _check_timer_literal(node, kind, literal)
                if bad:
                    yield bad


def _expressions(root: etree._Element) -> Iterator[Problem]:
    for node in root.iterfind(".//bpmn:conditionExpression", NS):
        text = (node.text or "").strip()
        if text:
            found = _check_expression(node, text, "eval", "Điều kiện")
            if found:
                yield found
    for node in root.iterfind(".//bpmn:script", NS):
        found = _check_expression(node, node.text or "", "exec", "Mã kịch bản")
        if found:
            yield found
    for tag in ("spiffworkflow:preScript", "spiffworkflow:postScript"):
        for node in root.iterfind(f".//{tag}", NS):
            found = _check_expression(node, node.text or "", "exec", "Mã kịch bản")
            if found:
                yield found


def _lanes(process: etree._Element) -> tuple[dict[str, str], Iterator[Problem]]:
    by_node: dict[str, str] = {}
    problems: list[Problem] = []
    for lane in process.iterfind(".//bpmn:lane", NS):
        name = (lane.get("name") or "").strip()
        if name not in KNOWN_ROLES:
            problems.append(
                _problem(
                    lane,
                    f"Làn '{name}' không phải vai trò đã biết ({', '.join(sorted(KNOWN_ROLES))})",
                )
            )
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            by_node[(ref.text or "").strip()] = name
    return by_node, iter(problems)


def _user_tasks(
    process: etree._Element, lanes: dict[str, str], forms: frozenset[str] | None
) -> Iterator[Problem]:
    for task in process.iterfind(".//bpmn:userTask", NS):
        if task.get("id") not in lanes:
            yield _problem(task, "Bước người dùng phải nằm trong một làn (vai trò)")
        key = task.xpath(
            "bpmn:extensionElements/spiffworkflow:properties/"
            "spiffworkflow:property[@name='formKey']/@value",
            namespaces=NS,
        )
        if not key:
            yield _problem(task, "Bước người dùng thiếu biểu mẫu (thuộc tính formKey)")
        elif forms is not None and key[0] not in forms:
            yield _problem(task, f"Biểu mẫu '{key[0]}' không tồn tại")


def _process(
    process: etree._Element, known: set[str], forms: frozenset[str] | None
) -> Iterator[Problem]:
    if process.find("bpmn:startEvent", NS) is None:
        yield _problem(process, "Quy trình không có sự kiện bắt đầu")
    lanes, lane_problems = _lanes(process)
    yield from lane_problems
    yield from _user_tasks(process, lanes, forms)
    for call in process.iterfind(".//bpmn:callActivity", NS):
        target = call.get("calledElement") or ""
        if target not in known:
            yield _problem(call, f"Quy trình được gọi '{target}' không tồn tại")


def lint_document(
    root: etree._Element, known_processes: set[str], forms: frozenset[str] | None = None
) -> list[Problem]:
    """Return every problem found in a parsed BPMN document (empty when it is clean)."""
    problems: list[Problem] = []
    for process in root.iterfind("bpmn:process", NS):
        problems.extend(_process(process, known_processes, forms))
    problems.extend(_expressions(root))
    problems.extend(_timers(root))
    return problems
