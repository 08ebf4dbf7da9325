"""A unit's report for a round as a .docx in Nghị định 30/2020's layout, read back with
python-docx: page, margins, font, heading block, title, tables and their rows, signature."""

from __future__ import annotations

import io
import os
import re
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import clock
from engine.core.errors import NotFoundError
from engine.demo.actors import act, ready_tasks
from engine.demo.bootstrap import at
from engine.documents import unit_report
from engine.processes import tasks, timers
from engine.queries import task_views
from models import Unit
from tests.documents.conftest import to_pdf
from tests.scripted import adopt_plan


def _unit(session: Session, code: str) -> Unit:
    return session.scalars(select(Unit).where(Unit.code == code)).one()


def _one(session: Session, u: Unit, form_key: str):  # type: ignore[no-untyped-def]
    found = ready_tasks(session, unit_id=u.id, form_key=form_key)
    assert found, form_key
    return found[0]


def report_q1(session: Session, cast, code: str) -> Unit:  # type: ignore[no-untyped-def]
    """Adopt the template, then send and sign the Q1 report (the first KPI at 47,5)."""
    office = _unit(session, code)
    clock.set_now(at(date(2026, 1, 7), 9))
    assert adopt_plan(session, cast, office, "03/KH-VPUB")
    act(session, cast, _one(session, office, "unit_plan_review"), {"decision": "accept"})
    clock.set_now(at(date(2026, 2, 19), 8, 1))
    timers.tick(session)
    fill = _one(session, office, "quarterly_report_fill")
    staff = cast.actor("unit_staff", office.id)
    data = task_views.get(session, staff, fill.id)[1]
    data["kpi_results"][0]["actual_value"] = 47.5
    data["kpi_results"][0]["actual_text"] = "Đã cập nhật số liệu"
    data["task_statuses"][0]["status"] = "done"
    data["task_statuses"][0]["description"] = "Đã ban hành kế hoạch chuyển đổi số"
    data["notes"] = "Hạ tầng mạng ở các xã vùng cao còn yếu.\nThiếu cán bộ chuyên trách."
    data["proposals"] = "Đề nghị bố trí kinh phí năm 2027."
    clock.set_now(at(date(2026, 2, 25), 9))
    tasks.complete(session, staff, fill.id, data)
    act(session, cast, _one(session, office, "quarterly_report_approve"),
        {"decision": "approve", "report_number": "45"})
    session.commit()
    return office


def texts(document) -> list[str]:  # type: ignore[no-untyped-def]
    found = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                found.extend(p.text for p in cell.paragraphs)
    return found


def test_a_units_q1_report_reads_back_in_the_national_layout(
    session: Session, world, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    plan, cast = world
    office = report_q1(session, cast, "van-phong-ubnd-tinh")
    admin = cast.actor("dost_staff", None)
    data = unit_report.build(session, admin, plan, office.code, "q1")
    document = Document(io.BytesIO(data))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 15
    assert 20 <= round(section.top_margin.mm) <= 25 and 20 <= round(section.bottom_margin.mm) <= 25
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and 13 <= normal.font.size.pt <= 14
    assert section.different_first_page_header_footer
    heading, kpis, tasks_table, signature = document.tables
    left, right = (c.text for c in heading.rows[0].cells)
    assert "UBND TỈNH SƠN LA" in left and "VĂN PHÒNG UBND TỈNH" in left
    assert "Số: 45/BC-VPUT" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and "Độc lập - Tự do - Hạnh phúc" in right
    assert "Sơn La, ngày 25 tháng 02 năm 2026" in right
    title = [p.text for p in document.paragraphs if p.text]
    assert title[0] == "BÁO CÁO" and title[1].endswith("quý I năm 2026")
    assert "Kính gửi: Sở Khoa học và Công nghệ." in title
    assert [c.text for c in kpis.rows[0].cells] == list(unit_report.KPI_HEADS)
    first = [c.text for c in kpis.rows[1].cells]
    assert first[0] == "1" and first[4] == "47,5" and first[5] in ("Đạt", "Chưa đạt")
    assert first[6] == "Đã cập nhật số liệu"
    assert [c.text for c in tasks_table.rows[0].cells] == list(unit_report.TASK_HEADS)
    done = [c.text for c in tasks_table.rows[1].cells]
    assert done[3] == "Đã hoàn thành" and done[4] == "Đã ban hành kế hoạch chuyển đổi số"
    assert len(tasks_table.rows) > 10
    difficulties = title.index("III. KHÓ KHĂN, VƯỚNG MẮC")
    assert title[difficulties + 1: difficulties + 3] == [
        "Hạ tầng mạng ở các xã vùng cao còn yếu.", "Thiếu cán bộ chuyên trách."]
    assert title[difficulties + 3: difficulties + 5] == [
        "IV. ĐỀ XUẤT, KIẾN NGHỊ", "Đề nghị bố trí kinh phí năm 2027."]
    signer = signature.rows[0].cells[1].text
    assert "CHÁNH VĂN PHÒNG" in signer and "Nơi nhận:" in signature.rows[0].cells[0].text
    assert any(run.font.size and run.font.size.pt == 12 for p in heading.rows[0].cells[1].paragraphs
               for run in p.runs if run.text.startswith("CỘNG HÒA"))
    pdf = to_pdf(data, tmp_path)
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) >= 2
    if os.environ.get("PLANCASCADE_KEEP_DOCUMENTS"):
        Path(os.environ["PLANCASCADE_KEEP_DOCUMENTS"], "unit-report.pdf").write_bytes(pdf)


def test_a_unit_sees_only_its_own_report_documents(session: Session, world) -> None:
    plan, cast = world
    office = report_q1(session, cast, "van-phong-ubnd-tinh")
    other = _unit(session, "so-noi-vu")
    with pytest.raises(NotFoundError):
        unit_report.build(session, cast.actor("unit_staff", other.id), plan, office.code, "q1")
    with pytest.raises(NotFoundError):
        unit_report.build(session, cast.actor("unit_staff", office.id), plan, office.code, "q3")
    own = unit_report.build(session, cast.actor("unit_staff", office.id), plan, office.code, "q1")
    assert any("VĂN PHÒNG UBND TỈNH" in t for t in texts(Document(io.BytesIO(own))))


def test_a_units_adopted_plan_lists_its_own_kpis_and_tasks(
    session: Session, world, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    from engine.documents import unit_plan

    plan, cast = world
    office = report_q1(session, cast, "van-phong-ubnd-tinh")
    data = unit_plan.build(session, cast.actor("unit_leader", office.id), plan, office.code)
    document = Document(io.BytesIO(data))
    heading, kpis, tasks_table, signature = document.tables
    assert "Số: 03/KH-VPUB" in heading.rows[0].cells[0].text  # as the unit typed it
    assert "Sơn La, ngày 07 tháng 01 năm 2026" in heading.rows[0].cells[1].text
    found = texts(document)
    assert "KẾ HOẠCH" in found and f"Chuyển đổi số năm 2026 của {office.name}" in found
    assert [c.text for c in kpis.rows[0].cells] == list(unit_plan.KPI_HEADS)
    assert [c.text for c in kpis.rows[1].cells][2:] == ["44,65%", "≥ 44,65%"]
    assert [c.text for c in tasks_table.rows[1].cells][2] == "Văn phòng"
    assert to_pdf(data, tmp_path).startswith(b"%PDF")
    with pytest.raises(NotFoundError):
        unit_plan.build(session, cast.actor("unit_leader", office.id), plan, "so-noi-vu")
