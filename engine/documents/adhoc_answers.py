"""The answers to an ad-hoc request (báo cáo đột xuất) as Word documents: one unit's answer
("Thực hiện Công văn số … của …, <đơn vị> báo cáo như sau:" and each question with its
answer), readable under the unit page's rule; and the compilation of every unit's answers by
Sở KHCN (who answered, on time or late, and one row per unit), for those who supervise."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.errors import NotFoundError
from engine.core.formatting import format_date, format_number, parse_date
from engine.core.permissions import Actor, may_supervise
from engine.documents import issuers, nd30
from engine.domain import adhoc
from engine.queries import unit_views
from models import AdhocRequest, Plan, ProcessInstance, Report

ANSWER_HEADS = ("STT", "Nội dung", "Trả lời")
ANSWER_WIDTHS = (12, 78, 75)


def file_name(round_key: str, unit_code: str | None = None) -> str:
    """Return the download name of a unit's answer, or of the compilation."""
    return f"dot-xuat-{round_key}-{unit_code or 'tong-hop'}.docx"


def answer_text(question: dict[str, Any], value: Any) -> str:
    """Return an answer as a document writes it: numbers with their unit, Có/Không, dates."""
    if value is None or value == "":
        return "Chưa trả lời"
    kind = question.get("type")
    if kind == "number":
        unit = question.get("unit") or ""
        return f"{format_number(value)} {unit}".strip()
    if kind == "yesno":
        return "Có" if value is True else "Không"
    if kind == "date":
        day = parse_date(str(value))
        return format_date(day) if day else str(value)
    return str(value)


def _request(session: Session, plan: Plan, round_key: str) -> AdhocRequest:
    request = adhoc.find(session, plan.id, round_key)
    if request is None:
        raise NotFoundError("Không có yêu cầu báo cáo đột xuất này")
    return request


def _basis(request: AdhocRequest) -> str:
    return (f"Thực hiện Công văn số {request.number} ngày {format_date(request.issued_on)} "
            f"của {request.issuer} về việc {request.subject[:1].lower()}{request.subject[1:]}")


def build_unit(session: Session, actor: Actor, plan: Plan, code: str, round_key: str) -> bytes:
    """Return the .docx of unit `code`'s answer to the request of `round_key`."""
    unit = unit_views.find_unit(session, actor, code)
    request = _request(session, plan, round_key)
    report = session.scalars(select(Report).where(
        Report.plan_id == plan.id, Report.unit_id == unit.id, Report.round_key == round_key
    )).first()
    if report is None:
        raise NotFoundError("Đơn vị không được yêu cầu báo cáo đột xuất này")
    doc = nd30.new_document()
    signed = report.submitted_at.date() if report.submitted_at else None
    nd30.heading(doc, issuers.issuer_of(session, unit), report.report_number, signed)
    nd30.title(doc, "Báo cáo", request.subject)
    nd30.addressees(doc, [request.issuer])
    nd30.body(doc, f"{_basis(request)}, {unit.name} báo cáo như sau:")
    answers = report.answers or {}
    rows = [(str(i), adhoc.title_of(q), answer_text(q, answers.get(q["key"])))
            for i, q in enumerate(request.questions, start=1)]
    nd30.table(doc, ANSWER_HEADS, rows, ANSWER_WIDTHS)
    nd30.body(doc, f"Trên đây là báo cáo của {unit.name}./.")
    instance = session.scalars(select(ProcessInstance.id).where(
        ProcessInstance.plan_id == plan.id, ProcessInstance.unit_id == unit.id,
        ProcessInstance.round_key == round_key)).first()
    on_behalf, capacity = issuers.capacity_of(unit)
    signer = issuers.signer_of(session, instance, "adhoc_report_approve")
    nd30.signature(doc, nd30.Signature(on_behalf, capacity, signer.name, ["Như trên"],
                                       signer.for_name))
    return nd30.to_bytes(doc)


def build_compiled(session: Session, actor: Actor, plan: Plan, round_key: str) -> bytes:
    """Return the .docx compiling every asked unit's answers to the request of `round_key`."""
    if not may_supervise(actor):
        raise NotFoundError("Không tìm thấy báo cáo")
    request = _request(session, plan, round_key)
    units = adhoc.units_of(session, request)
    reports = {r.unit_id: r for r in session.scalars(select(Report).where(
        Report.plan_id == plan.id, Report.round_key == round_key))}
    doc = nd30.new_document()
    issuer, reporter = issuers.supervisor_issuer(session)
    nd30.heading(doc, issuer, None, None)
    nd30.title(doc, "Báo cáo", f"Tổng hợp báo cáo của các đơn vị: {request.subject}")
    nd30.addressees(doc, [request.issuer])
    sent = [u for u in units if reports.get(u.id) and reports[u.id].submitted_at]
    late = [u for u in sent if reports[u.id].late]
    nd30.body(doc, f"{_basis(request)}, {len(units)} đơn vị được yêu cầu báo cáo; "
                   f"{len(sent)} đơn vị đã gửi ({len(late)} gửi quá hạn), "
                   f"{len(units) - len(sent)} đơn vị chưa gửi. Tổng hợp như sau:")
    for index, question in enumerate(request.questions, start=1):
        nd30.section_title(doc, f"{index}. {adhoc.title_of(question)}")
        rows = [(str(i), u.name, answer_text(question, (reports[u.id].answers or {}).get(
            question["key"])) if u in sent else "Chưa gửi báo cáo")
            for i, u in enumerate(units, start=1)]
        nd30.table(doc, ("STT", "Đơn vị", "Trả lời"), rows, (12, 68, 85))
    on_behalf, capacity = issuers.capacity_of(reporter) if reporter else ("", "Giám đốc")
    nd30.signature(doc, nd30.Signature(on_behalf, capacity, "", ["Như trên"]))
    return nd30.to_bytes(doc)
