"""Giám sát: who reaches it, the matrix with its filters and counts, late lists, KPI roll-ups,
the ranking, and GET /api/status — on a year played to 08/03/2026 (Q1 due 05/03)."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from engine.admin import substitutions
from engine.core import clock
from engine.domain.status import StageStatus
from engine.queries import supervision
from models import User
from tests.web.conftest import text
from tests.web.year_state import year_db, year_plan  # noqa: F401  (fixtures)

PAGES = ("/supervision", "/supervision/late", "/supervision/kpis", "/supervision/ranking")



@pytest.fixture
def db_engine(year_db: Engine) -> Iterator[Engine]:  # noqa: F811
    """Every test of this module starts on the played year."""
    yield year_db


@pytest.fixture
def web_data() -> None:
    """The played year is already in the database."""
    return None


@pytest.fixture
def matrix(session: Session) -> supervision.Matrix:
    """The matrix as the engine computes it, to compare the pages with."""
    return supervision.build(session, year_plan(session))


SupervisionAccess = [
    ("skhcn.staff", 200), ("skhcn.leader", 200), ("ubnd.leader", 200), ("admin", 200),
    ("inspector", 404), ("muong-la.staff", 404), ("muong-la.leader", 404),
    ("so-tai-chinh.leader", 404),
]


@pytest.mark.parametrize(("username", "status"), SupervisionAccess)
def test_only_supervisors_reach_the_supervision_pages(
        signed_in: Callable[[str], FlaskClient], username: str, status: int) -> None:
    user = signed_in(username)
    for page in PAGES:
        response = user.get(page)
        assert response.status_code == status, page
        if status == 404:
            assert "Không tìm thấy" in text(response)
            assert "Giám sát thực hiện" not in text(response)


def test_anonymous_users_are_sent_to_the_login_page(client: FlaskClient) -> None:
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


def test_the_nav_shows_giam_sat_to_supervisors_only(
        signed_in: Callable[[str], FlaskClient]) -> None:
    assert 'href="/supervision">Giám sát' in text(signed_in("skhcn.staff").get("/"))
    assert 'href="/extensions">Gia hạn' in text(signed_in("skhcn.leader").get("/"))
    page = text(signed_in("muong-la.staff").get("/"))
    assert "Giám sát" not in page and 'href="/extensions"' not in page
    assert 'href="/units">Đơn vị' in page


def test_the_nav_follows_the_substitutes_grants(
        signed_in: Callable[[str], FlaskClient], session: Session) -> None:
    """The inspector, standing in for Sở KHCN's leader today, gets the links the pages open to."""
    ids = {u.username: u.id for u in session.scalars(select(User).where(
        User.username.in_(("admin", "skhcn.leader", "inspector"))))}
    inspector = signed_in("inspector")
    page = text(inspector.get("/"))
    assert "Giám sát" not in page and 'href="/extensions"' not in page
    today = clock.today()
    substitutions.create(session, ids["admin"], ids["skhcn.leader"], ids["inspector"],
                         today, today, today=today)
    session.commit()
    page = text(inspector.get("/"))
    assert 'href="/supervision">Giám sát' in page and 'href="/extensions">Gia hạn' in page
    assert inspector.get("/supervision").status_code == 200
    assert inspector.get("/extensions").status_code == 200


def _cells(html: str, stage: str) -> list[str]:
    return re.findall(rf'data-stage="{stage}" data-status="([a-z_]*)"', html)


def test_matrix_shows_every_unit_with_statuses_counts_and_links(
        signed_in: Callable[[str], FlaskClient], matrix: supervision.Matrix) -> None:
    html = text(signed_in("skhcn.staff").get("/supervision"))
    assert html.count("<tr data-unit=") == len(matrix.rows) == 40
    assert "Xây dựng kế hoạch" in html and "Quý I" in html and "Kiểm tra" in html
    assert "Hoàn thành đúng hạn" in html and "Đang thực hiện trong hạn" in html
    q1 = _cells(html, "q1")
    assert q1.count("overdue") == matrix.counts["q1"]["overdue"] > 0
    assert q1.count("done_on_time") == matrix.counts["q1"]["done_on_time"] > 0
    assert set(_cells(html, "q2")) == {"not_started"}
    assert set(_cells(html, "inspection")) == {""}  # "—": no inspection yet
    counts = re.search(r'<tr data-status="overdue">(.*?)</tr>', html, re.S)
    overdue = matrix.counts["q1"]["overdue"]
    assert counts and f'<td data-stage="q1">{overdue}</td>' in counts.group(1)
    row = next(r for r in matrix.rows if r.code == "muong-la")
    assert f'href="/instances/{row.cells["q1"].instance_id}"' in html
    assert 'href="/units/muong-la"' in html


def test_matrix_filters_by_status_kind_and_name(
        signed_in: Callable[[str], FlaskClient], matrix: supervision.Matrix) -> None:
    staff = signed_in("skhcn.staff")
    overdue = [r for r in matrix.rows if r.cells["q1"].status == StageStatus.OVERDUE]
    html = text(staff.get("/supervision?status=overdue"))
    assert html.count("<tr data-unit=") == len(overdue)
    assert all(f'data-unit="{r.code}"' in html for r in overdue)
    assert '<option value="overdue" selected>Quá hạn</option>' in html
    communes = text(staff.get("/supervision?kind=commune"))
    assert communes.count("<tr data-unit=") == sum(r.kind == "commune" for r in matrix.rows)
    assert 'data-unit="so-tai-chinh"' not in communes
    named = text(staff.get("/supervision?q=mường la"))
    assert 'data-unit="muong-la"' in named and named.count("<tr data-unit=") == 1
    nothing = text(staff.get("/supervision?q=không-có-đơn-vị-này"))
    assert "Không có đơn vị nào phù hợp với bộ lọc." in nothing
    ignored = staff.get("/supervision?status=bogus&kind=bogus&page=abc")
    assert ignored.status_code == 200 and text(ignored).count("<tr data-unit=") == 40


def test_matrix_paginates_by_a_hundred(signed_in: Callable[[str], FlaskClient]) -> None:
    html = text(signed_in("skhcn.staff").get("/supervision?page=7"))
    assert html.count("<tr data-unit=") == 40  # a page beyond the last shows the last page
    assert "Phân trang ma trận" not in html  # one page only: no pager


def test_unknown_plan_is_404(signed_in: Callable[[str], FlaskClient]) -> None:
    assert signed_in("skhcn.staff").get("/supervision?plan=999").status_code == 404


def test_late_lists_name_the_overdue_units_by_kind(
        signed_in: Callable[[str], FlaskClient], matrix: supervision.Matrix) -> None:
    html = text(signed_in("skhcn.leader").get("/supervision/late"))
    section = html[html.index('id="late-q1"'):]
    section = section[:section.index("</section>")]
    late = matrix.late_lists()["q1"]
    assert "Quá hạn, chưa hoàn thành" in section and "hạn 05/03/2026" in section
    for name in late["department"] + late["commune"]:
        assert f"<li>{name}</li>" in section
    if late["department"] and late["commune"]:
        assert section.index("Sở, ban, ngành") < section.index("Xã, phường")
    adoption = [r.name for r in matrix.rows if r.cells["adoption"].status == StageStatus.DONE_LATE]
    assert adoption and all(f"<li>{n}</li>" in html for n in adoption)
    assert "Hoàn thành quá hạn" in html


def test_kpi_rollup_shows_charts_and_the_table(signed_in: Callable[[str], FlaskClient]) -> None:
    html = text(signed_in("ubnd.leader").get("/supervision/kpis"))
    assert '<option value="q1" selected>Quý I</option>' in html
    assert 'id="chart-met"' in html and 'id="kpi-chart-data"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html
    assert "Tỷ lệ phủ sóng 5G trên địa bàn" in html and "44,65%" in html
    data = re.search(r'id="kpi-chart-data">(.*?)</script>', html, re.S)
    assert data and '"labels"' in data.group(1) and '"met"' in data.group(1)
    empty = text(signed_in("ubnd.leader").get("/supervision/kpis?round=q3"))
    assert "Chưa có đơn vị nào gửi báo cáo quý III." in empty and 'id="chart-met"' not in empty


def test_ranking_orders_units_by_on_time_rate(
        signed_in: Callable[[str], FlaskClient], matrix: supervision.Matrix) -> None:
    html = text(signed_in("admin").get("/supervision/ranking"))
    ranked = matrix.ranking()
    codes = re.findall(r'<tr data-unit="([a-z0-9-]+)">', html)
    assert codes == [row.code for row, _ in ranked]
    assert "Xếp hạng thi đua" in html and "100%" in html
    communes = text(signed_in("admin").get("/supervision/ranking?kind=commune"))
    assert 'data-unit="so-noi-vu"' not in communes


ApiAccess = [("skhcn.staff", 200), ("ubnd.leader", 200), ("admin", 200),
             ("muong-la.staff", 403), ("inspector", 403)]


def _api_client(app: Any, username: str) -> FlaskClient:
    client = app.test_client()
    assert client.post("/api/login", json={"username": username, "password": "demo"}
                       ).status_code == 200
    return client


@pytest.mark.parametrize(("username", "status"), ApiAccess)
def test_api_status_access(app: Any, username: str, status: int) -> None:
    response = _api_client(app, username).get("/api/status")
    assert response.status_code == status
    if status != 200:
        assert set(response.get_json()) == {"error"}


def test_api_status_contract(app: Any, session: Session, matrix: supervision.Matrix) -> None:
    client = _api_client(app, "skhcn.staff")
    plan = year_plan(session)
    body = client.get(f"/api/status?plan={plan.id}").get_json()
    assert len(body["units"]) == 40
    unit = next(u for u in body["units"] if u["code"] == "muong-la")
    assert set(unit["stages"]) == {"adoption", "q1", "q2", "q3", "q4", "inspection"}
    assert set(unit["stages"]["q1"]) == {"status", "due", "submitted_at"}
    assert unit["stages"]["q1"]["due"] == "2026-03-05"
    row = next(r for r in matrix.rows if r.code == "muong-la")
    assert unit["stages"]["q1"]["status"] == row.cells["q1"].status
    assert unit["stages"]["inspection"]["status"] is None
    statuses = {s["status"] for u in body["units"] for s in u["stages"].values()}
    assert statuses <= {s.value for s in StageStatus} | {None}
    assert client.get("/api/status?plan=999").status_code == 404
    assert client.get("/api/status?plan=999").get_json() == {"error": "Không tìm thấy kế hoạch"}
    assert client.get("/api/status?plan=abc").status_code == 400
    assert app.test_client().get("/api/status").status_code == 401
