"""A plan made from another: next year's from this year's, or a province's draft from the
Ministry's guidance (the same KPIs, tasks and templates; the deadline on the same day of the
new year; no decision yet)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from engine.core import clock
from engine.domain.plan_rows import (
    KPI_FIELDS,
    TASK_FIELDS,
    TEMPLATE_FIELDS,
    TEMPLATE_KINDS,
    sync_rows,
)
from models import Plan, PlanKpi, PlanStatus, PlanTask, TemplateTask

DEFAULT_TARGET_KINDS = ["department", "commune"]


def load_rows(plan: Plan) -> Plan:
    """Load the rows `derive` copies from `plan` now: a session then working for another
    tenant (a province copying the Ministry's guidance) could not read them."""
    for rows in (plan.kpis, plan.tasks, plan.template_tasks):
        len(rows)
    return plan


def derive(session: Session, source: Plan, year: int, title: str) -> Plan:
    """Add a draft plan of `year` with the rows of `source` (its KPIs, tasks and templates,
    the deadline moved to the same day of `year`, no decision yet)."""
    shift = year - source.year
    plan = new_plan(
        year, title, same_day(source.adoption_due_date, source.adoption_due_date.year + shift))
    plan.target_kinds = list(source.target_kinds)
    plan.reminder_days_before, plan.grace_days = source.reminder_days_before, source.grace_days
    session.add(plan)
    copy_rows(source, plan)
    session.flush()
    return plan


def new_plan(year: int, title: str, due: date) -> Plan:
    return Plan(
        year=year,
        title=title,
        status=PlanStatus.DRAFT,
        adoption_due_date=due,
        reminder_days_before=2,
        grace_days=5,
        target_kinds=list(DEFAULT_TARGET_KINDS),
        settings={},
        created_at=clock.now(),
    )


def copy_rows(source: Plan, plan: Plan) -> None:
    def rows(items: list[Any], fields: tuple[str, ...]) -> list[dict[str, Any]]:
        return [{"code": i.code, **{f: getattr(i, f) for f in fields}} for i in items]

    sync_rows(plan, "kpis", PlanKpi, rows(list(source.kpis), KPI_FIELDS), KPI_FIELDS)
    sync_rows(plan, "tasks", PlanTask, rows(list(source.tasks), TASK_FIELDS), TASK_FIELDS)
    for kind in TEMPLATE_KINDS:
        items = [t for t in source.template_tasks if t.unit_kind == kind]
        sync_rows(
            plan,
            "template_tasks",
            TemplateTask,
            rows(list(items), TEMPLATE_FIELDS),
            TEMPLATE_FIELDS,
            unit_kind=kind,
        )


def same_day(day: date, year: int) -> date:
    """`day` in `year` (29/02 becomes 28/02)."""
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)
