"""Play the adoption stage with scripted actors under the simulated clock and summarise it."""
from __future__ import annotations

import random
import sys
import time as wallclock
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import calendars, clock, timers
from engine.actors import Cast, act, adopt_plan, make_cast, ready_tasks
from engine.bootstrap import at, issue_plan, prepare, province_unit
from engine.cascade import target_units
from models import (
    AuditEvent,
    HumanTask,
    HumanTaskStatus,
    Notification,
    Plan,
    ProcessInstance,
    Unit,
    UnitPlan,
)

ISSUE_DAY = date(2026, 1, 6)


@dataclass
class AdoptionScript:
    """Who acts when: the day each unit submits, and which submissions Sở KHCN returns once."""

    submit_on: dict[int, date] = field(default_factory=dict)
    late: set[int] = field(default_factory=set)
    returned_once: set[int] = field(default_factory=set)


def script_adoption(units: list[Unit], plan: Plan, escalate_on: date, rng: random.Random,
                    late_fraction: float) -> AdoptionScript:
    """Choose, with the seeded generator, each unit's submission day."""
    script = AdoptionScript()
    late_count = round(len(units) * late_fraction)
    script.late = {u.id for u in rng.sample(units, late_count)}
    window = (plan.adoption_due_date - ISSUE_DAY).days
    for unit in units:
        if unit.id in script.late:
            script.submit_on[unit.id] = escalate_on + timedelta(days=rng.randint(1, 6))
        else:
            script.submit_on[unit.id] = ISSUE_DAY + timedelta(days=rng.randint(1, window))
            if rng.random() < 0.1:
                script.returned_once.add(unit.id)
    return script


def _review_day(session: Session, cast: Cast, script: AdoptionScript) -> int:
    """Play Sở KHCN reviewing every plan sent today: accept, or return once when scripted."""
    done = 0
    for task in ready_tasks(session, form_key="unit_plan_review"):
        if task.unit_id in script.returned_once:
            script.returned_once.discard(task.unit_id)
            act(session, cast, task, {"decision": "return",
                                      "comments": "Đề nghị bổ sung đơn vị chủ trì cho nhiệm vụ."})
        else:
            act(session, cast, task, {"decision": "accept"})
        done += 1
    return done


def play_days(session: Session, cast: Cast, units: dict[int, Unit], script: AdoptionScript,
              first: date, last: date, stop_at: datetime | None = None,
              progress: Callable[[str], None] | None = None) -> None:
    """Advance the clock day by day: tick, units act, Sở KHCN reviews; commit each day."""
    day = first
    while day <= last:
        for hour, action in ((8, "tick"), (10, "units"), (16, "review")):
            moment = at(day, hour, 1)
            if stop_at is not None and moment > stop_at:
                clock.set_now(stop_at)
                timers.tick(session)
                return
            clock.set_now(moment)
            if action == "tick":
                timers.tick(session)
            elif action == "units":
                for unit_id, when in script.submit_on.items():
                    if when <= day:
                        adopt_plan(session, cast, units[unit_id], f"{unit_id:02d}/KH-CĐS")
            else:
                _review_day(session, cast, script)
            session.commit()
        if progress is not None:
            progress(f"{day.strftime('%d/%m/%Y')}: xong")
        day += timedelta(days=1)


def summary(session: Session, plan: Plan, seconds: float) -> dict[str, Any]:
    """Return the simulator's JSON summary, computed from the database."""
    def count(query: Any) -> int:
        return int(session.scalar(query) or 0)

    late = sorted(session.scalars(select(Unit.code).join(UnitPlan, UnitPlan.unit_id == Unit.id)
                                  .where(UnitPlan.plan_id == plan.id, UnitPlan.late.is_(True))))
    escalated = sorted(session.scalars(select(Unit.code).join(
        ProcessInstance, ProcessInstance.unit_id == Unit.id).where(
        ProcessInstance.plan_id == plan.id, ProcessInstance.process_key == "unit_plan",
        ProcessInstance.escalated_at.is_not(None))))
    return {
        "units": len(target_units(session, plan)),
        "instances_started": count(select(func.count(ProcessInstance.id))),
        "tasks_completed": count(select(func.count(HumanTask.id)).where(
            HumanTask.status == HumanTaskStatus.COMPLETED)),
        "reminders": count(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "reminder.sent")),
        "notifications": count(select(func.count(Notification.id))),
        "escalations": count(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "instance.escalated")),
        "late_units_by_stage": {"adoption": len(late), "q1": 0, "q2": 0, "q3": 0, "q4": 0},
        "late_unit_codes": {"adoption": late},
        "escalated_unit_codes": {"adoption": escalated},
        "seconds": round(seconds, 2),
    }


def simulate(session: Session, *, units: int, late_fraction: float, seed: int,
             stop_at: datetime | None = None, users: bool = False,
             progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Play the adoption stage on a prepared, empty database and return the summary."""
    started = wallclock.perf_counter()
    clock.set_now(at(ISSUE_DAY, 7))
    plan = prepare(session, units=units, users=users)
    cast = make_cast(session, province_unit(session).id)
    session.commit()
    clock.set_now(at(ISSUE_DAY, 7, 30))
    issue_plan(session, cast, plan)
    session.commit()
    targets = target_units(session, plan)
    calendar = calendars.load(session)
    escalate_on = calendar.add_working_days(plan.adoption_due_date, plan.grace_days)
    script = script_adoption(targets, plan, escalate_on, random.Random(seed), late_fraction)
    last = max(script.submit_on.values(), default=escalate_on) + timedelta(days=2)
    play_days(session, cast, {u.id: u for u in targets}, script, ISSUE_DAY, last,
              stop_at=stop_at, progress=progress)
    return summary(session, plan, wallclock.perf_counter() - started)


def stderr_progress(message: str) -> None:
    """Print a progress line on stderr."""
    print(message, file=sys.stderr, flush=True)
