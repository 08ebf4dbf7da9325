"""Unread notices, per user: a notice is shared by the holders of its role, each reader's read is
their own; opening a notice marks it read; "Đánh dấu đã đọc tất cả"; unread first on the list."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import accounts, clock
from engine.core.errors import NotFoundError
from engine.core.permissions import Actor
from engine.demo.bootstrap import at
from engine.processes import notice_reads, outbox
from engine.queries import notices, stand_ins
from models import HumanTask, HumanTaskStatus, Notification, Substitution, Unit, User
from tests.scripted import instance_of


def user(session: Session, username: str) -> User:
    return session.scalars(select(User).where(User.username == username)).one()


def actor(session: Session, username: str) -> Actor:
    return accounts.actor(session, user(session, username).id, clock.today())


def unit(session: Session, code: str) -> Unit:
    return session.scalars(select(Unit).where(Unit.code == code)).one()


def notice(session: Session, code: str, role: str, message: str) -> Notification:
    clock.set_now(clock.now() + timedelta(minutes=1))  # each notice newer than the last
    written = outbox.notify(session, unit_id=unit(session, code).id, role=role, kind="due",
                            message=message)
    session.flush()  # its id
    return written


def substitute(session: Session, absent: str, stand_in: str, ends: date) -> None:
    session.add(Substitution(absent_user_id=user(session, absent).id,
                             substitute_user_id=user(session, stand_in).id,
                             starts_on=clock.today(), ends_on=ends, created_at=clock.now()))
    session.flush()


@pytest.fixture
def today(world) -> None:  # type: ignore[no-untyped-def]
    clock.set_now(at(date(2026, 1, 7), 9))


def test_each_reader_has_their_own_read_state(session: Session, world, today) -> None:
    substitute(session, "muong-la.staff", "muong-la.leader", date(2026, 1, 20))
    first = notice(session, "muong-la", "unit_staff", "Nhắc việc thứ nhất")
    staff, stand_in = actor(session, "muong-la.staff"), actor(session, "muong-la.leader")
    before = notices.unread_count(session, staff)
    assert notices.unread_count(session, stand_in) > 0
    notice_reads.open_notice(session, staff, first.id)
    notice_reads.open_notice(session, staff, first.id)  # opening twice is one read
    assert notices.unread_count(session, staff) == before - 1
    # the substitute reads the same notice (addressed to the role), still unread for them
    mine = notices.for_actor(session, stand_in).rows
    assert [n.read for n in mine if n.id == first.id] == [False]


def test_a_notice_addressed_to_others_is_not_found(session: Session, world, today) -> None:
    other = notice(session, "to-hieu", "unit_staff", "Nhắc Tô Hiệu")
    with pytest.raises(NotFoundError):
        notice_reads.open_notice(session, actor(session, "muong-la.staff"), other.id)
    assert notices.unread_count(session, actor(session, "to-hieu.staff")) >= 1


def test_mark_all_read_then_a_new_notice_is_the_only_unread(session: Session, world,
                                                            today) -> None:
    staff = actor(session, "muong-la.staff")
    notice(session, "muong-la", "unit_staff", "Một")
    notice(session, "muong-la", "unit_leader", "Cho lãnh đạo")
    unread = notices.unread_count(session, staff)
    assert unread >= 2  # the adoption task's notice and "Một"
    assert notice_reads.mark_all_read(session, staff) == unread
    assert notices.unread_count(session, staff) == 0
    assert notices.unread_count(session, actor(session, "muong-la.leader")) >= 1  # not theirs
    assert notice_reads.mark_all_read(session, staff) == 0
    notice(session, "muong-la", "unit_staff", "Hai")
    assert notices.unread_count(session, staff) == 1


def test_the_list_puts_unread_first_then_newest_and_links_each_notice(
    session: Session, world, today
) -> None:
    staff = actor(session, "muong-la.staff")
    old = notice(session, "muong-la", "unit_staff", "Cũ")
    newer = notice(session, "muong-la", "unit_staff", "Mới hơn")
    newest = notice(session, "muong-la", "unit_staff", "Mới nhất")
    notice_reads.open_notice(session, staff, newest.id)
    rows = notices.for_actor(session, staff).rows
    order = [n.id for n in rows]
    assert order.index(newer.id) < order.index(old.id) < order.index(newest.id)
    assert [n.read for n in rows][-1] is True and not any(n.read for n in rows[:-1])
    # the adoption task's notice leads to the ready task of its role
    plan_id = world[0].id
    instance = instance_of(session, "unit_plan", plan_id, unit(session, "muong-la").id)
    task_id = session.scalars(select(HumanTask.id).where(
        HumanTask.instance_id == instance.id, HumanTask.status == HumanTaskStatus.READY)).one()
    adoption = [n for n in rows if n.kind == "new_task"]
    assert [n.link for n in adoption] == [f"/tasks/{task_id}"]
    assert {n.link for n in rows if n.kind == "due"} == {"/notifications"}  # no instance


def test_a_substitute_sees_whose_work_they_hold_and_until_when(session: Session, world,
                                                              today) -> None:
    leader = user(session, "muong-la.leader")
    assert stand_ins.held_by(session, leader.id, clock.today()) == []
    substitute(session, "muong-la.staff", "muong-la.leader", date(2026, 1, 20))
    [held] = stand_ins.held_by(session, leader.id, clock.today())
    assert (held.absent_name, held.ends_on) == (user(session, "muong-la.staff").full_name,
                                                date(2026, 1, 20))
    assert stand_ins.held_by(session, leader.id, date(2026, 1, 21)) == []
