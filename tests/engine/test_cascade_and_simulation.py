"""Cascade idempotence and the adoption simulator agreeing with the database."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.core import clock
from engine.demo.bootstrap import at, prepare
from engine.demo.simulation import ISSUE_DAY, simulate
from engine.processes import cascade, lifecycle
from models import HumanTask, ProcessInstance, Unit, UnitPlan


class Interrupted(Exception):
    """Stands for a crash in the middle of a cascade."""


def _issued_plan(session: Session):  # type: ignore[no-untyped-def]
    clock.set_now(at(ISSUE_DAY, 8))
    plan = prepare(session, users=False)
    session.commit()
    return plan


def count_unit_instances(session: Session) -> int:
    return int(session.scalar(select(func.count(ProcessInstance.id)).where(
        ProcessInstance.process_key == "unit_plan")) or 0)


def test_interrupted_cascade_rerun_creates_no_duplicates(session: Session) -> None:
    plan = _issued_plan(session)

    def commit_every_ten_then_crash(started: int) -> None:
        if started % 10 == 0:
            session.commit()
        if started == 35:
            raise Interrupted

    with pytest.raises(Interrupted):
        cascade.run(session, plan.id, "unit_plan", after_each=commit_every_ten_then_crash)
    session.rollback()
    assert count_unit_instances(session) == 30
    result = cascade.run(session, plan.id, "unit_plan")
    session.commit()
    assert (result.started, result.skipped) == (60, 30)
    assert count_unit_instances(session) == 90
    again = cascade.run(session, plan.id, "unit_plan")
    assert (again.started, again.skipped) == (0, 90)
    assert session.scalar(select(func.count(HumanTask.id))) == 90
    assert session.scalar(select(func.count(UnitPlan.id))) == 90


def test_the_instance_key_is_unique_even_for_concurrent_cascades(session: Session) -> None:
    plan = _issued_plan(session)
    unit = session.scalars(select(Unit).where(Unit.code == "muong-la")).one()
    lifecycle.start(session, "unit_plan", plan_id=plan.id, unit_id=unit.id,
                  data={"plan_id": plan.id}, due_date=plan.adoption_due_date)
    session.commit()
    with pytest.raises(IntegrityError):
        lifecycle.start(session, "unit_plan", plan_id=plan.id, unit_id=unit.id,
                      data={"plan_id": plan.id}, due_date=plan.adoption_due_date)
    session.rollback()


def test_adoption_simulation_summary_matches_the_database(session: Session) -> None:
    result = simulate(session, units=40, late_fraction=0.3, seed=1, last=date(2026, 1, 31))
    assert result["units"] == 40
    late = result["late_unit_codes"]["adoption"]
    assert len(late) == 12 == result["late_units_by_stage"]["adoption"]
    assert late == result["escalated_unit_codes"]["adoption"]
    assert result["escalations"] == 12
    db_late = sorted(session.scalars(select(Unit.code).join(UnitPlan, UnitPlan.unit_id == Unit.id)
                                     .where(UnitPlan.late.is_(True))))
    assert db_late == late
    assert session.scalar(select(func.count(ProcessInstance.id)).where(
        ProcessInstance.process_key == "unit_plan", ProcessInstance.status == "completed")) == 40
    assert result["tasks_completed"] == session.scalar(select(func.count(HumanTask.id)).where(
        HumanTask.status == "completed"))
    assert result["reminders"] > 0


def test_instance_state_is_small(session: Session) -> None:
    plan = _issued_plan(session)
    cascade.run(session, plan.id, "unit_plan")
    sizes = [len(s) for s in session.scalars(select(ProcessInstance.state).where(
        ProcessInstance.process_key == "unit_plan"))]
    assert max(sizes) < 4096
