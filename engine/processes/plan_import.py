"""Load a year's province plan from its Excel workbook, or copy last year's, and start it.

Importing creates the plan as a draft and starts its `province_plan` instance at the
province unit, so Sở KHCN's draft step appears in their inbox; the leader's approval issues
it and the cascade follows. Re-importing the same year while the plan is still a draft
replaces its rows (the running instance stays); an issued plan is never changed this way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import audit
from engine.core.errors import ConflictError, NotFoundError
from engine.core.spreadsheets import CellProblem, refuse
from engine.domain import plan_copies, plan_workbook
from engine.domain.plan_rows import (
    KPI_FIELDS,
    TASK_FIELDS,
    TEMPLATE_FIELDS,
    TEMPLATE_KINDS,
    sync_rows,
)
from engine.domain.plan_workbook import PlanRows
from engine.processes import effects, lifecycle
from models import (
    Plan,
    PlanKpi,
    PlanStatus,
    PlanTask,
    ProcessInstance,
    TemplateTask,
    Unit,
    UnitKind,
)


@dataclass
class PlanImport:
    """What an import did or would do."""

    year: int
    title: str
    kpis: int  # the measurable ones (a heading of sub-KPIs, like II.8, is not counted)
    tasks: int
    templates: dict[str, int]
    flagged: list[CellProblem] = field(default_factory=list)
    replaces_draft: bool = False
    plan_id: int | None = None


def preview(session: Session, data: bytes) -> PlanImport:
    """Read the workbook and say what importing it would do; write nothing."""
    rows = plan_workbook.read(data, _unit_names(session))
    existing = _plan_of_year(session, rows.info.year)
    return _summary(rows, replaces_draft=existing is not None)


def run(session: Session, data: bytes, actor_id: int | None) -> PlanImport:
    """Import the workbook: create (or refresh) the draft plan of its year and start it."""
    rows = plan_workbook.read(data, _unit_names(session))
    province = _province(session)
    plan = _plan_of_year(session, rows.info.year)
    created = plan is None
    if plan is None:
        plan = plan_copies.new_plan(rows.info.year, rows.info.title, rows.info.adoption_due)
        session.add(plan)
    _fill(plan, rows)
    session.flush()
    audit.record(
        session,
        "plan.imported",
        actor_id=actor_id,
        plan_id=plan.id,
        year=plan.year,
        kpis=rows.measurable_kpis,
        tasks=len(rows.tasks),
    )
    if created:
        start(session, plan, province, actor_id)
    return _summary(rows, replaces_draft=not created, plan_id=plan.id)


def copy_plan(session: Session, source_id: int, year: int, actor_id: int | None) -> Plan:
    """Start `year`'s plan as a copy of plan `source_id` (same KPIs, tasks and templates; the
    deadline moved to the same day of the new year; no decision yet)."""
    source = session.get(Plan, source_id)
    if source is None:
        raise NotFoundError("Không tìm thấy kế hoạch")
    taken = session.scalars(
        select(Plan).where(
            Plan.year == year, Plan.status.in_([PlanStatus.DRAFT, PlanStatus.ISSUED])
        )
    ).first()
    if taken is not None:
        state = "đã được ban hành" if taken.status == PlanStatus.ISSUED else "đang soạn thảo"
        raise ConflictError(f"Năm {year} đã có kế hoạch {state}")
    province = _province(session)
    title = source.title.replace(str(source.year), str(year))
    plan = plan_copies.derive(session, source, year, title)
    audit.record(session, "plan.copied", actor_id=actor_id, plan_id=plan.id, source=source.id)
    start(session, plan, province, actor_id)
    return plan


def start(session: Session, plan: Plan, province: Unit, actor_id: int | None) -> ProcessInstance:
    """Start the plan's `province_plan` instance (Sở KHCN drafts, its leader issues)."""
    instance = lifecycle.start(
        session,
        "province_plan",
        plan_id=plan.id,
        unit_id=province.id,
        data={"plan_id": plan.id},
        actor_id=actor_id,
    )
    effects.settle(session)
    return instance


def _summary(rows: PlanRows, *, replaces_draft: bool, plan_id: int | None = None) -> PlanImport:
    return PlanImport(
        year=rows.info.year,
        title=rows.info.title,
        kpis=rows.measurable_kpis,
        tasks=len(rows.tasks),
        templates={kind: len(items) for kind, items in rows.templates.items()},
        flagged=rows.flagged,
        replaces_draft=replaces_draft,
        plan_id=plan_id,
    )


def _unit_names(session: Session) -> list[str]:
    return list(session.scalars(select(Unit.name).where(Unit.active.is_(True))))


def _province(session: Session) -> Unit:
    province = session.scalars(select(Unit).where(Unit.kind == UnitKind.PROVINCE)).first()
    if province is None:
        raise refuse("Chưa có đơn vị cấp tỉnh: hãy nhập danh sách đơn vị trước khi nhập kế hoạch")
    return province


def _plan_of_year(session: Session, year: int) -> Plan | None:
    """Return the year's draft plan; refuse when that year's plan is already issued."""
    plans = session.scalars(select(Plan).where(Plan.year == year)).all()
    if any(p.status == PlanStatus.ISSUED for p in plans):
        raise refuse(f"Kế hoạch năm {year} đã được ban hành; không thể nhập đè")
    return next((p for p in plans if p.status == PlanStatus.DRAFT), None)


def _fill(plan: Plan, rows: PlanRows) -> None:
    info = rows.info
    plan.title, plan.adoption_due_date = info.title, info.adoption_due
    plan.decision_number, plan.decision_date = info.decision_number, info.decision_date
    sync_rows(plan, "kpis", PlanKpi, rows.kpis, KPI_FIELDS)
    sync_rows(plan, "tasks", PlanTask, rows.tasks, TASK_FIELDS)
    for kind in TEMPLATE_KINDS:
        sync_rows(
            plan,
            "template_tasks",
            TemplateTask,
            rows.templates.get(kind, []),
            TEMPLATE_FIELDS,
            unit_kind=kind,
        )
