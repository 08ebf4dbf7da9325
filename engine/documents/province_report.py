"""The province report of a round as a Word document (as seed 001 lists the units): Sở KHCN
reports to UBND tỉnh and the steering committee — counts by status, the units on time, late
and not yet by name and kind, the KPI roll-up, the tasks, the reviewer's comments and
recommendations. Built from the stored province report (computed now when none is stored);
readable by whoever may supervise."""

from __future__ import annotations

from typing import Any

from docx.document import Document as DocxDocument
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.errors import NotFoundError
from engine.core.formatting import format_number
from engine.core.labels import in_sentence, round_label
from engine.core.permissions import Actor, may_supervise
from engine.documents import issuers, nd30
from engine.domain import aggregation
from engine.queries import supervision
from models import ProcessInstance

BUCKETS = (("on_time", "Đơn vị gửi đúng hạn"), ("late", "Đơn vị gửi quá hạn"),
           ("missing", "Đơn vị chưa gửi"))
KINDS = (("department", "Sở, ban, ngành"), ("commune", "UBND xã, phường"))
KPI_HEADS = ("STT", "Chỉ tiêu", "Chỉ tiêu của tỉnh", "Số đơn vị báo cáo", "Số đơn vị đạt",
             "Thấp nhất", "Trung vị", "Cao nhất")
KPI_WIDTHS = (12, 53, 18, 18, 16, 16, 16, 16)


def file_name(stage_key: str) -> str:
    """Return the download name of the province report of a stage."""
    return f"bao-cao-tong-hop-{stage_key}.docx"


def _data(session: Session, plan: Any, stage_key: str) -> tuple[dict[str, Any], Any]:
    keys = {s.key for s in supervision.stages(plan) if s.key not in ("adoption", "inspection")}
    if stage_key not in keys | {"year"}:
        raise NotFoundError("Không có đợt báo cáo này trong kế hoạch")
    stored = aggregation.find(session, plan.id, stage_key)
    data = stored.data if stored is not None and stored.data else aggregation.compute(
        session, plan, stage_key)
    return data, stored


def _approval_instance(session: Session, plan_id: int, stage_key: str) -> int | None:
    """Return the id of the aggregation instance of the stage (whose approval signs it)."""
    return session.scalars(
        select(ProcessInstance.id)
        .where(
            ProcessInstance.process_key == "aggregation",
            ProcessInstance.plan_id == plan_id,
            ProcessInstance.round_key == stage_key,
        )
        .order_by(ProcessInstance.id.desc())
    ).first()


def build(session: Session, actor: Actor, plan: Any, stage_key: str) -> bytes:
    """Return the .docx of the province report of `stage_key` for someone who may supervise."""
    if not may_supervise(actor):
        raise NotFoundError("Không tìm thấy báo cáo")
    data, stored = _data(session, plan, stage_key)
    issuer, reporter = issuers.supervisor_issuer(session)
    doc = nd30.new_document()
    approved = stored.approved_at.date() if stored is not None and stored.approved_at else None
    nd30.heading(doc, issuer, None, approved)
    phrase = in_sentence(str(data.get("round_label") or round_label(stage_key)))
    nd30.title(doc, "Báo cáo", f"Tổng hợp tình hình thực hiện {plan.title}, {phrase}")
    nd30.addressees(doc, ["Ủy ban nhân dân tỉnh",
                          "Ban Chỉ đạo chuyển đổi số tỉnh"])
    _who(doc, data["who"])
    _kpis(doc, data.get("kpis") or [])
    nd30.section_title(doc, "III. NHẬN XÉT, ĐÁNH GIÁ")
    nd30.body(doc, (stored.reviewed_comments if stored is not None else "") or "")
    nd30.section_title(doc, "IV. ĐỀ XUẤT, KIẾN NGHỊ")
    nd30.body(doc, str(data.get("recommendations") or ""))
    nd30.body(doc, f"Trên đây là báo cáo tổng hợp {phrase} của "
                   f"{reporter.name if reporter else issuers.SUPERVISOR}./.")
    on_behalf, capacity = issuers.capacity_of(reporter) if reporter else ("", "Giám đốc")
    signer = issuers.signer_of(session, _approval_instance(session, plan.id, stage_key),
                               "aggregation_approve")
    nd30.signature(doc, nd30.Signature(on_behalf, capacity, signer.name,
                                       ["Như trên", "Các sở, ban, ngành; UBND các xã, phường"],
                                       signer.for_name))
    return nd30.to_bytes(doc)


def _who(doc: DocxDocument, who: dict[str, Any]) -> None:
    counts, groups = who["counts"], who["groups"]
    nd30.section_title(doc, "I. TÌNH HÌNH GỬI BÁO CÁO CỦA CÁC ĐƠN VỊ")
    nd30.body(doc, (
        f"Tổng số đơn vị phải báo cáo: {who['total']}; gửi đúng hạn: {counts['on_time']}; "
        f"gửi quá hạn: {counts['late']}; chưa gửi: {counts['missing']}."))
    for index, (bucket, title) in enumerate(BUCKETS, start=1):
        nd30.section_title(doc, f"{index}. {title} ({counts[bucket]} đơn vị)")
        for kind, kind_title in KINDS:
            names = groups[bucket].get(kind) or []
            if names:
                nd30.body(doc, f"- {kind_title} ({len(names)}): {', '.join(names)}.")


def _kpis(doc: DocxDocument, kpis: list[dict[str, Any]]) -> None:
    nd30.section_title(doc, "II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU")
    rows = [
        (str(i), f"{k['code']}. {k['name']}", format_number(k.get("province_target")),
         str(k.get("units_reporting", 0)), str(k.get("units_met", 0)),
         format_number(k.get("min"), 2), format_number(k.get("median"), 2),
         format_number(k.get("max"), 2))
        for i, k in enumerate(kpis, start=1)
    ]
    nd30.table(doc, KPI_HEADS, rows, KPI_WIDTHS)
