"""Play the plan's year with scripted actors under the simulated clock and summarise it.

Each simulated day: 08:01 `tick` (timers open rounds, remind, escalate, aggregate), 10:00 unit
staff and leaders act, 16:00 Sở KHCN reviews; the day is committed. Everything goes through the
same engine calls a user's click makes. `plancascade init --demo` plays the same way with a
checkpoint after every step (engine.demo.progress).
"""

from __future__ import annotations

import random
import sys
import time as wallclock
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.core import calendars, clock
from engine.core.formatting import format_date
from engine.demo import numbering, province_actors, texts
from engine.demo.actors import Cast, act, make_cast
from engine.demo.bootstrap import at, issue_plan, prepare, province_unit
from engine.demo.scripted_year import LEADER_FORMS, REVIEW_FORMS, YearScript, adaptation
from engine.demo.seed_data import SHIPPED_YEAR, plan_data
from engine.demo.year_summary import summary
from engine.processes import timers
from models import HumanTask, HumanTaskStatus, Plan, ProcessInstance, Unit

ISSUE_DAY = date(2026, 1, 6)
Progress = Callable[[str], None]
Checkpoint = Callable[[date, int], None]  # the day and the index of the step to run next


def stage_of(instance: ProcessInstance) -> str:
    """Return the stage key a unit instance belongs to."""
    if instance.process_key == "unit_plan":
        return "adoption"
    if instance.process_key == "internal_report":
        return f"internal-{instance.round_key}"
    if instance.process_key == "inspection":
        return "remediation"
    return instance.round_key


def _ready(
    session: Session,
    *,
    roles: tuple[str, ...] | None = None,
    forms: set[str] | None = None,
    unit_ids: list[int] | None = None,
) -> list[tuple[HumanTask, ProcessInstance, Unit]]:
    """Return ready tasks with their instance and unit, narrowed by role, form or unit."""
    query = (
        select(HumanTask, ProcessInstance, Unit)
        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        .join(Unit, Unit.id == HumanTask.unit_id)
        .where(HumanTask.status == HumanTaskStatus.READY)
        .order_by(HumanTask.id)
    )
    if roles is not None:
        query = query.where(HumanTask.role.in_(roles))
    if forms is not None:
        query = query.where(HumanTask.form_key.in_(sorted(forms)))
    if unit_ids is None:
        return [(t, i, u) for t, i, u in session.execute(query)]
    rows: list[tuple[HumanTask, ProcessInstance, Unit]] = []
    for start in range(0, len(unit_ids), 500):
        chunk = query.where(HumanTask.unit_id.in_(unit_ids[start : start + 500]))
        rows.extend((t, i, u) for t, i, u in session.execute(chunk))
    return rows


def _schedule_new_stages(session: Session, script: YearScript) -> None:
    """Schedule every stage whose unit tasks appeared since yesterday."""
    opened = session.execute(
        select(ProcessInstance.process_key, ProcessInstance.round_key, func.min(HumanTask.id))
        .join(HumanTask, HumanTask.instance_id == ProcessInstance.id)
        .where(HumanTask.status == HumanTaskStatus.READY, HumanTask.role == "unit_staff")
        .group_by(ProcessInstance.process_key, ProcessInstance.round_key)
    ).all()
    for _key, _round, task_id in opened:
        task = session.get(HumanTask, task_id)
        if task is not None:
            _ensure_scheduled(session, script, task.instance)


def _ensure_scheduled(session: Session, script: YearScript, instance: ProcessInstance) -> str:
    stage = stage_of(instance)
    if stage not in script.late and instance.due_date is not None:
        units = list(
            session.scalars(
                select(Unit)
                .join(ProcessInstance, ProcessInstance.unit_id == Unit.id)
                .where(
                    ProcessInstance.plan_id == instance.plan_id,
                    ProcessInstance.process_key == instance.process_key,
                    ProcessInstance.round_key == instance.round_key,
                )
                .order_by(Unit.id)
            )
        )
        opened = clock.today()  # nobody acts on the day a stage opens
        script.schedule_stage(stage, units, opened, instance.due_date)
    return stage


def _staff_data(
    session: Session, script: YearScript, task: HumanTask, instance: ProcessInstance, unit: Unit
) -> dict[str, Any]:
    if task.form_key == "unit_plan_adapt":
        return adaptation(session, instance.plan_id, unit)
    if task.form_key == "inspection_remediation":
        year = clock.today().year
        key = f"{unit.code}/remediation"
        return {"remediation_report": texts.remediation(script.seed, key, year)}
    return script.report_data(session, task, instance, unit)


def _leader_data(script: YearScript, task: HumanTask, instance: ProcessInstance, unit: Unit,
                 today: date) -> dict[str, Any]:
    """Return a unit leader's signature: the plan's or report's number in the unit's series
    that day, and now and then a word for the staff."""
    stage = stage_of(instance)
    data: dict[str, Any] = {"decision": "approve"}
    if task.form_key == "unit_plan_approve":
        data["plan_number"] = numbering.unit_document(script.seed, unit, "KH", today)
        data["plan_date"] = today.isoformat()
    else:
        data["report_number"] = numbering.unit_document(script.seed, unit, "BC", today)
    comment = texts.leader_comment(script.seed, f"{unit.code}/{stage}/leader")
    if comment:
        data["comments"] = comment
    return data


def units_pass(session: Session, cast: Cast, script: YearScript, today: date) -> int:
    """Unit staff submit what is due today by the script; leaders approve what was submitted."""
    done = 0
    _schedule_new_stages(session, script)
    due = script.due_units(today)
    for task, instance, unit in _ready(session, roles=("unit_staff",), unit_ids=due):
        stage = _ensure_scheduled(session, script, instance)
        if script.staff_acts_today(stage, unit.id, today):
            act(session, cast, task, _staff_data(session, script, task, instance, unit))
            script.mark_done(stage, unit.id)
            done += 1
    for task, instance, unit in _ready(session, forms=LEADER_FORMS):
        act(session, cast, task, _leader_data(script, task, instance, unit, today))
        done += 1
    return done


def _province_data(session: Session, script: YearScript, plan: Plan, task: HumanTask,
                   instance: ProcessInstance, unit: Unit, today: date) -> dict[str, Any] | None:
    """Return what Sở KHCN, its leader or the inspection team enter today (None: not yet)."""
    age = (today - task.created_at.astimezone(clock.BUSINESS_TZ).date()).days
    seed, key = script.seed, task.form_key
    if key in REVIEW_FORMS:
        return script.review(stage_of(instance), unit.id)
    if key == "aggregation_review" and age >= 1:
        return province_actors.aggregation_review(session, seed, plan, str(instance.round_key),
                                                  today)
    if key == "aggregation_approve":
        return {"decision": "approve"}
    if key == "inspection_select":
        return province_actors.inspection_selection(session, seed, plan, script.rng, today)
    if key == "inspection_findings" and age >= 7:
        return province_actors.findings(session, seed, plan, unit)
    if key == "inspection_conclusion" and age >= 3:
        return province_actors.conclusion(session, seed, plan, unit, script.rng, today)
    return None


def province_pass(session: Session, cast: Cast, script: YearScript, plan: Plan, today: date) -> int:
    """Sở KHCN, its leader and the inspectors act on what waits for them."""
    done = 0
    for task, instance, unit in _ready(session, roles=("dost_staff", "dost_leader", "inspector")):
        data = _province_data(session, script, plan, task, instance, unit, today)
        if data is not None:
            act(session, cast, task, data)
            done += 1
    return done


def play(
    session: Session,
    cast: Cast,
    plan: Plan,
    script: YearScript,
    first: date,
    last: date,
    stop_at: datetime | None = None,
    progress: Progress | None = None,
    *,
    start_step: int = 0,
    checkpoint: Checkpoint | None = None,
) -> None:
    """Advance the clock day by day from step `start_step` of `first`, committing each step;
    `checkpoint` is told the step to run next in the same transaction, so a crash resumes."""
    day, skip = first, start_step
    while day <= last:
        today = day
        steps: tuple[tuple[int, Callable[[], object]], ...] = (
            (8, lambda: timers.tick(session)),
            (10, lambda: units_pass(session, cast, script, today)),  # noqa: B023 - run at once
            (16, lambda: province_pass(session, cast, script, plan, today)),  # noqa: B023
        )
        for index, (hour, step) in list(enumerate(steps))[skip:]:
            moment = at(day, hour, 1)
            if stop_at is not None and moment > stop_at:
                clock.set_now(stop_at)
                timers.tick(session)
                return
            clock.set_now(moment)
            step()
            if checkpoint is not None:
                checkpoint(day, index + 1)
            session.commit()
        if progress is not None and day.day == 1:
            progress(f"{format_date(day)}: đang mô phỏng…")
        day, skip = day + timedelta(days=1), 0


def start_year(
    session: Session,
    *,
    units: int | None,
    users: bool,
    seed: int,
    late_fraction: float,
    year: int = SHIPPED_YEAR,
) -> tuple[Plan, Cast, YearScript]:
    """Prepare the database and issue the plan (Sở KHCN drafts, its leader approves) on its
    decision day (06/01, or the first working day after it in another year)."""
    day = issue_day(session, year)
    clock.set_now(at(day, 7))
    plan = prepare(session, units=units, users=users, year=year)
    cast = make_cast(session, province_unit(session).id)
    session.commit()
    clock.set_now(at(day, 7, 30))
    issue_plan(session, cast, plan)
    session.commit()
    script = YearScript(
        random.Random(seed), late_fraction, calendars.load(session), plan.grace_days, seed=seed
    )
    return plan, cast, script


def issue_day(session: Session, year: int) -> date:
    """Return the day the shipped plan, moved to `year`, is issued."""
    return date.fromisoformat(plan_data(year, calendars.load(session))["decision"]["date"])


def simulate(
    session: Session,
    *,
    units: int,
    late_fraction: float,
    seed: int,
    last: date | None = None,
    users: bool = False,
    progress: Progress | None = None,
    year: int = SHIPPED_YEAR,
) -> dict[str, Any]:
    """Play the year (issue day to 31/12, or `last`) on an empty database; return the summary."""
    started = wallclock.perf_counter()
    plan, cast, script = start_year(
        session, units=units, users=users, seed=seed, late_fraction=late_fraction, year=year
    )
    first = issue_day(session, year)
    play(session, cast, plan, script, first, last or date(plan.year, 12, 31), progress=progress)
    return summary(session, plan, wallclock.perf_counter() - started)


def stderr_progress(message: str) -> None:
    """Print a progress line on stderr."""
    print(message, file=sys.stderr, flush=True)
