"""engine.queries.inbox and engine.queries.notices: what a user's lists hold, without HTTP."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.permissions import Actor, Grant
from engine.queries import inbox, notices
from models import HumanTask, Notification, Unit


def _unit(session: Session, code: str) -> Unit:
    return session.scalars(select(Unit).where(Unit.code == code)).one()


def test_urgency() -> None:
    today = date(2026, 1, 8)
    assert inbox.urgency(None, today) == "none"
    assert inbox.urgency(date(2026, 1, 7), today) == "overdue"
    assert inbox.urgency(today, today) == "today"  # "Hạn hôm nay", not vaguely "soon"
    assert inbox.urgency(date(2026, 1, 9), today) == "soon"
    assert inbox.urgency(date(2026, 1, 11), today) == "soon"
    assert inbox.urgency(date(2026, 1, 12), today) == "normal"


def test_search_counts_filters_and_pages(session: Session, world) -> None:
    province_wide = Actor(user_id=1, unit_id=0, grants=(Grant("unit_staff", None),))
    page = inbox.search(session, province_wide, inbox.InboxQuery(per_page=40),
                        date(2026, 1, 10))
    assert (page.total, page.all_count, page.due_today, page.overdue, page.pages) == \
        (90, 90, 90, 0, 3)
    assert len(page.rows) == 40 and page.rows[0].urgency == "today"
    assert page.soon == 0  # due today is counted as today, not as due soon
    assert [(p.key, p.name, p.count) for p in page.processes] == [
        ("unit_plan", "Kế hoạch của đơn vị", 90)]
    late = inbox.search(session, province_wide, inbox.InboxQuery(quick="overdue"),
                        date(2026, 1, 11))
    assert late.total == 90 and late.rows[0].role_name == "Chuyên viên đơn vị"
    found = inbox.search(session, province_wide, inbox.InboxQuery(unit_text="to hieu"),
                         date(2026, 1, 6))
    assert [r.unit_code for r in found.rows] == ["to-hieu"]
    by_unit = inbox.search(session, province_wide, inbox.InboxQuery(sort="unit", page=9),
                           date(2026, 1, 6))
    codes = [r.unit_code for r in by_unit.rows]
    assert by_unit.page == 2 and codes == sorted(codes)


def test_counts_agree_with_the_rows_listed(session: Session, world) -> None:
    """The counts above the list (one statement) say how many rows each filter lists."""
    tasks = session.scalars(select(HumanTask).order_by(HumanTask.id)).all()
    today = date(2026, 1, 10)
    for i, task in enumerate(tasks):  # overdue, today, soon and later, and one with no date
        task.due_date = None if i == 0 else today + timedelta(days=i % 7 - 2)
    session.flush()
    actor = Actor(user_id=1, unit_id=0, grants=(Grant("unit_staff", None),))
    every = inbox.search(session, actor, inbox.InboxQuery(per_page=1000), today).rows
    for text in (None, "muong", "xã"):
        query = inbox.InboxQuery(unit_text=text, per_page=1000)
        kept = inbox.search(session, actor, query, today)
        listed = kept.rows
        urgencies: list[str] = [r.urgency for r in listed]
        assert (kept.all_count, kept.total) == (len(every), len(listed))
        assert (kept.due_today, kept.overdue, kept.soon) == (
            urgencies.count("today"), urgencies.count("overdue"), urgencies.count("soon"))
        for quick, urgency in (("today", "today"), ("overdue", "overdue")):
            narrowed = inbox.search(session, actor, replace(query, quick=quick), today)
            assert narrowed.total == len(narrowed.rows) == urgencies.count(urgency)
    assert 0 < len(listed) < len(every)


def test_search_offers_only_my_units_tasks(session: Session, world) -> None:
    commune = _unit(session, "muong-la")
    staff = Actor(user_id=1, unit_id=commune.id, grants=(Grant("unit_staff", commune.id),))
    page = inbox.search(session, staff, inbox.InboxQuery(), date(2026, 1, 6))
    assert [r.unit_name for r in page.rows] == ["Xã Mường La"]
    nobody = Actor(user_id=1, unit_id=commune.id, grants=())
    assert inbox.search(session, nobody, inbox.InboxQuery(), date(2026, 1, 6)).total == 0


def test_notices_follow_grants(session: Session, world) -> None:
    a, b = _unit(session, "muong-la"), _unit(session, "to-hieu")
    now = datetime(2026, 1, 8, 1, tzinfo=timezone.utc)
    for unit, role in ((a, "unit_staff"), (b, "unit_staff"), (b, "province_leader")):
        session.add(Notification(unit_id=unit.id, recipient_role=role, kind="due",
                                 message=f"{unit.code} {role}", created_at=now))
    session.flush()
    staff = Actor(user_id=1, unit_id=a.id, grants=(Grant("unit_staff", a.id),))
    due = "Đến hạn"  # the world holds other notices too (the adoption tasks' "new task")
    assert [n.message for n in notices.for_actor(session, staff).rows
            if n.kind_name == due] == ["muong-la unit_staff"]
    leader = Actor(user_id=1, unit_id=0, grants=(Grant("province_leader", None),))
    page = notices.for_actor(session, leader)
    assert [(n.message, n.kind_name, n.unit_name) for n in page.rows if n.kind_name == due] == [
        ("to-hieu province_leader", "Đến hạn", b.name)]
    assert notices.for_actor(session, Actor(user_id=1, unit_id=0, grants=())).total == 0
