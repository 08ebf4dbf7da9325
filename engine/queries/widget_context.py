"""What the aggregation and inspection-choice pages show beside their forms: the province report
of the round, and the units ranked by how often they sent a stage late or left it overdue.

The leader's and Sở KHCN's steps on a quarterly report show the submitted report read-only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.domain import aggregation, reports, rounds
from engine.domain.kpis import target_text
from engine.domain.status import LABELS, StageStatus
from engine.queries import supervision
from engine.queries.report_context import ReportContext, report_context
from engine.queries.task_views import TaskView
from models import (
    AggregateReport,
    HumanTask,
    HumanTaskStatus,
    Plan,
    PlanKpi,
    ProcessInstance,
    Report,
    Unit,
)

LATE_STATUSES = (StageStatus.DONE_LATE, StageStatus.OVERDUE)
REPORT_FORMS = ("quarterly_report_fill", "internal_report_fill")
REPORT_DECISION_FORMS = ("quarterly_report_approve", "quarterly_report_review")


@dataclass(frozen=True)
class AggregateView:
    """The province report of a round as the review and approval pages show it."""

    round_key: str
    round_label: str
    generated_at: datetime
    data: dict[str, Any]
    province_targets: dict[str, str]
    reviewed_comments: str | None
    recommendations: str | None
    approved_at: datetime | None

    def tasks_of(self, kind: str) -> list[dict[str, Any]]:
        """Return the task roll-up rows of one template kind (department or commune)."""
        return [row for row in self.data.get("tasks", []) if row.get("kind") == kind]


@dataclass(frozen=True)
class UnitLateness:
    """A unit offered for inspection, with how many stages it sent late or left overdue."""

    code: str
    name: str
    kind: str
    late: int
    overdue: int
    stages: tuple[tuple[str, str], ...]

    @property
    def total(self) -> int:
        """Return the number of stages sent late or still overdue."""
        return self.late + self.overdue


@dataclass(frozen=True)
class WidgetContext:
    """What the report editor, aggregation_view and unit_picker widgets show beside the data."""

    report: ReportContext | None = None
    submitted: Report | None = None
    aggregate: AggregateView | None = None
    units: tuple[UnitLateness, ...] = field(default_factory=tuple)


def _reviewed_recommendations(session: Session, instance: ProcessInstance) -> str | None:
    """Return the recommendations of the round's latest completed review (its submitted data).

    aggregation.store refreshes `data` whenever an aggregation form is opened, which drops the
    recommendations aggregation.apply kept there; the completed review task still holds them.
    """
    draft = session.scalars(
        select(HumanTask.draft)
        .where(
            HumanTask.instance_id == instance.id,
            HumanTask.form_key == "aggregation_review",
            HumanTask.status == HumanTaskStatus.COMPLETED,
        )
        .order_by(HumanTask.id.desc())
        .limit(1)
    ).first()
    value = (draft or {}).get("recommendations")
    return str(value) if value else None


def aggregate_view(session: Session, instance: ProcessInstance) -> AggregateView:
    """Return the province report of the instance's round (computed and stored when missing)."""
    plan = session.get(Plan, instance.plan_id)
    assert plan is not None
    stored = session.scalars(
        select(AggregateReport).where(
            AggregateReport.plan_id == plan.id, AggregateReport.round_key == instance.round_key
        )
    ).first()
    report = stored or aggregation.store(session, plan, instance.round_key)
    data = dict(report.data or {})
    kpis = session.scalars(select(PlanKpi).where(PlanKpi.plan_id == plan.id))
    return AggregateView(
        round_key=report.round_key,
        round_label=str(data.get("round_label") or rounds.ROUND_LABELS.get(report.round_key, "")),
        generated_at=report.generated_at,
        data=data,
        province_targets={
            k.code: k.target_text or target_text(k.target_value, k.comparator) for k in kpis
        },
        reviewed_comments=report.reviewed_comments,
        recommendations=data.get("recommendations") or _reviewed_recommendations(session, instance),
        approved_at=report.approved_at,
    )


def units_by_lateness(session: Session, plan: Plan) -> tuple[UnitLateness, ...]:
    """Return the plan's units, most stages sent late or overdue first, then by name."""
    rows = []
    for row in supervision.build(session, plan).rows:
        cells = row.cells.items()
        rows.append(
            UnitLateness(
                code=row.code,
                name=row.name,
                kind=row.kind,
                late=sum(c.status == StageStatus.DONE_LATE for _, c in cells),
                overdue=sum(c.status == StageStatus.OVERDUE for _, c in cells),
                stages=tuple(
                    (rounds.ROUND_LABELS.get(key, key), LABELS[c.status])
                    for key, c in cells
                    if c.status in LATE_STATUSES
                ),
            )
        )
    return tuple(sorted(rows, key=lambda u: (-u.total, -u.overdue, u.name.casefold())))


def for_task(session: Session, view: TaskView) -> WidgetContext:
    """Return the widget context of a task the caller already may see (see tasks.get)."""
    wanted = view.process_key == "aggregation" or view.form_key in (
        *REPORT_FORMS,
        *REPORT_DECISION_FORMS,
        "inspection_select",
    )
    instance = session.get(ProcessInstance, view.instance_id) if wanted else None
    if instance is None:
        return WidgetContext()
    if view.form_key in REPORT_FORMS:
        unit = session.get(Unit, view.unit_id)
        return WidgetContext(report=report_context(session, instance, unit) if unit else None)
    if view.form_key in REPORT_DECISION_FORMS:
        unit = session.get(Unit, view.unit_id)
        if unit is None:
            return WidgetContext()
        submitted = reports.find(session, instance.plan_id, unit.id, instance.round_key)
        return WidgetContext(report=report_context(session, instance, unit), submitted=submitted)
    if view.process_key == "aggregation":
        return WidgetContext(aggregate=aggregate_view(session, instance))
    plan = session.get(Plan, instance.plan_id)
    return WidgetContext(units=units_by_lateness(session, plan) if plan else ())
