"""Prepare a database: schema, built-in processes, and (for demos and simulation) the 2026 data."""

from __future__ import annotations

from datetime import date, datetime, time

from slugify import slugify
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import calendars, clock
from engine.demo import seed_data as demo_data
from engine.demo.actors import Cast, act, ready_tasks
from engine.processes import effects, lifecycle
from engine.workflow import definitions
from models import Plan, ProcessInstance, Unit, UnitKind


def province_unit(session: Session) -> Unit:
    """Return the province unit (UBND tỉnh) that province-level instances belong to."""
    unit = session.scalars(select(Unit).where(Unit.kind == UnitKind.PROVINCE)).first()
    if unit is None:
        raise LookupError("province unit missing: load the units first")
    return unit


def synthetic_communes(session: Session, count: int) -> list[Unit]:
    """Add `count` simulated communes (for scale runs beyond the province's 90 units)."""
    units = []
    for index in range(1, count + 1):
        code = f"xa-mo-phong-{index:04d}"
        unit = session.scalars(select(Unit).where(Unit.code == code)).first()
        if unit is None:
            unit = Unit(
                code=code,
                name=f"Xã mô phỏng {index:04d}",
                kind=UnitKind.COMMUNE,
                subkind="xa",
                active=True,
            )
            session.add(unit)
        units.append(unit)
    session.flush()
    return units


def limit_units(session: Session, count: int) -> None:
    """Keep `count` departments and communes active (adding simulated ones beyond 90)."""
    real = list(
        session.scalars(
            select(Unit)
            .where(Unit.kind.in_([UnitKind.DEPARTMENT, UnitKind.COMMUNE]))
            .order_by(Unit.id)
        )
    )
    for index, unit in enumerate(real):
        unit.active = index < count
    if count > len(real):
        synthetic_communes(session, count - len(real))


def load_internal_units(session: Session, users: bool) -> list[Unit]:
    """Add the internal departments of communes that cascade inside (xã Mường La)."""
    created = []
    for parent_code, names in (
        demo_data.read_json("units.json").get("internal_departments", {}).items()
    ):
        parent = session.scalars(select(Unit).where(Unit.code == parent_code)).first()
        if parent is None or not parent.active:
            continue
        for name in names:
            code = f"{parent_code}-{slugify(name)}"
            unit = session.scalars(select(Unit).where(Unit.code == code)).first()
            if unit is None:
                unit = Unit(
                    code=code, name=name, kind=UnitKind.INTERNAL, parent=parent, active=True
                )
                session.add(unit)
            created.append(unit)
    session.flush()
    if users:
        demo_data.create_demo_users(session, {u.code: u for u in created})
    return created


def prepare(
    session: Session,
    *,
    units: int | None = None,
    users: bool = True,
    year: int = demo_data.SHIPPED_YEAR,
) -> Plan:
    """Load units, the plan of `year`, demo users and the built-in processes (idempotent)."""
    loaded = demo_data.load_units(session)
    if units is not None:
        limit_units(session, units)
    if users:
        demo_data.create_demo_users(session, loaded)
    load_internal_units(session, users)
    plan = demo_data.load_plan(session, year)
    deploy_processes(session, year)
    session.flush()
    return plan


def year_start(session: Session, year: int) -> datetime:
    """Return 08:00 on the first working day of `year` (02/01/2026): when the demo's
    processes are deployed, before the plan is issued."""
    return at(calendars.load(session).next_working_day(date(year, 1, 1)), 8)


def deploy_processes(session: Session, year: int) -> None:
    """Deploy the built-in processes as of the year's first working morning (or now, when
    that is still to come), so the demo's version 1 is dated in its own year; the clock
    stays frozen at the moment it read before."""
    current = clock.now()
    clock.set_now(min(current, year_start(session, year)))
    try:
        definitions.deploy_builtin(session)
    finally:
        clock.set_now(current)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """Return `day` at hour:minute in Asia/Ho_Chi_Minh."""
    return datetime.combine(day, time(hour, minute), tzinfo=clock.BUSINESS_TZ)


def issue_plan(session: Session, cast: Cast, plan: Plan) -> ProcessInstance:
    """Play Sở KHCN drafting the plan and its leader issuing it; the cascade follows."""
    existing = session.scalars(
        select(ProcessInstance).where(
            ProcessInstance.process_key == "province_plan", ProcessInstance.plan_id == plan.id
        )
    ).first()
    instance = existing or lifecycle.start(
        session,
        "province_plan",
        plan_id=plan.id,
        unit_id=province_unit(session).id,
        data={"plan_id": plan.id},
    )
    effects.settle(session)
    for task in ready_tasks(session, form_key="province_plan_draft"):
        act(
            session,
            cast,
            task,
            {
                "title": plan.title,
                "adoption_due_date": plan.adoption_due_date.isoformat(),
                "target_kinds": list(plan.target_kinds),
                "reminder_days_before": plan.reminder_days_before,
                "grace_days": plan.grace_days,
            },
        )
    for task in ready_tasks(session, form_key="province_plan_approve"):
        act(
            session,
            cast,
            task,
            {
                "decision": "approve",
                "decision_number": plan.decision_number or "",
                "decision_date": (plan.decision_date or clock.today()).isoformat(),
            },
        )
    return instance
