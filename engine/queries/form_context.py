"""What a unit_plan task page shows beside its form: KPI and task names, targets, reviewers'
comments, the unit's own departments to pick who leads a task. Which builder a form uses is
registered in `task_pages`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.domain.unit_plans import template_kind
from engine.queries.task_views import TaskView
from models import (
    AuditEvent,
    PlanKpi,
    ProcessInstance,
    TemplateTask,
    Unit,
    UnitKind,
    UnitPlan,
    UnitPlanStatus,
    User,
)


@dataclass(frozen=True)
class KpiInfo:
    """A KPI of the province plan as the editor labels it."""

    code: str
    name: str
    group_code: str
    group_name: str
    parent_name: str | None
    target_text: str | None
    target_value: float | None
    target_unit: str | None


@dataclass(frozen=True)
class TemplateTaskInfo:
    """A task of the unit's template as the editor labels it."""

    code: str
    name: str
    group_code: str
    group_name: str


@dataclass(frozen=True)
class ReturnNote:
    """Why a plan came back: the comments, who wrote them and when."""

    comments: str
    by_name: str | None
    at: datetime | None


@dataclass(frozen=True)
class UnitPlanSummary:
    """The unit's current plan as the leader and Sở KHCN read it before deciding."""

    kpis: tuple[dict[str, Any], ...]
    tasks: tuple[dict[str, Any], ...]
    plan_number: str | None
    plan_date: date | None
    due_date: date
    status: str


@dataclass(frozen=True)
class FormContext:
    """Everything a task page shows beside the form's own data."""

    kpis: dict[str, KpiInfo] = field(default_factory=dict)
    template_tasks: dict[str, TemplateTaskInfo] = field(default_factory=dict)
    returned: ReturnNote | None = None
    unit_plan: UnitPlanSummary | None = None
    departments: tuple[str, ...] = ()  # the unit's own internal departments, offered by name


def _kpis(session: Session, plan_id: int) -> dict[str, KpiInfo]:
    rows = list(
        session.scalars(
            select(PlanKpi).where(PlanKpi.plan_id == plan_id).order_by(PlanKpi.position)
        )
    )
    names = {k.code: k.name for k in rows}
    return {
        k.code: KpiInfo(
            code=k.code,
            name=k.name,
            group_code=k.group_code,
            group_name=k.group_name,
            parent_name=names.get(k.parent_code) if k.parent_code else None,
            target_text=k.target_text,
            target_value=k.target_value,
            target_unit=k.target_unit,
        )
        for k in rows
    }


def _template_tasks(session: Session, plan_id: int, unit: Unit) -> dict[str, TemplateTaskInfo]:
    rows = session.scalars(
        select(TemplateTask)
        .where(TemplateTask.plan_id == plan_id, TemplateTask.unit_kind == template_kind(unit))
        .order_by(TemplateTask.position)
    )
    return {
        t.code: TemplateTaskInfo(
            code=t.code, name=t.name, group_code=t.group_code, group_name=t.group_name
        )
        for t in rows
    }


def departments_of(session: Session, unit_id: int) -> tuple[str, ...]:
    """Return the names of a unit's active internal departments (phòng, ban thuộc xã), by name."""
    names = session.scalars(
        select(Unit.name).where(
            Unit.parent_id == unit_id, Unit.kind == UnitKind.INTERNAL, Unit.active.is_(True)
        )
    )
    return tuple(sorted(names, key=str.casefold))


def _return_note(session: Session, record: UnitPlan, instance_id: int) -> ReturnNote | None:
    """Return the latest return-for-revision note, found in the instance's audit trail."""
    if record.status != UnitPlanStatus.RETURNED or not record.review_comments:
        return None
    events = session.execute(
        select(AuditEvent, User.full_name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.instance_id == instance_id, AuditEvent.action == "task.completed")
        .order_by(AuditEvent.id.desc())
        .limit(20)
    )
    for event, name in events:
        if (event.details or {}).get("decision") == "return":
            return ReturnNote(comments=record.review_comments, by_name=name, at=event.at)
    return ReturnNote(comments=record.review_comments, by_name=None, at=None)


def _summary(record: UnitPlan) -> UnitPlanSummary:
    return UnitPlanSummary(
        kpis=tuple(k for k in record.kpis if k.get("selected")),
        tasks=tuple(t for t in record.tasks if t.get("kept")),
        plan_number=record.plan_number,
        plan_date=record.plan_date,
        due_date=record.due_date,
        status=str(record.status),
    )


@dataclass(frozen=True)
class _PlanOfTask:
    """The unit plan a unit_plan task works on, with the province plan's KPIs."""

    instance: ProcessInstance
    unit: Unit
    record: UnitPlan | None
    kpis: dict[str, KpiInfo]


def _plan_of(session: Session, view: TaskView) -> _PlanOfTask | None:
    """Return the unit plan behind a task (None when its instance or unit is gone)."""
    instance = session.get(ProcessInstance, view.instance_id)
    unit = session.get(Unit, view.unit_id)
    if instance is None or unit is None:
        return None
    record = session.scalars(
        select(UnitPlan).where(UnitPlan.plan_id == instance.plan_id, UnitPlan.unit_id == unit.id)
    ).first()
    return _PlanOfTask(instance, unit, record, _kpis(session, instance.plan_id))


def adaptation(session: Session, view: TaskView) -> FormContext:
    """Beside the adaptation editor: KPI and template-task names, why the plan came back."""
    found = _plan_of(session, view)
    if found is None:
        return FormContext()
    departments = departments_of(session, found.unit.id)
    if found.record is None:
        return FormContext(kpis=found.kpis, departments=departments)
    return FormContext(
        kpis=found.kpis,
        template_tasks=_template_tasks(session, found.instance.plan_id, found.unit),
        returned=_return_note(session, found.record, found.instance.id),
        departments=departments,
    )


def plan_summary(session: Session, view: TaskView) -> FormContext:
    """Beside a decision on a unit plan: the plan as it stands, with the KPIs' names."""
    found = _plan_of(session, view)
    if found is None:
        return FormContext()
    if found.record is None:
        return FormContext(kpis=found.kpis)
    return FormContext(kpis=found.kpis, unit_plan=_summary(found.record))
