"""Nhật ký hệ thống: who reaches it, the search by unit, person, kind and dates (text typed is
text: `%` and `_` are themselves), pages, a substitute's action "thay mặt" the absent person
with the comment written, and the same search as .xlsx — on a year played to 08/03/2026."""
from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from engine.admin import substitutions
from engine.core import audit, clock
from engine.core.clock import BUSINESS_TZ
from engine.core.labels import AUDIT_ACTION_LABELS
from engine.core.permissions import actor_for
from engine.processes import tasks
from engine.queries import task_views
from models import AuditEvent, HumanTask, HumanTaskStatus, Unit, User
from tests.web.conftest import text
from tests.web.year_state import year_db  # noqa: F401  (fixture)


@pytest.fixture
def db_engine(year_db: Engine) -> Iterator[Engine]:  # noqa: F811
    """Every test of this module starts on the played year."""
    yield year_db


@pytest.fixture
def web_data() -> None:
    """The played year is already in the database."""
    return None


@pytest.fixture
def staff(signed_in: Callable[[str], FlaskClient]) -> FlaskClient:
    """Sở KHCN's staff, who may read the trail."""
    return signed_in("skhcn.staff")


def ids_of(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-event="(\d+)"', html)]


def total_of(html: str) -> int:
    found = re.search(r"trong (\d+), mới nhất trước", html)
    return int(found.group(1)) if found else 0


def shown_events(session: Session) -> Any:
    return select(func.count(AuditEvent.id)).where(AuditEvent.action != "demo.progress")


Access = [("admin", 200), ("skhcn.staff", 200), ("skhcn.leader", 200), ("ubnd.leader", 404),
          ("inspector", 404), ("muong-la.staff", 404), ("muong-la.leader", 404)]


@pytest.mark.parametrize(("username", "status"), Access)
def test_only_admins_and_so_khcn_reach_the_audit_trail(
        signed_in: Callable[[str], FlaskClient], username: str, status: int) -> None:
    user = signed_in(username)
    for url in ("/audit", "/audit/events.xlsx", "/audit?unit=m%C6%B0%E1%BB%9Dng"):
        assert user.get(url).status_code == status, url
    nav = text(user.get("/"))
    assert ('href="/audit">Nhật ký</a>' in nav) == (status == 200)


def test_anonymous_users_are_sent_to_sign_in(client: FlaskClient) -> None:
    response = client.get("/audit")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_trail_is_newest_first_in_pages_of_fifty(staff: FlaskClient, session: Session) -> None:
    total = session.scalar(shown_events(session))
    first = text(staff.get("/audit"))
    assert total_of(first) == total > 100
    page_one = ids_of(first)
    assert len(page_one) == 50 and page_one == sorted(page_one, reverse=True)
    newest = session.scalars(select(AuditEvent.id).where(AuditEvent.action != "demo.progress")
                             .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(50))
    assert page_one == list(newest)
    second = text(staff.get("/audit?page=2"))
    assert f"Sự kiện 51–100 trong {total}" in second
    assert not set(ids_of(second)) & set(page_one)
    last = text(staff.get("/audit?page=999999"))
    assert f"–{total} trong {total}" in last


def test_search_by_unit_matches_its_name_whatever_the_case(
        staff: FlaskClient, session: Session) -> None:
    muong_la = session.scalars(select(Unit).where(Unit.code == "muong-la")).one()
    related = session.scalars(select(Unit.id).where(Unit.name.contains("Mường La"))).all()
    expected = session.scalar(shown_events(session).where(AuditEvent.unit_id.in_(related)))
    html = text(staff.get("/audit?unit=MƯỜNG  la"))
    assert total_of(html) == expected > 0
    rows = re.findall(r'<tr data-event="\d+"[^>]*>(.*?)</tr>', html, re.S)
    assert rows and all("Mường La" in r for r in rows)
    assert muong_la.name in html


def test_search_by_person_and_kind(staff: FlaskClient, session: Session) -> None:
    leader = session.scalars(select(User).where(User.username == "muong-la.leader")).one()
    expected = session.scalar(shown_events(session).where(
        AuditEvent.actor_id == leader.id, AuditEvent.action == "task.completed"))
    html = text(staff.get(f"/audit?person={leader.full_name.upper()}&action=task.completed"))
    assert total_of(html) == expected > 0
    assert set(re.findall(r'data-action="([a-z_.]+)"', html)) == {"task.completed"}
    assert html.count(f"{leader.full_name} (muong-la.leader)") == expected
    assert '<option value="task.completed" selected>Hoàn thành bước</option>' in html
    by_username = text(staff.get("/audit?person=muong-la.leader&action=task.completed"))
    assert total_of(by_username) == expected


def test_search_by_a_date_range_in_business_days(staff: FlaskClient, session: Session) -> None:
    start = datetime(2026, 3, 2, tzinfo=BUSINESS_TZ)
    end = datetime(2026, 3, 6, tzinfo=BUSINESS_TZ)
    expected = session.scalar(shown_events(session).where(
        AuditEvent.at >= start, AuditEvent.at < end))
    html = text(staff.get("/audit?from=02/03/2026&to=05/03/2026"))
    assert total_of(html) == expected > 0
    times = re.findall(r'<td class="text-nowrap">(\d\d/\d\d/\d{4}) \d\d:\d\d</td>', html)
    assert times and all(t in ("02/03/2026", "03/03/2026", "04/03/2026", "05/03/2026")
                         for t in times)
    iso = text(staff.get("/audit?from=2026-03-02&to=2026-03-05"))
    assert total_of(iso) == expected


def test_an_unreadable_date_is_said_and_left_out(staff: FlaskClient, session: Session) -> None:
    html = text(staff.get("/audit?from=31/02/2026"))
    assert "Ngày không hợp lệ; hãy nhập theo dạng ngày/tháng/năm" in html
    assert 'value="31/02/2026"' in html and "is-invalid" in html
    assert total_of(html) == session.scalar(shown_events(session))


def test_percent_and_underscore_are_searched_as_themselves(
        staff: FlaskClient, session: Session) -> None:
    unit = session.scalars(select(Unit).where(Unit.code == "muong-la")).one()
    odd = User(username="kiem_thu", full_name="Kiểm thử 100%_x", password_hash="-",
               unit_id=unit.id)
    session.add(odd)
    session.flush()
    audit.record(session, "user.password_changed", actor_id=odd.id, unit_id=unit.id)
    session.commit()
    for typed in ("%", "_", "100%_", "0%_X"):
        html = text(staff.get("/audit", query_string={"person": typed}))
        assert total_of(html) == 1, typed
        assert "Kiểm thử 100%_x (kiem_thu)" in html
    for typed in ("%", "_"):
        assert total_of(text(staff.get("/audit", query_string={"unit": typed}))) == 0
    assert total_of(text(staff.get("/audit", query_string={"person": "1_0"}))) == 0


def _leader_step(session: Session) -> HumanTask:
    """A department's Q1 report filled by its staff: its leader's approval is waiting."""
    fill = session.scalars(select(HumanTask).join(Unit, Unit.id == HumanTask.unit_id).where(
        HumanTask.status == HumanTaskStatus.READY, Unit.kind == "department",
        HumanTask.form_key == "quarterly_report_fill").order_by(HumanTask.id)).first()
    assert fill is not None
    code = session.get(Unit, fill.unit_id).code
    staff = session.scalars(select(User).where(User.username == f"{code}.staff")).one()
    actor = actor_for(session, staff, clock.today())
    tasks.complete(session, actor, fill.id, task_views.get(session, actor, fill.id)[1])
    session.commit()
    return session.scalars(select(HumanTask).where(
        HumanTask.instance_id == fill.instance_id, HumanTask.status == HumanTaskStatus.READY,
        HumanTask.form_key == "quarterly_report_approve")).one()


def test_a_substitutes_return_shows_for_whom_and_the_comment(
        signed_in: Callable[[str], FlaskClient], staff: FlaskClient, session: Session) -> None:
    task = _leader_step(session)
    unit = session.get(Unit, task.unit_id)
    people = {u.username: u for u in session.scalars(select(User).where(
        User.username.in_((f"{unit.code}.leader", f"{unit.code}.staff", "admin"))))}
    leader, colleague = people[f"{unit.code}.leader"], people[f"{unit.code}.staff"]
    today = clock.today()
    substitutions.create(session, people["admin"].id, leader.id, colleague.id, today, today,
                         today=today)
    session.commit()
    substitute = signed_in(colleague.username)
    response = substitute.post(f"/tasks/{task.id}", data={
        "decision": "return", "comments": "Bổ sung số liệu chỉ tiêu 1.2 (đạt 50%)"})
    assert response.status_code == 302
    html = text(staff.get("/audit", query_string={
        "person": colleague.username, "action": "task.completed"}))
    row = re.search(r'<tr data-event="\d+"[^>]*>(.*?)</tr>', html, re.S).group(1)
    assert f"thay mặt {leader.full_name} ({leader.username})" in row
    assert "Bổ sung số liệu chỉ tiêu 1.2 (đạt 50%)" in row
    assert "Ý kiến: trả lại để chỉnh sửa" in row and unit.name in row
    assert f'href="/instances/{task.instance_id}"' in row


def test_the_export_is_the_whole_search_with_its_filters(
        staff: FlaskClient, session: Session) -> None:
    query = {"unit": "mường la", "action": "task.completed", "from": "01/01/2026"}
    html = text(staff.get("/audit", query_string=query))
    link = re.search(r'id="audit-xlsx" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert link.startswith("/audit/events.xlsx?") and "action=task.completed" in link
    response = staff.get(link)
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    assert sheet.cell(1, 1).value == "Nhật ký hệ thống (các thay đổi trạng thái)"
    assert sheet.cell(2, 1).value == ("Bộ lọc: Đơn vị: “mường la”; Loại sự kiện: Hoàn thành "
                                      "bước; Từ ngày: 01/01/2026")
    top = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "Mã sự kiện")
    assert [sheet.cell(top, c).value for c in range(1, 5)] == [
        "Mã sự kiện", "Thời gian", "Người thực hiện", "Thay mặt"]
    assert sheet.freeze_panes == f"C{top + 1}"
    ids = [sheet.cell(r, 1).value for r in range(top + 1, sheet.max_row + 1)]
    assert len(ids) == total_of(html) > 0 and ids[:50] == ids_of(html)
    moment = sheet.cell(top + 1, 2)
    assert moment.is_date and moment.number_format == "dd/mm/yyyy hh:mm"
    shown = re.search(r'<td class="text-nowrap">([^<]+)</td>', html).group(1)
    assert moment.value.strftime("%d/%m/%Y %H:%M") == shown
    assert {sheet.cell(r, 5).value for r in range(top + 1, sheet.max_row + 1)} == {
        AUDIT_ACTION_LABELS["task.completed"]}
    assert all("Mường La" in sheet.cell(r, 8).value for r in range(top + 1, sheet.max_row + 1))
