"""GET /api/status pages and filters (issue 13): `page`, `per_page` (100 by default, at most
500), `kind`, `status` (units having a stage in it) and `province` (this installation's own,
by code or name; another is refused with a Vietnamese 400) — on the year played to 08/03/2026."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from engine.queries import supervision
from tests.web.year_state import YEAR_UNITS, year_db, year_plan  # noqa: F401  (fixtures)


@pytest.fixture
def db_engine(year_db: Engine) -> Iterator[Engine]:  # noqa: F811
    """Every test of this module starts on the played year."""
    yield year_db


@pytest.fixture
def web_data() -> None:
    """The played year is already in the database."""
    return None


@pytest.fixture
def staff(app: Any) -> FlaskClient:
    """Sở KHCN's staff signed in through the API."""
    client = app.test_client()
    assert client.post("/api/login", json={"username": "skhcn.staff", "password": "demo"}
                       ).status_code == 200
    return client


def codes(body: dict[str, Any]) -> list[str]:
    return [u["code"] for u in body["units"]]


def test_pages_cover_every_unit_once_in_order(staff: FlaskClient, session: Session) -> None:
    everyone = [r.code for r in supervision.build(session, year_plan(session)).rows]
    first = staff.get("/api/status").get_json()
    assert (first["page"], first["per_page"], first["total"]) == (1, 100, YEAR_UNITS)
    assert codes(first) == everyone
    pages = [staff.get(f"/api/status?per_page=15&page={n}").get_json() for n in (1, 2, 3)]
    assert [len(p["units"]) for p in pages] == [15, 15, 10]
    assert [c for p in pages for c in codes(p)] == everyone
    assert all(p["total"] == YEAR_UNITS and p["per_page"] == 15 for p in pages)
    beyond = staff.get("/api/status?per_page=15&page=99").get_json()
    assert beyond["page"] == 3 and codes(beyond) == codes(pages[2])  # clamped to the last
    assert staff.get("/api/status?per_page=100000").get_json()["per_page"] == 500
    assert staff.get("/api/status?per_page=0").get_json()["per_page"] == 1
    assert staff.get("/api/status?per_page=abc").get_json()["per_page"] == 100


def test_kind_and_status_filter_the_units(staff: FlaskClient, session: Session) -> None:
    matrix = supervision.build(session, year_plan(session))
    communes = staff.get("/api/status?kind=commune").get_json()
    assert codes(communes) == [r.code for r in matrix.rows if r.kind == "commune"]
    assert communes["total"] == len(communes["units"]) > 0
    overdue = staff.get("/api/status?status=overdue&per_page=500").get_json()
    expected = [r.code for r in matrix.rows if r.has_status("overdue")]
    assert codes(overdue) == expected and overdue["total"] == len(expected) > 0
    assert all(any(s["status"] == "overdue" for s in u["stages"].values())
               for u in overdue["units"])
    both = staff.get("/api/status?status=overdue&kind=department").get_json()
    assert codes(both) == [r.code for r in matrix.rows
                           if r.kind == "department" and r.has_status("overdue")]
    ignored = staff.get("/api/status?kind=planet&status=asleep").get_json()
    assert ignored["total"] == YEAR_UNITS  # an unknown filter value is ignored, as on the page


@pytest.mark.parametrize("province", ["ubnd-tinh", "UBND tỉnh Sơn La", "Sơn La", "sơn la"])
def test_this_province_is_accepted(staff: FlaskClient, province: str) -> None:
    response = staff.get("/api/status", query_string={"province": province})
    assert response.status_code == 200 and response.get_json()["total"] == YEAR_UNITS


def test_another_province_is_refused_in_vietnamese(staff: FlaskClient) -> None:
    response = staff.get("/api/status", query_string={"province": "Hà Nội"})
    assert response.status_code == 400
    assert response.get_json() == {"error": "Hệ thống này không quản lý tỉnh “Hà Nội”"}
