"""Upload-time checks SpiffWorkflow's parser does not make, each reported with id, name and line.

Every script, condition and other expression is checked against the script language
(`script_language.check_source`) and located at its own line; literal timer values are
range-checked (`timer_values`); a chain of steps deeper than `MAX_CHAIN` is refused before
SpiffWorkflow's parser, which recurses along the chain, would hit Python's recursion limit
at a depth that depends on the caller (CLI or web request).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from lxml import etree

from engine.core.errors import Problem, ScriptRefusedError
from engine.workflow import timer_values
from engine.workflow.script_language import check_source
from models.org import Role

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
KNOWN_ROLES = frozenset(r.value for r in Role)
MAX_CHAIN = 200

# (path, mode, what): every element whose text SpiffWorkflow evaluates or executes.
EXPRESSIONS: tuple[tuple[str, str, str], ...] = (
    (".//bpmn:conditionExpression", "eval", "Điều kiện"),
    (".//bpmn:completionCondition", "eval", "Điều kiện hoàn thành"),
    (".//bpmn:loopCardinality", "eval", "Số lần lặp"),
    (".//bpmn:loopCondition", "eval", "Điều kiện lặp"),
    (".//bpmn:conditionalEventDefinition/bpmn:condition", "eval", "Điều kiện sự kiện"),
    (".//bpmn:correlationPropertyRetrievalExpression/*", "eval", "Biểu thức tương quan"),
    (".//spiffworkflow:messagePayload", "eval", "Nội dung thông điệp"),
    (".//spiffworkflow:processVariableCorrelation/spiffworkflow:expression", "eval",
     "Biểu thức tương quan"),
    (".//bpmn:script", "exec", "Mã kịch bản"),
    (".//spiffworkflow:preScript", "exec", "Mã kịch bản"),
    (".//spiffworkflow:postScript", "exec", "Mã kịch bản"),
)  # fmt: skip


def _problem(node: etree._Element, message: str, line: int | None = None) -> Problem:
    """Locate `message` at the nearest ancestor-or-self that has an id."""
    owner = node
    while owner is not None and (
        owner.get("id") is None or str(owner.tag).endswith("EventDefinition")
    ):
        owner = owner.getparent()
    target = owner if owner is not None else node
    return Problem(
        message, element=target.get("id"), name=target.get("name"), line=line or node.sourceline
    )


def _check_expression(node: etree._Element, text: str, mode: str, what: str) -> Problem | None:
    """Check `text` (the element's text) and locate a refusal at its own line in the file."""
    source = text if mode == "exec" else text.strip()
    try:
        check_source(source, mode)
    except ScriptRefusedError as exc:
        skipped = 0 if mode == "exec" else text[: len(text) - len(text.lstrip())].count("\n")
        inner = getattr(exc, "line", None)
        line = node.sourceline + skipped + inner - 1 if node.sourceline and inner else None
        return _problem(node, f"{what}: {exc.message}", line)
    return None


def _literal(text: str) -> str | None:
    """Return the string a timer expression evaluates to when it is a plain literal."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        return None
    body = tree.body
    return body.value if isinstance(body, ast.Constant) and isinstance(body.value, str) else None


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
            bad = timer_values.problem(kind, literal) if literal is not None else None
            if bad:
                yield _problem(node, bad)


def _expressions(root: etree._Element) -> Iterator[Problem]:
    for path, mode, what in EXPRESSIONS:
        for node in root.iterfind(path, NS):
            text = node.text or ""
            if mode == "eval" and not text.strip():
                continue
            found = _check_expression(node, text, mode, what)
            if found:
                yield found


def _graph(
    process: etree._Element,
) -> tuple[dict[str, etree._Element], dict[str, list[str]]]:
    """Return the process's elements by id and, per element, what the parser visits next."""
    nodes: dict[str, etree._Element] = {}
    after: dict[str, list[str]] = {}
    for node in process.iter(etree.Element):
        node_id, tag = node.get("id"), etree.QName(node).localname
        if node_id is not None:
            nodes[node_id] = node
        if tag == "sequenceFlow":
            after.setdefault(node.get("sourceRef") or "", []).append(node.get("targetRef") or "")
        elif tag == "boundaryEvent" and node_id is not None:
            after.setdefault(node.get("attachedToRef") or "", []).append(node_id)
    for node_id, node in nodes.items():
        inner = [s.get("id") or "" for s in node.iterfind("bpmn:startEvent", NS)]
        if inner and node is not process:  # a sub-process is parsed from its own start
            after[node_id] = inner + after.get(node_id, [])
    return nodes, after


def _chain(process: etree._Element) -> Iterator[Problem]:
    """Walk the flows depth-first, as SpiffWorkflow's parser does, without recursing."""
    nodes, after = _graph(process)
    starts = [s.get("id") or "" for s in process.iterfind("bpmn:startEvent", NS)]
    starts += [s.get("id") or "" for s in process.xpath(
        "bpmn:subProcess[@triggeredByEvent='true']", namespaces=NS)]  # fmt: skip
    visited: set[str] = set(starts)
    for start in starts:
        stack = [iter(after.get(start, []))]
        while stack:
            following = next(stack[-1], None)
            if following is None:
                stack.pop()
                continue
            if following in visited or following not in nodes:
                continue
            visited.add(following)
            stack.append(iter(after.get(following, [])))
            if len(stack) > MAX_CHAIN:
                yield _problem(
                    nodes[following],
                    f"Quy trình có chuỗi quá dài: bước này là bước thứ {len(stack)} nối "
                    f"tiếp nhau từ sự kiện bắt đầu (tối đa {MAX_CHAIN}); hãy tách thành quy "
                    "trình con (callActivity)",
                )
                return


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
    yield from _chain(process)
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
