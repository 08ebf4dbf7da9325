"""The province report of a round as a .docx: counts by status, the units on time / late / not
yet by name and kind, the KPI roll-up; only for those who supervise."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy.orm import Session

from engine.core import clock
from engine.core.errors import NotFoundError
from engine.demo.bootstrap import at
from engine.documents import province_report
from engine.processes import timers
from tests.documents.conftest import to_pdf
from tests.documents.test_unit_report_docx import report_q1, texts


def test_the_province_report_of_q1_lists_the_units_by_name(
    session: Session, world, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    plan, cast = world
    office = report_q1(session, cast, "van-phong-ubnd-tinh")
    clock.set_now(at(date(2026, 3, 20), 9))  # the round has closed: the report is kept
    timers.tick(session)
    session.commit()
    data = province_report.build(session, cast.actor("dost_staff", None), plan, "q1")
    document = Document(io.BytesIO(data))
    found = texts(document)
    assert "BÁO CÁO" in found and "Kính gửi:" in found
    assert any(t.startswith("Tổng số đơn vị phải báo cáo: 90; gửi đúng hạn: 1;") for t in found)
    on_time = found.index("1. Đơn vị gửi đúng hạn (1 đơn vị)")
    assert found[on_time + 1] == f"- Sở, ban, ngành (1): {office.name}."
    missing = next(t for t in found if t.startswith("3. Đơn vị chưa gửi"))
    assert missing == "3. Đơn vị chưa gửi (89 đơn vị)"
    assert any(t.startswith("- UBND xã, phường (75): ") and "Phường Tô Hiệu" in t for t in found)
    heading, kpis, _signature = document.tables
    assert "SỞ KHOA HỌC VÀ CÔNG NGHỆ" in heading.rows[0].cells[0].text
    assert [c.text for c in kpis.rows[0].cells] == list(province_report.KPI_HEADS)
    first = [c.text for c in kpis.rows[1].cells]
    assert first[1].startswith("I.1.") and first[3] == "1" and first[6] == "47,5"
    assert to_pdf(data, tmp_path).startswith(b"%PDF")


def test_only_supervisors_read_the_province_report(session: Session, world) -> None:
    plan, cast = world
    office = report_q1(session, cast, "van-phong-ubnd-tinh")
    with pytest.raises(NotFoundError):
        province_report.build(session, cast.actor("unit_leader", office.id), plan, "q1")
    with pytest.raises(NotFoundError):
        province_report.build(session, cast.actor("dost_staff", None), plan, "q9")
    ubnd = province_report.build(session, cast.actor("province_leader", None), plan, "q1")
    assert any("Kính gửi" in t for t in texts(Document(io.BytesIO(ubnd))))
