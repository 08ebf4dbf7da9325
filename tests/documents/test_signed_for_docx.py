"""A document signed by a substitute (ủy quyền) says so in its signature block, in the form of
Nghị định 30/2020: "KT. CHỦ TỊCH" above the substitute's name, and "ký thay <person>"."""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import accounts, clock
from engine.demo.actors import act, ready_tasks
from engine.demo.bootstrap import at
from engine.demo.scripted_year import adaptation
from engine.documents import unit_plan
from engine.processes import tasks
from models import Substitution, Unit, User


def user(session: Session, username: str) -> User:
    return session.scalars(select(User).where(User.username == username)).one()


def signature_lines(data: bytes) -> list[str]:
    """Return the lines of the signer's block (the right cell of the last table)."""
    block = Document(io.BytesIO(data)).tables[-1].rows[0].cells[1]
    return [p.text for p in block.paragraphs if p.text]


def adopt(session: Session, cast, code: str,  # type: ignore[no-untyped-def]
          *, substitute: bool) -> Unit:
    """Adapt and approve the unit's plan; the leader's step by the staff as their substitute."""
    unit = session.scalars(select(Unit).where(Unit.code == code)).one()
    clock.set_now(at(date(2026, 1, 7), 9))
    [adapt] = ready_tasks(session, unit_id=unit.id, form_key="unit_plan_adapt")
    act(session, cast, adapt, adaptation(session, adapt.instance.plan_id, unit))
    [approve] = ready_tasks(session, unit_id=unit.id, form_key="unit_plan_approve")
    data = {"decision": "approve", "plan_number": "07/KH-UBND", "plan_date": "2026-01-07"}
    if not substitute:
        leader_actor = accounts.actor(session, user(session, f"{code}.leader").id)
        tasks.complete(session, leader_actor, approve.id, data)
        return unit
    leader, staff = user(session, f"{code}.leader"), user(session, f"{code}.staff")
    session.add(Substitution(absent_user_id=leader.id, substitute_user_id=staff.id,
                             starts_on=date(2026, 1, 5), ends_on=date(2026, 1, 16),
                             created_at=clock.now()))
    session.flush()
    tasks.complete(session, accounts.actor(session, staff.id), approve.id, data)
    return unit


def test_a_plan_signed_by_a_substitute_reads_kt_and_ky_thay(session: Session, world) -> None:
    plan, cast = world
    adopt(session, cast, "muong-la", substitute=True)
    reader = cast.actor("dost_staff", None)
    lines = signature_lines(unit_plan.build(session, reader, plan, "muong-la"))
    leader, staff = user(session, "muong-la.leader"), user(session, "muong-la.staff")
    assert lines == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", staff.full_name,
                     f"ký thay {leader.full_name}"]


def test_a_plan_signed_by_its_leader_has_no_kt(session: Session, world) -> None:
    plan, cast = world
    adopt(session, cast, "so-tai-chinh", substitute=False)
    lines = signature_lines(unit_plan.build(session, cast.actor("dost_staff", None), plan,
                                            "so-tai-chinh"))
    assert lines == ["GIÁM ĐỐC", user(session, "so-tai-chinh.leader").full_name]
