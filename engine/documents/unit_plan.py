"""A unit's adopted plan as a Word document: "KẾ HOẠCH" with the unit's own Phụ lục I (the
KPIs it took on, its targets beside the province's) and Phụ lục II (its tasks as adapted: the
department responsible, product, deadline), signed by its leader. Read through the unit
page's read model, so the page's access rule is the document's."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.errors import NotFoundError
from engine.core.formatting import format_date
from engine.core.permissions import Actor
from engine.documents import issuers, nd30
from engine.queries import unit_views
from models import Plan, ProcessInstance

KPI_HEADS = ("STT", "Các mục tiêu/chỉ tiêu", "Chỉ tiêu của tỉnh", "Chỉ tiêu của đơn vị")
KPI_WIDTHS = (12, 93, 30, 30)
TASK_HEADS = ("STT", "Tên nhiệm vụ", "Bộ phận chủ trì", "Sản phẩm", "Thời gian hoàn thành")
TASK_WIDTHS = (12, 63, 30, 35, 25)


def file_name(unit_code: str, year: int) -> str:
    """Return the download name of a unit's adopted plan."""
    return f"ke-hoach-{unit_code}-{year}.docx"


def build(session: Session, actor: Actor, plan: Plan, code: str) -> bytes:
    """Return the .docx of unit `code`'s adopted plan (NotFoundError when the actor may not see
    the unit or the unit has not drafted its plan)."""
    overview = unit_views.overview(session, actor, plan, code)
    adopted = overview.adopted
    if adopted is None or not (adopted.kpis or adopted.tasks):
        raise NotFoundError("Đơn vị chưa lập kế hoạch")
    unit = unit_views.find_unit(session, actor, code)
    doc = nd30.new_document()
    nd30.heading(doc, issuers.issuer_of(session, unit, "KH"), adopted.plan_number,
                 adopted.plan_date)
    nd30.title(doc, "Kế hoạch", f"Chuyển đổi số năm {plan.year} của {unit.name}")
    basis = f"Căn cứ {plan.title}"
    if plan.decision_number:
        basis += f" (Quyết định số {plan.decision_number}"
        basis += f" ngày {format_date(plan.decision_date)})" if plan.decision_date else ")"
    nd30.body(doc, f"{basis}; {unit.name} ban hành Kế hoạch chuyển đổi số năm {plan.year} "
                   "với các mục tiêu, chỉ tiêu và nhiệm vụ như sau:")
    nd30.section_title(doc, "Phụ lục I. CÁC MỤC TIÊU, CHỈ TIÊU")
    kpis = [k for k in adopted.kpis if k.selected]
    nd30.table(doc, KPI_HEADS, [(str(i), f"{k.code}. {k.name}", k.province_target, k.own_target)
                                for i, k in enumerate(kpis, start=1)], KPI_WIDTHS)
    nd30.section_title(doc, "Phụ lục II. CÁC NHIỆM VỤ")
    tasks = [t for t in adopted.tasks if t.kept]
    nd30.table(doc, TASK_HEADS, [(str(i), f"{t.code}. {t.name}", t.responsible, t.product,
                                  t.deadline_text) for i, t in enumerate(tasks, start=1)],
               TASK_WIDTHS)
    on_behalf, capacity = issuers.capacity_of(unit)
    instance = session.scalars(select(ProcessInstance.id).where(
        ProcessInstance.plan_id == plan.id, ProcessInstance.unit_id == unit.id,
        ProcessInstance.process_key == "unit_plan")).first()
    signer = issuers.signer_of(session, instance, "unit_plan_approve")
    nd30.signature(doc, nd30.Signature(on_behalf, capacity, signer.name,
                                       ["Sở Khoa học và Công nghệ", "Các bộ phận thực hiện"],
                                       signer.for_name))
    return nd30.to_bytes(doc)
