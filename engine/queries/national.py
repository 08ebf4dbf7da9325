"""The Ministry's view of the provinces: one roll-up row per province of its guidance.

Read across tenants on purpose (engine.core.tenancy.across_tenants), and only what belongs to
the Ministry leaves: counts per province (units, stages by status, late stages by stage),
the province's plan adapted from the guidance, and the province reports it approved and sent
up. No unit's name or row of a province leaves this module.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.core import tenancy
from engine.core.collation import vietnamese_key
from engine.core.errors import NotFoundError
from engine.domain.levels import is_national, provinces_of
from engine.domain.stages import stages
from engine.domain.status import StageStatus
from engine.queries.supervision import FACTS, STATUS
from models import AggregateReport, Plan, PlanStatus, Unit, UnitKind

LATE = (StageStatus.OVERDUE.value, StageStatus.DONE_LATE.value)
SHOWN = (StageStatus.DONE_ON_TIME, StageStatus.DONE_LATE, StageStatus.IN_PROGRESS,
         StageStatus.OVERDUE)  # the columns of the Ministry's table


@dataclass
class ProvinceRollup:
    """One province as the Ministry sees it."""

    tenant_id: int
    name: str
    units: int = 0
    plan_title: str | None = None
    plan_status: str | None = None  # PlanStatus value, None: not received yet
    decision_number: str | None = None
    decision_date: date | None = None
    statuses: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in StageStatus})
    late_by_stage: dict[str, int] = field(default_factory=dict)
    reports: list[tuple[str, datetime]] = field(default_factory=list)  # approved, sent up

    @property
    def late_total(self) -> int:
        """Return how many stages of the province's units are overdue or were done late."""
        return sum(self.late_by_stage.values())

    def plan_late(self, due: date, today: date) -> bool:
        """Tell whether the province issued its plan after `due`, or has not and `due` passed."""
        if self.decision_date is not None and self.plan_status == PlanStatus.ISSUED:
            return self.decision_date > due
        return today > due


@dataclass(frozen=True)
class NationalView:
    """The guidance, its stage names, and every province's roll-up."""

    guidance: Plan
    stage_names: dict[str, str]
    provinces: list[ProvinceRollup]


def guidance_of(session: Session, plan_id: int | None = None) -> Plan:
    """Return the scoped Ministry's guidance `plan_id`, or its newest issued one."""
    query = select(Plan).where(Plan.status == PlanStatus.ISSUED)
    if plan_id is not None:
        query = query.where(Plan.id == plan_id)
    plan = session.scalars(query.order_by(Plan.year.desc(), Plan.id.desc())).first()
    if plan is None or not is_national(session, plan):
        raise NotFoundError("Bộ chưa ban hành hướng dẫn nào")
    return plan


def view(session: Session, guidance: Plan, today: date) -> NationalView:
    """Return every province's roll-up of `guidance`, in province order."""
    names = {s.key: s.label for s in stages(guidance)}
    with tenancy.across_tenants(session):
        rows = {t.id: ProvinceRollup(t.id, t.name)
                for t in provinces_of(session, guidance.tenant_id)}
        plans = _derived(session, guidance, rows)
        _count_units(session, rows)
        _count_statuses(session, plans, rows, today, names)
        _reports(session, plans, rows)
    return NationalView(guidance, names, sorted(rows.values(), key=_by_place))


def _by_place(row: ProvinceRollup) -> Any:
    """Vietnamese order of the place's own name: Cần Thơ, Hà Nội … before Lai Châu."""
    for prefix in ("Thành phố ", "Tỉnh "):
        if row.name.startswith(prefix):
            return vietnamese_key(row.name[len(prefix):])
    return vietnamese_key(row.name)


def _derived(session: Session, guidance: Plan, rows: dict[int, ProvinceRollup]) -> dict[int, int]:
    plans: dict[int, int] = {}
    for plan in session.scalars(select(Plan).where(Plan.parent_plan_id == guidance.id)):
        if (row := rows.get(plan.tenant_id)) is not None:
            plans[plan.id] = plan.tenant_id
            row.plan_title, row.plan_status = plan.title, str(plan.status)
            row.decision_number, row.decision_date = plan.decision_number, plan.decision_date
    return plans


def _count_units(session: Session, rows: dict[int, ProvinceRollup]) -> None:
    for tenant_id, number in session.execute(
        select(Unit.tenant_id, func.count(Unit.id))
        .where(Unit.active.is_(True), Unit.kind.in_([UnitKind.DEPARTMENT, UnitKind.COMMUNE]),
               Unit.tenant_id.in_(list(rows)))
        .group_by(Unit.tenant_id)
    ):
        rows[tenant_id].units = int(number)


def _count_statuses(session: Session, plans: dict[int, int], rows: dict[int, ProvinceRollup],
                    today: date, names: dict[str, str]) -> None:
    if not plans:
        return
    facts = select(FACTS.c.plan_id, FACTS.c.stage_key, STATUS.label("status")).where(
        FACTS.c.plan_id.in_(list(plans))).subquery()
    late: dict[int, dict[str, int]] = defaultdict(dict)
    for plan_id, stage, status, number in session.execute(
        select(facts.c.plan_id, facts.c.stage_key, facts.c.status, func.count())
        .where(facts.c.status.is_not(None))
        .group_by(facts.c.plan_id, facts.c.stage_key, facts.c.status),
        {"today": today},
    ):
        row = rows[plans[plan_id]]
        row.statuses[status] += int(number)
        if status in LATE:
            late[plan_id][stage] = late[plan_id].get(stage, 0) + int(number)
    for plan_id, by_stage in late.items():
        rows[plans[plan_id]].late_by_stage = {
            k: by_stage[k] for k in [*names, *sorted(set(by_stage) - set(names))] if k in by_stage}


def _reports(session: Session, plans: dict[int, int], rows: dict[int, ProvinceRollup]) -> None:
    for plan_id, round_key, approved in session.execute(
        select(AggregateReport.plan_id, AggregateReport.round_key, AggregateReport.approved_at)
        .where(AggregateReport.plan_id.in_(list(plans)), AggregateReport.approved_at.is_not(None))
        .order_by(AggregateReport.approved_at)
    ):
        if approved is not None:
            rows[plans[plan_id]].reports.append((str(round_key), approved))
