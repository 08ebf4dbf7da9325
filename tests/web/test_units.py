"""Đơn vị: who sees which unit page, and what it shows — the adopted plan against the province's
targets, quarterly reports with verdicts, internal departments' inputs, the inspection — on the
year played to 08/03/2026."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from engine.core import clock
from models import Inspection, Report, Unit, UnitPlan
from tests.web.conftest import text, unit_id
from tests.web.year_state import year_db, year_plan  # noqa: F401  (fixtures)

SignedIn = Callable[[str], FlaskClient]



@pytest.fixture
def db_engine(year_db: Engine) -> Iterator[Engine]:  # noqa: F811
    """Every test of this module starts on the played year."""
    yield year_db


@pytest.fixture
def web_data() -> None:
    """The played year is already in the database."""
    return None


ACCESS = [
    ("muong-la.staff", "muong-la", 200), ("muong-la.leader", "muong-la", 200),
    ("muong-la.staff", "to-hieu", 404), ("so-tai-chinh.leader", "muong-la", 404),
    ("muong-la-cong-an-xa.staff", "muong-la-cong-an-xa", 200),
    ("muong-la-cong-an-xa.staff", "muong-la", 404),
    ("skhcn.staff", "muong-la", 200), ("ubnd.leader", "so-tai-chinh", 200),
    ("inspector", "to-hieu", 200), ("admin", "muong-la-cong-an-xa", 200),
    ("skhcn.staff", "khong-co-don-vi-nay", 404),
]


@pytest.mark.parametrize(("username", "code", "status"), ACCESS)
def test_unit_page_access(signed_in: SignedIn, username: str, code: str, status: int) -> None:
    response = signed_in(username).get(f"/units/{code}")
    assert response.status_code == status
    if status == 404:
        assert "Không tìm thấy" in text(response)


def test_the_unit_list(signed_in: SignedIn, client: FlaskClient) -> None:
    response = signed_in("muong-la.staff").get("/units")
    assert response.status_code == 302 and response.headers["Location"] == "/units/muong-la"
    html = text(signed_in("skhcn.staff").get("/units"))
    assert html.count('href="/units/') == 40 and "Xã Mường La" in html and "Sở Tài chính" in html
    found = text(signed_in("skhcn.staff").get("/units?q=tài chính"))
    assert found.count('href="/units/') == 1
    assert client.get("/units/muong-la").status_code == 302


def test_the_adopted_plan_with_own_targets_and_departments(signed_in: SignedIn,
                                                           session: Session) -> None:
    record = session.scalars(select(UnitPlan).where(
        UnitPlan.unit_id == unit_id(session, "muong-la"))).one()
    kpis = [dict(k) for k in record.kpis]
    next(k for k in kpis if k["code"] == "III.14")["target_value"] = 85
    record.kpis = kpis
    session.commit()
    html = text(signed_in("muong-la.staff").get("/units/muong-la"))
    assert "Xã Mường La" in html and "Sở KHCN đã tiếp nhận" in html
    assert "Chỉ tiêu (29 áp dụng / 29)" in html
    row = html[html.index('<tr data-kpi="III.14"'):]
    row = row[:row.index("</tr>")]
    assert "65%" in row and "fw-semibold text-primary" in row and "≥ 85%" in row
    assert '<td class="responsible">Phòng Văn hóa - Xã hội</td>' in html
    assert '<td class="responsible">Văn phòng HĐND-UBND xã</td>' in html
    assert "Kế hoạch số" in html and "10/01/2026" in html


def test_internal_departments_inputs_on_the_commune_page(signed_in: SignedIn) -> None:
    html = text(signed_in("skhcn.staff").get("/units/muong-la"))
    section = html[html.index('id="internal-inputs"'):html.index('id="inspection"')]
    assert "Báo cáo của các bộ phận trực thuộc" in section
    for name in ("Phòng Văn hóa - Xã hội", "Công an xã", "Trung tâm Dịch vụ tổng hợp"):
        assert name in section
    assert "Quý I" in section and "gửi " in section
    assert any(label in section for label in ("Đã hoàn thành", "Đang thực hiện", "Chưa thực hiện"))
    assert 'id="internal-inputs"' not in text(signed_in("skhcn.staff").get("/units/so-tai-chinh"))


def test_an_internal_departments_page_names_its_commune_as_receiver(signed_in: SignedIn,
                                                                     session: Session) -> None:
    sent = session.scalars(select(Report).join(Unit, Unit.id == Report.unit_id).where(
        Unit.kind == "internal", Report.submitted_at.is_not(None)).order_by(Report.id)).first()
    assert sent is not None
    department = session.get(Unit, sent.unit_id)
    assert department is not None and department.parent is not None
    html = text(signed_in("skhcn.staff").get(f"/units/{department.code}"))
    assert "thuộc thuộc" not in html
    assert re.search(rf'Bộ phận trực thuộc\s*<a href="/units/{department.parent.code}">', html)
    start = html.index(f'id="report-{sent.round_key}"')
    summary = html[start:html.index("</summary>", start)]
    receiver = "UBND " + department.parent.name[:1].lower() + department.parent.name[1:]
    assert f"Đã gửi {receiver}" in summary and "Sở KHCN" not in summary


def test_a_reports_status_on_the_unit_page_is_its_matrix_cells(session: Session) -> None:
    from engine.core.permissions import Actor, Grant
    from engine.queries import supervision, unit_views

    plan = session.scalars(select(UnitPlan.plan_id)).first()
    from models import Plan

    plan_row = session.get(Plan, plan)
    assert plan_row is not None
    actor = Actor(user_id=1, unit_id=0, grants=(Grant("dost_staff", None),))
    matrix = supervision.build(session, plan_row)
    checked = 0
    for row in matrix.rows:
        page = unit_views.overview(session, actor, plan_row, row.code)
        for report in page.reports:
            cell = row.cells.get(report.round_key)
            if cell is None or cell.status is None or report.submitted_at is not None:
                continue
            checked += 1
            assert report.status_label.startswith(cell.label), (row.code, report.status_label)
            assert not ("Chưa bắt đầu" in report.status_label and cell.label != "Chưa bắt đầu")
    assert checked > 0  # some units had not sent the first quarter's report by 08/03


def test_a_submitted_quarterly_report_with_verdicts(signed_in: SignedIn, session: Session) -> None:
    report = session.scalars(select(Report).where(
        Report.round_key == "q1", Report.submitted_at.is_not(None))
        .order_by(Report.unit_id)).first()
    assert report is not None
    unit = session.get(Unit, report.unit_id)
    assert unit is not None
    html = text(signed_in("ubnd.leader").get(f"/units/{unit.code}"))
    start = html.index('id="report-q1"')
    section = html[start:html.index("</details>", start)]
    assert "Quý I" in section and "hạn 05/03/2026" in section
    assert f"Báo cáo số {report.report_number}" in section
    first = report.kpi_results[0]
    expected = "Đạt" if first["verdict"] == "dat" else "Chưa đạt"
    row = section[section.index(f'<tr data-kpi="{first["code"]}"'):]
    row = row[:row.index("</tr>")]
    assert f">{expected}</td>" in row
    assert str(first["actual_value"]).replace(".", ",") in row
    labels = {"done": "Đã hoàn thành", "in_progress": "Đang thực hiện",
              "not_started": "Chưa thực hiện"}
    for item in report.task_statuses[:3]:
        assert labels[item["status"]] in section


def test_the_inspection_section(signed_in: SignedIn, session: Session) -> None:
    assert "Đơn vị chưa được chọn kiểm tra." in text(signed_in("skhcn.staff").get("/units/to-hieu"))
    plan = year_plan(session)
    session.add(Inspection(
        plan_id=plan.id, unit_id=unit_id(session, "to-hieu"), due_date=date(2026, 11, 30),
        findings="Đơn vị còn chậm cập nhật dữ liệu dân cư", conclusion_number="12/TB-ĐKT",
        conclusion="Yêu cầu khắc phục trước 15/12/2026", signed_at=clock.now(),
        remediation_required=True, remediation_due=date(2026, 12, 15), updated_at=clock.now()))
    session.commit()
    html = text(signed_in("to-hieu.leader").get("/units/to-hieu"))
    section = html[html.index('id="inspection"'):html.index('id="extensions"')]
    assert "Kết luận số 12/TB-ĐKT ký ngày 08/03/2026" in section
    assert "Đơn vị còn chậm cập nhật dữ liệu dân cư" in section
    assert "hạn 15/12/2026" in section and "chưa báo cáo" in section
