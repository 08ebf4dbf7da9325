"""A unit's report for a round as a Word document (as seed 004 is written): heading block,
"Kính gửi" the regime's receiver, the KPI table (chỉ tiêu, đơn vị tính, chỉ tiêu của đơn vị,
kết quả, đạt / chưa đạt, ghi chú), the task table (nhiệm vụ, sản phẩm, tình trạng, mô tả), the
difficulties and proposals, and the signature block. Read through the unit page's read model,
so the page's access rule is the document's."""

from __future__ import annotations

from docx.document import Document as DocxDocument
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.errors import NotFoundError
from engine.core.formatting import format_date
from engine.core.labels import round_phrase
from engine.core.permissions import Actor
from engine.documents import adhoc_answers, issuers, nd30
from engine.domain import adhoc, regimes
from engine.queries import unit_views
from models import Plan, PlanKpi, ProcessInstance, Unit

SIGNING_STEPS = {
    "quarterly_report": "quarterly_report_approve",
    "internal_report": "internal_report_fill",
    "adhoc_report": "adhoc_report_approve",
}
KPI_HEADS = ("STT", "Chỉ tiêu", "Đơn vị tính", "Chỉ tiêu của đơn vị", "Kết quả",
             "Đạt / chưa đạt", "Ghi chú")
KPI_WIDTHS = (12, 50, 15, 22, 18, 20, 28)
TASK_HEADS = ("STT", "Nhiệm vụ", "Sản phẩm", "Tình trạng", "Mô tả")
TASK_WIDTHS = (12, 58, 35, 25, 35)


def file_name(unit_code: str, round_key: str) -> str:
    """Return the download name of a unit's report for a round."""
    return f"bao-cao-{unit_code}-{round_key}.docx"


def _instance(session: Session, plan_id: int, unit_id: int, round_key: str
              ) -> ProcessInstance | None:
    return session.scalars(
        select(ProcessInstance).where(
            ProcessInstance.plan_id == plan_id,
            ProcessInstance.unit_id == unit_id,
            ProcessInstance.round_key == round_key,
            ProcessInstance.process_key.in_(list(SIGNING_STEPS)),
        )
    ).first()


def build(session: Session, actor: Actor, plan: Plan, code: str, round_key: str) -> bytes:
    """Return the .docx of unit `code`'s report for `round_key` (NotFoundError when the actor
    may not see the unit or the unit has no report for the round); an ad-hoc request's round
    gives the unit's answer to it."""
    if adhoc.find(session, plan.id, round_key) is not None:
        return adhoc_answers.build_unit(session, actor, plan, code, round_key)
    overview = unit_views.overview(session, actor, plan, code)
    report = next((r for r in overview.reports if r.round_key == round_key), None)
    if report is None:
        raise NotFoundError("Đơn vị chưa có báo cáo của đợt này")
    unit = unit_views.find_unit(session, actor, code)
    instance = _instance(session, plan.id, unit.id, round_key)
    doc = nd30.new_document()
    signed = report.submitted_at.date() if report.submitted_at else None
    nd30.heading(doc, issuers.issuer_of(session, unit), report.report_number, signed)
    found = regimes.find_round(plan, round_key)
    content = found.regime.content if found else "Tình hình, kết quả thực hiện kế hoạch"
    nd30.title(doc, "Báo cáo", f"{content}, {round_phrase(round_key)} năm {plan.year}")
    receiver = found.regime.receiver if found else "Sở Khoa học và Công nghệ"
    if unit.kind == "internal" and unit.parent is not None:
        receiver = issuers.full_name(f"UBND {unit.parent.name}")
    nd30.addressees(doc, [receiver])
    nd30.body(doc, _opening(plan, unit, round_key))
    _kpi_section(session, doc, plan, report)
    _task_section(doc, report, overview)
    nd30.section_title(doc, "III. KHÓ KHĂN, VƯỚNG MẮC")
    nd30.body(doc, report.notes or "")
    nd30.section_title(doc, "IV. ĐỀ XUẤT, KIẾN NGHỊ")
    nd30.body(doc, report.proposals or "")
    nd30.body(doc, f"Trên đây là báo cáo {round_phrase(round_key)} năm {plan.year} "
                   f"của {unit.name}./.")
    on_behalf, capacity = issuers.capacity_of(unit)
    signer = issuers.signer_of(session, instance.id if instance else None,
                               SIGNING_STEPS.get(instance.process_key, "") if instance else "")
    nd30.signature(doc, nd30.Signature(on_behalf, capacity, signer.name, ["Như trên"],
                                       signer.for_name))
    return nd30.to_bytes(doc)


def _opening(plan: Plan, unit: Unit, round_key: str) -> str:
    decision = ""
    if plan.decision_number:
        decision = f" (Quyết định số {plan.decision_number}"
        decision += f" ngày {format_date(plan.decision_date)})" if plan.decision_date else ")"
    return (f"Thực hiện {plan.title}{decision}, {unit.name} báo cáo kết quả thực hiện "
            f"{round_phrase(round_key)} năm {plan.year} như sau:")


def _kpi_section(session: Session, doc: DocxDocument, plan: Plan,
                 report: unit_views.QuarterReport) -> None:
    units = {k.code: k.target_unit or "" for k in session.scalars(
        select(PlanKpi).where(PlanKpi.plan_id == plan.id))}
    nd30.section_title(doc, "I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU")
    rows = [(str(i), f"{k.code}. {k.name}", units.get(k.code, ""), k.target, k.value, k.label,
             k.description) for i, k in enumerate(report.kpis, start=1)]
    nd30.table(doc, KPI_HEADS, rows, KPI_WIDTHS)


def _task_section(doc: DocxDocument, report: unit_views.QuarterReport,
                  overview: unit_views.UnitOverview) -> None:
    products = {t.code: t.product for t in (overview.adopted.tasks if overview.adopted else ())}
    nd30.section_title(doc, "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ")
    rows = [(str(i), f"{t.code}. {t.name}", products.get(t.code, ""), t.label, t.description)
            for i, t in enumerate(report.tasks, start=1)]
    nd30.table(doc, TASK_HEADS, rows, TASK_WIDTHS)
