"""Cascade a plan: start one instance per target unit, keyed by (process, plan, unit, round).

Idempotent: units that already have an instance are skipped, so an interrupted or repeated
cascade never duplicates work; the unique key on process_instance guards concurrent runs.
The same mechanism works one level down: a commune's quarterly report cascades to its
internal departments — unless the plan has regimes of its own for them, whose rounds cascade
`internal_report` to the departments of every target commune.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import audit, calendars
from engine.core.errors import NotFoundError
from engine.core.workcalendar import WorkCalendar
from engine.domain import inspections, regimes, reports, rounds, unit_plans
from engine.domain.targets import internal_units, round_units, target_units
from engine.processes import lifecycle
from engine.workflow import definitions
from models import Plan, ProcessDefinition, ProcessInstance, Unit, UnitKind


@dataclass(frozen=True)
class Target:
    """How a process is cascaded: to whom, with which start data and due date."""

    units: Callable[[Session, Plan, Unit | None, str], list[Unit]]
    start_data: Callable[[Session, Plan, Unit, WorkCalendar, str], dict[str, Any]]
    due: Callable[[Plan, str], date | None]


@dataclass(frozen=True)
class CascadeResult:
    """How many instances a cascade started and how many already existed."""

    started: int
    skipped: int


TARGETS: dict[str, Target] = {
    "unit_plan": Target(
        lambda s, p, u, r: target_units(s, p, u),
        lambda s, p, u, c, r: unit_plans.start_data(s, p, u, c),
        lambda p, r: p.adoption_due_date,
    ),
    "quarterly_report": Target(
        lambda s, p, u, r: round_units(s, p, r), reports.start_data, rounds.report_due
    ),
    "internal_report": Target(
        lambda s, p, u, r: internal_units(s, p, u) if u is not None else round_units(s, p, r),
        reports.internal_start_data,
        rounds.internal_due,
    ),
    "inspection": Target(
        lambda s, p, u, r: inspections.pending_units(s, p.id),
        inspections.start_data,
        lambda p, r: rounds.inspection_due(p),
    ),
    "adhoc_report": Target(
        lambda s, p, u, r: round_units(s, p, r), reports.adhoc_start_data, lambda p, r: None
    ),
}


def _existing(session: Session, plan_id: int, process_key: str, round_key: str) -> set[int]:
    return set(
        session.scalars(
            select(ProcessInstance.unit_id).where(
                ProcessInstance.process_key == process_key,
                ProcessInstance.plan_id == plan_id,
                ProcessInstance.round_key == round_key,
            )
        )
    )


def run(
    session: Session,
    plan_id: int,
    process_key: str,
    *,
    round_key: str = "",
    actor_id: int | None = None,
    parent: ProcessInstance | None = None,
    after_each: Callable[[int], None] | None = None,
) -> CascadeResult:
    """Start `process_key` for every target unit of the plan that has no instance yet.

    `after_each(started_so_far)` lets a caller commit in batches or report progress.
    """
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFoundError("Không tìm thấy kế hoạch")
    target = TARGETS.get(process_key)
    if target is None:
        raise NotFoundError(f"Quy trình '{process_key}' không hỗ trợ giao xuống đơn vị")
    parent_unit = session.get(Unit, parent.unit_id) if parent is not None else None
    existing = _existing(session, plan_id, process_key, round_key)
    calendar = calendars.load(session)
    definition = definitions.latest(session, process_key)
    started = skipped = 0
    for unit in target.units(session, plan, parent_unit, round_key):
        if unit.id in existing:
            skipped += 1
            continue
        _start_one(
            session, plan, unit, process_key, round_key, calendar, definition, actor_id, parent
        )
        started += 1
        if after_each is not None:
            after_each(started)
    audit.record(
        session,
        "plan.cascaded",
        actor_id=actor_id,
        process_key=process_key,
        plan_id=plan_id,
        round=round_key,
        started=started,
        skipped=skipped,
        parent_instance_id=parent.id if parent else None,
    )
    return CascadeResult(started=started, skipped=skipped)


def _start_one(
    session: Session,
    plan: Plan,
    unit: Unit,
    process_key: str,
    round_key: str,
    calendar: WorkCalendar,
    definition: ProcessDefinition,
    actor_id: int | None,
    parent: ProcessInstance | None,
) -> ProcessInstance:
    target = TARGETS[process_key]
    data = target.start_data(session, plan, unit, calendar, round_key)
    due = (
        date.fromisoformat(data["due_date"]) if "due_date" in data else target.due(plan, round_key)
    )
    instance = lifecycle.start(
        session,
        process_key,
        plan_id=plan.id,
        unit_id=unit.id,
        data=data,
        round_key=round_key,
        due_date=due,
        actor_id=actor_id,
        definition=definition,
        parent_instance_id=parent.id if parent else None,
    )
    if process_key == "quarterly_report" and unit.children and not regimes.internal_regimes(plan):
        run(
            session,
            plan.id,
            "internal_report",
            round_key=round_key,
            actor_id=actor_id,
            parent=instance,
        )
    return instance


def start_province_process(
    session: Session, plan: Plan, process_key: str, round_key: str, data: dict[str, Any]
) -> ProcessInstance:
    """Start a province-level process once per (plan, round): e.g. a round's aggregation."""
    province = session.scalars(select(Unit).where(
        Unit.kind == UnitKind.PROVINCE, Unit.tenant_id == plan.tenant_id)).first()
    if province is None:
        raise NotFoundError("Chưa có đơn vị cấp tỉnh")
    existing = session.scalars(
        select(ProcessInstance).where(
            ProcessInstance.process_key == process_key,
            ProcessInstance.plan_id == plan.id,
            ProcessInstance.round_key == round_key,
            ProcessInstance.unit_id == province.id,
        )
    ).first()
    if existing is not None:
        return existing
    return lifecycle.start(
        session, process_key, plan_id=plan.id, unit_id=province.id, data=data, round_key=round_key
    )
