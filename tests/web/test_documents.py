"""Word downloads from the pages: a unit's report and plan (the unit page's rule), the province
report (those who supervise); links shown where the data is."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from flask import Flask
from sqlalchemy.orm import Session

from tests.documents.test_unit_report_docx import report_q1, texts
from tests.web.conftest import text

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_a_unit_downloads_its_report_and_plan_and_others_get_404(
    app: Flask, signed_in: Any, session: Session, world: Any
) -> None:
    _, cast = world
    office = report_q1(session, cast, "van-phong-ubnd-tinh")
    own = signed_in("van-phong-ubnd-tinh.staff")
    page = text(own.get(f"/units/{office.code}"))
    assert "Tải báo cáo (Word)" in page and "Tải kế hoạch của đơn vị" in page
    report = own.get(f"/units/{office.code}/reports/q1.docx")
    assert report.status_code == 200 and report.mimetype == DOCX
    assert "bao-cao-van-phong-ubnd-tinh-q1.docx" in report.headers["Content-Disposition"]
    assert any("VĂN PHÒNG UBND TỈNH" in t for t in texts(Document(io.BytesIO(report.data))))
    assert own.get(f"/units/{office.code}/plan.docx").status_code == 200
    assert own.get(f"/units/{office.code}/reports/q4.docx").status_code == 404
    other = signed_in("so-noi-vu.staff")
    assert other.get(f"/units/{office.code}/reports/q1.docx").status_code == 404
    assert other.get(f"/units/{office.code}/plan.docx").status_code == 404
    assert other.get("/supervision/reports/q1.docx").status_code == 404


def test_sokhcn_downloads_the_province_report_from_the_kpi_page(
    app: Flask, signed_in: Any, session: Session, world: Any
) -> None:
    _, cast = world
    report_q1(session, cast, "van-phong-ubnd-tinh")
    staff = signed_in("skhcn.staff")
    page = text(staff.get("/supervision/kpis?round=q1"))
    assert "Tải báo cáo tổng hợp (Word)" in page
    response = staff.get("/supervision/reports/q1.docx")
    assert response.status_code == 200 and response.mimetype == DOCX
    found = texts(Document(io.BytesIO(response.data)))
    assert "1. Đơn vị gửi đúng hạn (1 đơn vị)" in found
    assert staff.get("/supervision/reports/nope.docx").status_code == 404
    assert signed_in("ubnd.leader").get("/supervision/reports/q1.docx").status_code == 200


def test_an_adhoc_requests_answers_download_per_unit_and_compiled(
    app: Flask, signed_in: Any, session: Session, world: Any
) -> None:
    from datetime import date

    from engine.core import clock
    from engine.demo.bootstrap import at
    from engine.processes import adhoc_requests
    from tests.engine.test_adhoc_requests import answer, request_input

    plan, cast = world
    clock.set_now(at(date(2026, 4, 16), 9))
    adhoc_requests.issue(session, cast.actor("dost_staff", None), plan.id, request_input(session))
    session.commit()
    answer(session, cast, "muong-la", "2026-04-20T09:00+07:00")
    commune = signed_in("muong-la.staff")
    response = commune.get("/units/muong-la/reports/r1.docx")
    assert response.status_code == 200
    assert "3 lớp" in texts(Document(io.BytesIO(response.data)))
    assert commune.get("/units/muong-la/requests/r1.docx").status_code == 200
    assert commune.get("/requests/r1.docx").status_code == 404
    staff = signed_in("skhcn.staff")
    assert 'href="/requests/r1.docx' in staff.get("/requests/").get_data(as_text=True)
    compiled = staff.get("/requests/r1.docx")
    assert compiled.status_code == 200 and compiled.mimetype == DOCX
