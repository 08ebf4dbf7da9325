"""The province plans as the plans page lists them: year, title, status, decision, sizes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from engine.core.errors import NotFoundError
from engine.core.labels import PLAN_STATUS_LABELS
from models import Plan


@dataclass(frozen=True)
class PlanRow:
    """One plan in the list."""

    id: int
    year: int
    title: str
    status: str
    status_label: str
    decision_number: str | None
    decision_date: date | None
    adoption_due: date
    kpis: int
    tasks: int
    template_tasks: int


def list_plans(session: Session) -> list[PlanRow]:
    """Return every plan, newest year first."""
    plans = session.scalars(
        select(Plan)
        .options(
            selectinload(Plan.kpis), selectinload(Plan.tasks), selectinload(Plan.template_tasks)
        )
        .order_by(Plan.year.desc(), Plan.id.desc())
    )
    return [_row(p) for p in plans]


def row(session: Session, plan_id: int) -> PlanRow:
    """Return plan `plan_id` as the list shows it."""
    return _row(get(session, plan_id))


def _row(p: Plan) -> PlanRow:
    return PlanRow(
            id=p.id,
            year=p.year,
            title=p.title,
            status=str(p.status),
            status_label=PLAN_STATUS_LABELS.get(str(p.status), str(p.status)),
            decision_number=p.decision_number,
            decision_date=p.decision_date,
            adoption_due=p.adoption_due_date,
            kpis=sum(1 for k in p.kpis if k.measurable),
            tasks=len(p.tasks),
            template_tasks=len(p.template_tasks),
        )


def get(session: Session, plan_id: int) -> Plan:
    """Return plan `plan_id` or raise NotFoundError."""
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFoundError("Không tìm thấy kế hoạch")
    return plan
