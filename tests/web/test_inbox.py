"""Công việc của tôi: counts, colours, filters, sorting, pagination, claim and release."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from engine.core import clock
from engine.demo.bootstrap import at
from models import HumanTask, Role, RoleMembership, Unit, User
from tests.scripted import adopt_plan
from tests.web.conftest import flashes, login, task_id_of, text, unit_id


def rows(html: str) -> list[str]:
    """Return the unit names of the inbox rows, in order."""
    return re.findall(r'<td class="unit-name">([^<]*)</td>', html)


@pytest.fixture
def reviews(world, session) -> list[str]:
    """55 units (first by code) have sent their plan: Sở KHCN has 55 reviews waiting."""
    _, cast = world
    clock.set_now(at(date(2026, 1, 7), 9))
    units = list(session.scalars(select(Unit).where(Unit.kind.in_(["department", "commune"]))
                                 .order_by(Unit.code).limit(55)))
    for unit in units:
        adopt_plan(session, cast, unit, "01/KH")
    session.commit()
    return [u.code for u in units]


def test_staff_sees_their_one_task_with_details(signed_in) -> None:
    body = text(signed_in("muong-la.staff").get("/"))
    assert "Xây dựng kế hoạch của đơn vị" in body and "Kế hoạch của đơn vị" in body
    assert "Xã Mường La" in body and "Chuyên viên đơn vị" in body and "10/01/2026" in body
    assert "trong tổng số 1 công việc" in body
    assert "Hôm nay: 06/01/2026" in body


@pytest.mark.parametrize(("day", "css", "label"), [
    (date(2026, 1, 6), "", "Trong hạn"),
    (date(2026, 1, 8), "row-soon", "Sắp đến hạn"),
    (date(2026, 1, 10), "row-soon", "Hạn hôm nay"),
    (date(2026, 1, 11), "row-overdue", "Quá hạn"),
])
def test_due_colours_follow_the_simulated_clock(signed_in, day: date, css: str,
                                                 label: str) -> None:
    clock.set_now(at(day, 9))
    body = text(signed_in("muong-la.staff").get("/"))
    row = body.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    assert f'<tr class="{css}"' in row and label in row


@pytest.mark.parametrize(("day", "quick", "count"), [
    (date(2026, 1, 10), "today", 1), (date(2026, 1, 10), "overdue", 0),
    (date(2026, 1, 12), "today", 0), (date(2026, 1, 12), "overdue", 1),
])
def test_quick_filters(signed_in, day: date, quick: str, count: int) -> None:
    clock.set_now(at(day, 9))
    body = text(signed_in("muong-la.staff").get("/", query_string={"quick": quick}))
    assert len(rows(body)) == count


def test_dost_inbox_counts_pages_and_sorts(signed_in, reviews: list[str]) -> None:
    dost = signed_in("skhcn.staff")
    first = text(dost.get("/", query_string={"sort": "unit"}))
    assert "Hiển thị 1–50" in first and "trong tổng số 55 công việc" in first
    assert len(rows(first)) == 50
    second = text(dost.get("/", query_string={"sort": "unit", "page": 2}))
    assert "Hiển thị 51–55" in second and len(rows(second)) == 5
    ascending = rows(first) + rows(second)
    descending = [name for page in (1, 2) for name in rows(text(dost.get(
        "/", query_string={"sort": "unit", "order": "desc", "page": page})))]
    assert descending == list(reversed(ascending)) and len(set(ascending)) == 55
    beyond = text(dost.get("/", query_string={"page": 99}))
    assert "Hiển thị 51–55" in beyond


def test_unit_search_accepts_names_with_or_without_diacritics(signed_in, reviews) -> None:
    dost = signed_in("skhcn.staff")
    assert "muong-la" in reviews
    for query in ("Mường La", "muong la", "MUONG LA"):
        body = text(dost.get("/", query_string={"q": query}))
        found = rows(body)
        assert "Xã Mường La" in found and all("Mường L" in name for name in found), query
    assert "Không có công việc nào phù hợp" in text(dost.get("/", query_string={"q": "không có"}))


def test_process_filter(signed_in, reviews) -> None:
    dost = signed_in("skhcn.staff")
    body = text(dost.get("/", query_string={"process": "unit_plan"}))
    assert "Kế hoạch của đơn vị (55)" in body and "trong tổng số 55" in body
    assert "Không có công việc nào" in text(dost.get("/", query_string={"process": "inspection"}))


def _colleague(fresh) -> None:
    with fresh() as session:
        user = User(username="muong-la.staff2", full_name="Chuyên viên thứ hai",
                    password_hash=generate_password_hash("demo"),
                    unit_id=unit_id(session, "muong-la"), active=True)
        user.memberships.append(RoleMembership(role=Role.UNIT_STAFF))
        session.add(user)
        session.commit()


def test_claim_and_release(signed_in, fresh, app) -> None:
    _colleague(fresh)
    staff = signed_in("muong-la.staff")
    task_id = task_id_of(fresh, "muong-la", "unit_plan_adapt")
    response = staff.post(f"/tasks/{task_id}/claim", data={"next": "/?quick=today"})
    assert response.status_code == 302 and response.headers["Location"] == "/?quick=today"
    assert flashes(staff) == ["Đã nhận xử lý: Xây dựng kế hoạch của đơn vị"]
    with fresh() as session:
        claimed_by = session.get(HumanTask, task_id).claimed_by_id
        assert claimed_by == session.scalars(select(User.id).where(
            User.username == "muong-la.staff")).one()
    assert "Tôi đang xử lý" in text(staff.get("/"))
    other = app.test_client()
    login(other, "muong-la.staff2")
    assert "Không có công việc nào" in text(other.get("/"))
    refused = other.post(f"/tasks/{task_id}", data={"action": "complete"})
    assert refused.status_code == 403 and "người khác nhận xử lý" in text(refused)
    assert other.post(f"/tasks/{task_id}/release").status_code == 403
    response = staff.post(f"/tasks/{task_id}/release", data={"next": "https://evil.example/"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert flashes(staff) == ["Đã trả lại công việc cho nhóm: Xây dựng kế hoạch của đơn vị"]
    with fresh() as session:
        assert session.get(HumanTask, task_id).claimed_by_id is None
    assert "Xây dựng kế hoạch của đơn vị" in text(other.get("/"))
