"""Ad-hoc report requests (báo cáo đột xuất): what a request asks and of whom, its questions as
a JSON Schema typed in by an official, and the answers a unit gives (checked against it).

A request is a round of its own (`r1`, `r2`, … in the plan): one `adhoc_report` instance per
chosen unit, reminded and escalated like any report, closed with the province report.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.collation import fold
from engine.core.errors import FieldErrors, NotFoundError
from engine.core.formatting import parse_date, parse_number
from engine.core.labels import unit_kind_label
from engine.domain import deadlines
from engine.domain.submissions import find_report
from models import AdhocRequest, HumanTask, Plan, Report, Unit, UnitKind

QUESTION_TYPES = {  # as an official writes it → stored type
    "văn bản": "text",
    "số": "number",
    "có/không": "yesno",
    "ngày": "date",
    "tệp": "file",
}
TYPE_LABELS = {v: k for k, v in QUESTION_TYPES.items()}
MAX_QUESTIONS = 30
ROUND_PREFIX = "r"
SCOPES = ("all", "department", "commune", "chosen")


@dataclass(frozen=True)
class RequestInput:
    """What the request form submits."""

    number: str
    issued_on: str
    issuer: str
    subject: str
    due_date: str
    scope: str
    unit_ids: tuple[int, ...]
    questions: str  # one a line: "Nội dung | loại | đơn vị tính"


def parse_questions(text: str) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Read the typed-in questions ("Số lớp tập huấn đã tổ chức | số | lớp"); return them and
    the errors by line."""
    questions: list[dict[str, Any]] = []
    errors: dict[str, str] = {}
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        errors["questions"] = "Nhập ít nhất một câu hỏi (mỗi dòng một câu)"
    if len(lines) > MAX_QUESTIONS:
        errors["questions"] = f"Tối đa {MAX_QUESTIONS} câu hỏi"
    for number, line in enumerate(lines[:MAX_QUESTIONS], start=1):
        parts = [p.strip() for p in line.split("|")]
        kind = QUESTION_TYPES.get(fold(parts[1]) if len(parts) > 1 and parts[1] else "văn bản")
        if kind is None or not parts[0] or len(parts[0]) > 500:
            allowed = ", ".join(QUESTION_TYPES)
            errors["questions"] = (
                f"Dòng {number}: ghi 'Nội dung | loại | đơn vị tính', loại là: {allowed}"
            )
            continue
        unit = parts[2][:40] if len(parts) > 2 else ""
        questions.append({"key": f"c{number}", "label": parts[0], "type": kind, "unit": unit})
    return questions, errors


def schema_of(questions: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the JSON Schema of a request's answers."""
    kinds: dict[str, dict[str, Any]] = {
        "text": {"type": "string", "maxLength": 4000},
        "number": {"type": "number"},
        "yesno": {"type": "boolean"},
        "date": {"type": "string", "format": "date", "maxLength": 10},
        "file": {"type": "string", "maxLength": 500},
    }
    properties = {q["key"]: {**kinds[q["type"]], "title": title_of(q)} for q in questions}
    return {"type": "object", "properties": properties, "required": list(properties)}


def title_of(question: Mapping[str, Any]) -> str:
    """Return a question as the form shows it, with its unit ("Số lớp đã tổ chức (lớp)")."""
    unit = question.get("unit") or ""
    return str(question["label"]) + (f" ({unit})" if unit else "")


def check_answers(questions: list[dict[str, Any]], raw: Mapping[str, Any]) -> dict[str, Any]:
    """Return the answers typed for each question, or raise FieldErrors keyed `answers.<key>`."""
    answers: dict[str, Any] = {}
    keys = [q["key"] for q in questions]
    errors = {
        f"answers.{key}": f"Yêu cầu không có câu hỏi '{key}' (chỉ trả lời {', '.join(keys)})"
        for key in raw
        if key not in keys
    }
    for question in questions:
        key, value = question["key"], raw.get(question["key"])
        text = "" if value is None else str(value).strip()
        if not text:
            errors[f"answers.{key}"] = "Vui lòng trả lời câu hỏi này"
        elif question["type"] == "number":
            number = value if isinstance(value, int | float) else parse_number(text)
            if number is None:
                errors[f"answers.{key}"] = "Nhập một số (ví dụ: 12 hoặc 12,5)"
            answers[key] = number
        elif question["type"] == "yesno":
            answers[key] = text in ("true", "1", "y", "có", "True")
        elif question["type"] == "date":
            day = parse_date(text)
            if day is None:
                errors[f"answers.{key}"] = "Ngày phải ghi dạng dd/mm/yyyy"
            answers[key] = day.isoformat() if day else text
        else:
            answers[key] = text[:4000]
    if errors:
        raise FieldErrors(errors)
    return answers


def units_of(session: Session, request: AdhocRequest) -> list[Unit]:
    """Return the active units a request is addressed to."""
    if not request.unit_ids:
        return []
    return list(
        session.scalars(
            select(Unit)
            .where(Unit.id.in_(request.unit_ids), Unit.active.is_(True))
            .order_by(Unit.id)
        )
    )


def chosen_units(session: Session, scope: str, unit_ids: tuple[int, ...]) -> list[int]:
    """Return the ids a request goes to: every department and commune, one kind, or a list."""
    kinds = {
        "all": [UnitKind.DEPARTMENT, UnitKind.COMMUNE],
        "department": [UnitKind.DEPARTMENT],
        "commune": [UnitKind.COMMUNE],
    }
    stmt = select(Unit.id).where(Unit.active.is_(True)).order_by(Unit.id)
    if scope == "chosen":
        stmt = stmt.where(Unit.id.in_(unit_ids), Unit.kind.in_(kinds["all"]))
    else:
        stmt = stmt.where(Unit.kind.in_(kinds.get(scope, [])))
    return list(session.scalars(stmt))


def stage_label(request: AdhocRequest) -> str:
    """Return the request as a stage is named (a matrix column, the province report)."""
    return f"Đột xuất {request.number}"


def unit_choices(session: Session) -> list[tuple[int, str, str]]:
    """Return (id, name, kind label) of every unit a request may go to, by kind and name."""
    rows = session.execute(
        select(Unit.id, Unit.name, Unit.kind)
        .where(Unit.active.is_(True), Unit.kind.in_([UnitKind.DEPARTMENT, UnitKind.COMMUNE]))
        .order_by(Unit.kind, Unit.name)
    )
    return [(i, n, unit_kind_label(k)) for i, n, k in rows]


def find(session: Session, plan_id: int, round_key: str) -> AdhocRequest | None:
    """Return the request that is round `round_key` of the plan, if any."""
    if not is_adhoc_round(round_key):
        return None
    return session.scalars(
        select(AdhocRequest).where(
            AdhocRequest.plan_id == plan_id, AdhocRequest.round_key == round_key
        )
    ).first()


def is_adhoc_round(round_key: str) -> bool:
    """Tell whether a round key names an ad-hoc request (`r1`, `r2`, …)."""
    return bool(re.fullmatch(rf"{ROUND_PREFIX}\d+", round_key or ""))


def next_round_key(plan: Plan) -> str:
    """Return the round key of the plan's next request."""
    return f"{ROUND_PREFIX}{len(plan.adhoc_requests) + 1}"


def parse_request_dates(
    data: RequestInput, year: int
) -> tuple[date | None, date | None, dict[str, str]]:
    """Read the request's issue date (a past fact) and deadline (from today to the end of the
    plan of `year`); errors by field."""
    issued, due = parse_date(data.issued_on), parse_date(data.due_date)
    errors = deadlines.past_date_errors(issued, year, "issued_on", "Ngày ban hành")
    errors |= deadlines.deadline_errors(due, year, "due_date", "Hạn báo cáo")
    if issued is None:
        errors["issued_on"] = "Ngày ban hành phải ghi dạng dd/mm/yyyy"
    if due is None:
        errors["due_date"] = "Hạn báo cáo phải ghi dạng dd/mm/yyyy"
    return issued, due, errors


def prefill_answers(session: Session, task: HumanTask) -> dict[str, Any]:
    """Return the answering form's data: the answers saved so far."""
    report = _report(session, task)
    return {"answers": dict(report.answers or {})}


def apply_answers(session: Session, task: HumanTask, data: Mapping[str, Any]) -> dict[str, Any]:
    """Record a unit's answers, checked against its request's questions (nothing to route)."""
    report = _report(session, task)
    request = find(session, report.plan_id, report.round_key)
    if request is None:
        raise NotFoundError("Không tìm thấy yêu cầu báo cáo")
    posted = data.get("answers")
    raw: Mapping[str, Any] = posted if isinstance(posted, Mapping) else {}
    report.answers = check_answers(list(request.questions), raw)
    return {}


def _report(session: Session, task: HumanTask) -> Report:
    instance = task.instance
    report = find_report(session, instance.plan_id, instance.unit_id, instance.round_key)
    if report is None:
        raise NotFoundError("Không tìm thấy báo cáo")
    return report
