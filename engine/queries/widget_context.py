"""What the aggregation and inspection-choice pages show beside their forms: the province report
of the round, and the units ranked by how often they sent a stage late or left it overdue.

The leader's and Sở KHCN's steps on a quarterly report show the submitted report read-only.
Which builder a form uses is registered in `task_pages`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.labels import STAGE_STATUS_LABELS, round_label
from engine.domain import adhoc, aggregation, reports
from engine.domain.kpis import target_text
from engine.domain.status import StageStatus
from engine.queries import plans, supervision
from engine.queries.plans import PlanRow
from engine.queries.report_context import ReportContext, report_context
from engine.queries.task_views import TaskView
from models import Plan, PlanKpi, ProcessInstance, Report, Unit

LATE_STATUSES = (StageStatus.DONE_LATE, StageStatus.OVERDUE)


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
    plan_id: int = 0

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
class AdhocQuestion:
    """One question of an ad-hoc request, with the unit's answer so far."""

    key: str
    title: str
    type: str
    answer: Any


@dataclass(frozen=True)
class AdhocView:
    """An ad-hoc request beside its answering, signing or receiving step."""

    number: str
    issued_on: date
    issuer: str
    subject: str
    due_date: date
    questions: tuple[AdhocQuestion, ...]


@dataclass(frozen=True)
class WidgetContext:
    """What the report editor, aggregation_view and unit_picker widgets show beside the data."""

    report: ReportContext | None = None
    submitted: Report | None = None
    aggregate: AggregateView | None = None
    units: tuple[UnitLateness, ...] = field(default_factory=tuple)
    plan: PlanRow | None = None
    request: AdhocView | None = None


def aggregate_view(session: Session, instance: ProcessInstance) -> AggregateView:
    """Return the province report of the instance's round (computed and stored when missing)."""
    plan = session.get(Plan, instance.plan_id)
    assert plan is not None
    stored = aggregation.find(session, plan.id, instance.round_key)
    report = stored or aggregation.store(session, plan, instance.round_key)
    data = dict(report.data or {})
    kpis = session.scalars(select(PlanKpi).where(PlanKpi.plan_id == plan.id))
    return AggregateView(
        round_key=report.round_key,
        round_label=str(data.get("round_label") or round_label(report.round_key)),
        generated_at=report.generated_at,
        data=data,
        province_targets={
            k.code: k.target_text or target_text(k.target_value, k.comparator) for k in kpis
        },
        reviewed_comments=report.reviewed_comments,
        recommendations=data.get("recommendations"),
        approved_at=report.approved_at,
        plan_id=plan.id,
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
                late=row.count(StageStatus.DONE_LATE),
                overdue=row.count(StageStatus.OVERDUE),
                stages=tuple(
                    (round_label(key), STAGE_STATUS_LABELS[c.status])
                    for key, c in cells
                    if c.status in LATE_STATUSES
                ),
            )
        )
    return tuple(sorted(rows, key=lambda u: (-u.total, -u.overdue, u.name.casefold())))


def _instance_and_unit(session: Session, view: TaskView) -> tuple[ProcessInstance, Unit] | None:
    """Return the task's instance and unit (None when either is gone)."""
    instance = session.get(ProcessInstance, view.instance_id)
    unit = session.get(Unit, view.unit_id) if instance is not None else None
    return (instance, unit) if instance is not None and unit is not None else None


def report_editor(session: Session, view: TaskView) -> WidgetContext:
    """Beside a report being filled in: the unit's targets, tasks and departments' inputs."""
    found = _instance_and_unit(session, view)
    if found is None:
        return WidgetContext()
    instance, unit = found
    return WidgetContext(report=report_context(session, instance, unit))


def submitted_report(session: Session, view: TaskView) -> WidgetContext:
    """Beside a decision on a report: the submitted report, read-only, with its context."""
    found = _instance_and_unit(session, view)
    if found is None:
        return WidgetContext()
    instance, unit = found
    submitted = reports.find(session, instance.plan_id, unit.id, instance.round_key)
    return WidgetContext(report=report_context(session, instance, unit), submitted=submitted)


def province_report(session: Session, view: TaskView) -> WidgetContext:
    """Beside an aggregation step: the province report of the round."""
    instance = session.get(ProcessInstance, view.instance_id)
    if instance is None:
        return WidgetContext()
    return WidgetContext(aggregate=aggregate_view(session, instance))


def unit_picker(session: Session, view: TaskView) -> WidgetContext:
    """Beside the choice of units to inspect: the units ranked by lateness."""
    instance = session.get(ProcessInstance, view.instance_id)
    plan = session.get(Plan, instance.plan_id) if instance is not None else None
    return WidgetContext(units=units_by_lateness(session, plan) if plan else ())


def plan_contents(session: Session, view: TaskView) -> WidgetContext:
    """Beside the province plan's draft and approval: what the plan holds, to download it or
    load it again from Excel."""
    instance = session.get(ProcessInstance, view.instance_id)
    if instance is None:
        return WidgetContext()
    return WidgetContext(plan=plans.row(session, instance.plan_id))


def adhoc_request(session: Session, view: TaskView) -> WidgetContext:
    """Beside an ad-hoc report's steps: the request (document, subject, deadline) and each
    question with the answer given so far."""
    instance = session.get(ProcessInstance, view.instance_id)
    if instance is None:
        return WidgetContext()
    request = adhoc.find(session, instance.plan_id, instance.round_key)
    if request is None:
        return WidgetContext()
    report = reports.find(session, instance.plan_id, instance.unit_id, instance.round_key)
    answers = dict(report.answers or {}) if report else {}
    questions = tuple(
        AdhocQuestion(q["key"], adhoc.title_of(q), q["type"], answers.get(q["key"]))
        for q in request.questions
    )
    return WidgetContext(request=AdhocView(
        request.number, request.issued_on, request.issuer, request.subject, request.due_date,
        questions,
    ))
