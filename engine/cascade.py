"""Cascade a plan: start one instance per target unit, keyed by (process, plan, unit, round).

Idempotent: units that already have an instance are skipped, so an interrupted or repeated
cascade never duplicates work; the unique key on process_instance guards concurrent runs.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, calendars, definitions, runtime, unit_plans
from engine.errors import NotFoundError
from engine.workcalendar import WorkCalendar
from models import Plan, ProcessInstance, Unit

StartData = Callable[[Session, Plan, Unit, WorkCalendar], dict[str, Any]]

START_DATA: dict[str, StartData] = {
    "unit_plan": unit_plans.start_data,
}


@dataclass(frozen=True)
class CascadeResult:
    """How many instances a cascade started and how many already existed."""

    started: int
    skipped: int


def target_units(session: Session, plan: Plan) -> list[Unit]:
    """Return the active units of the kinds the plan is addressed to."""
    return list(session.scalars(select(Unit).where(
        Unit.kind.in_(list(plan.target_kinds)), Unit.active.is_(True)).order_by(Unit.id)))


def run(session: Session, plan_id: int, process_key: str, *, round_key: str = "",
        actor_id: int | None = None,
        after_each: Callable[[int], None] | None = None) -> CascadeResult:
    """Start `process_key` for every target unit of the plan that has no instance yet.

    `after_each(started_so_far)` lets a caller commit in batches or report progress.
    """
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFoundError("Không tìm thấy kế hoạch")
    if process_key not in START_DATA:
        raise NotFoundError(f"Quy trình '{process_key}' không hỗ trợ giao xuống đơn vị")
    existing = set(session.scalars(select(ProcessInstance.unit_id).where(
        ProcessInstance.process_key == process_key, ProcessInstance.plan_id == plan_id,
        ProcessInstance.round_key == round_key)))
    started = skipped = 0
    calendar = calendars.load(session)
    definition = definitions.latest(session, process_key)
    for unit in target_units(session, plan):
        if unit.id in existing:
            skipped += 1
            continue
        data = START_DATA[process_key](session, plan, unit, calendar)
        runtime.start(session, process_key, plan_id=plan.id, unit_id=unit.id, data=data,
                      round_key=round_key, due_date=plan.adoption_due_date, actor_id=actor_id,
                      definition=definition)
        started += 1
        if after_each is not None:
            after_each(started)
    audit.record(session, "plan.cascaded", actor_id=actor_id, process_key=process_key,
                 plan_id=plan_id, started=started, skipped=skipped)
    return CascadeResult(started=started, skipped=skipped)
