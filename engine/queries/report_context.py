"""What a unit's report form (quarterly_report_fill, internal_report_fill) shows beside its data:
each KPI's name and the unit's own target, each task's name and who leads it, and — for a commune
that cascades inside — what its internal departments reported for the round; and what the
unit wrote for the round before, so that text carried over from it is marked as such."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import clock
from engine.core.labels import STAGE_STATUS_LABELS, round_label
from engine.domain import regimes, reports, rounds, submissions
from engine.domain.kpis import target_text
from engine.domain.status import StageStatus, stage_status
from engine.domain.unit_plans import template_kind
from models import Plan, PlanKpi, ProcessInstance, TemplateTask, Unit

ADDED_GROUP = ("BS", "Nhiệm vụ bổ sung của đơn vị")


@dataclass(frozen=True)
class KpiTarget:
    """A KPI of the unit's adopted plan: its name and the unit's own target."""

    code: str
    name: str
    group_code: str
    group_name: str
    province_target: str | None
    target_value: float | None
    comparator: str
    target_text: str


@dataclass(frozen=True)
class TaskInfo:
    """A task of the unit's adopted plan: its name, group and who leads it."""

    code: str
    name: str
    responsible: str
    group_code: str
    group_name: str


@dataclass(frozen=True)
class InternalInput:
    """What one internal department reported to its commune for the round."""

    unit_code: str
    unit_name: str
    submitted_at: datetime | None
    late: bool
    status: StageStatus
    status_label: str
    task_statuses: tuple[dict[str, Any], ...]
    notes: str | None

    def count(self, status: str) -> int:
        """Return how many of its tasks have `status` (done, in_progress, not_started)."""
        return sum(1 for t in self.task_statuses if t.get("status") == status)


@dataclass(frozen=True)
class PreviousRound:
    """What the unit reported for the round before: the form prefills its texts from it."""

    label: str
    kpis: dict[str, dict[str, Any]]  # code → {actual_value, actual_text}
    tasks: dict[str, dict[str, Any]]  # code → {status, description}

    def kpi_text(self, code: str) -> str:
        """Return the KPI's text of last round ("" when none)."""
        return str(self.kpis.get(code, {}).get("actual_text") or "")

    def kpi_value(self, code: str) -> Any:
        """Return the KPI's figure of last round (None when none)."""
        return self.kpis.get(code, {}).get("actual_value")

    def task_text(self, code: str) -> str:
        """Return the task's description of last round ("" when none)."""
        return str(self.tasks.get(code, {}).get("description") or "")


@dataclass(frozen=True)
class ReportContext:
    """Beside a report form: the round, the unit's targets and tasks, its departments' inputs."""

    round_key: str
    round_label: str
    due_date: date | None
    kpis: dict[str, KpiTarget]
    tasks: dict[str, TaskInfo]
    internal: tuple[InternalInput, ...] = ()
    internal_due: date | None = None
    previous: PreviousRound | None = None

    def inputs_for(self, task_code: str) -> list[tuple[str, dict[str, Any]]]:
        """Return (department name, its item) for each department that reported the task."""
        return [
            (dept.unit_name, item)
            for dept in self.internal
            if dept.submitted_at is not None
            for item in dept.task_statuses
            if item.get("code") == task_code
        ]


def _kpi_targets(
    session: Session, plan_id: int, adopted: Iterable[Mapping[str, Any]]
) -> dict[str, KpiTarget]:
    info = {k.code: k for k in session.scalars(select(PlanKpi).where(PlanKpi.plan_id == plan_id))}
    result = {}
    for item in adopted:
        if not item.get("selected"):
            continue
        code = str(item["code"])
        kpi = info.get(code)
        raw = item.get("target_value")
        value = float(raw) if raw is not None else None
        comparator = str(item.get("comparator") or ">=")
        result[code] = KpiTarget(
            code=code,
            name=kpi.name if kpi else code,
            group_code=kpi.group_code if kpi else "",
            group_name=kpi.group_name if kpi else "",
            province_target=kpi.target_text if kpi else None,
            target_value=value,
            comparator=comparator,
            target_text=target_text(value, comparator),
        )
    return result


def _task_infos(
    session: Session, plan_id: int, owner: Unit, adopted: Iterable[Mapping[str, Any]]
) -> dict[str, TaskInfo]:
    groups = {
        t.code: (t.group_code, t.group_name)
        for t in session.scalars(
            select(TemplateTask).where(
                TemplateTask.plan_id == plan_id, TemplateTask.unit_kind == template_kind(owner)
            )
        )
    }
    result = {}
    for item in adopted:
        if not item.get("kept"):
            continue
        code = str(item["code"])
        group = ADDED_GROUP if item.get("added") else groups.get(code, ADDED_GROUP)
        result[code] = TaskInfo(
            code=code,
            name=str(item.get("name") or code),
            responsible=str(item.get("responsible") or ""),
            group_code=group[0],
            group_name=group[1],
        )
    return result


def _internal(
    session: Session, plan: Plan, unit: Unit, round_key: str
) -> tuple[tuple[InternalInput, ...], date | None]:
    if not unit.children or not rounds.is_report_round(plan, round_key):
        return (), None
    due = rounds.internal_due(plan, round_key)
    now = clock.now()
    rows = []
    asked = regimes.departments_round(plan, round_key)
    for item in reports.internal_inputs(session, plan.id, unit, asked):
        status = stage_status(started=True, due=due, submitted_at=item["submitted_at"], now=now)
        rows.append(
            InternalInput(
                unit_code=item["unit_code"],
                unit_name=item["unit_name"],
                submitted_at=item["submitted_at"],
                late=bool(item["late"]),
                status=status,
                status_label=STAGE_STATUS_LABELS[status],
                task_statuses=tuple(item["task_statuses"]),
                notes=item["notes"],
            )
        )
    return tuple(rows), due


def _previous(session: Session, plan: Plan, unit: Unit, round_key: str) -> PreviousRound | None:
    """Return the unit's report of the round before in the same regime, if it wrote one."""
    earlier = regimes.previous_round(plan, round_key)
    report = submissions.find_report(session, plan.id, unit.id, earlier.key) if earlier else None
    if earlier is None or report is None or not (report.kpi_results or report.task_statuses):
        return None
    return PreviousRound(
        label=round_label(earlier.key),
        kpis={str(k["code"]): k for k in report.kpi_results},
        tasks={str(t["code"]): t for t in report.task_statuses},
    )


def report_context(session: Session, instance: ProcessInstance, unit: Unit) -> ReportContext:
    """Return the targets, tasks and departments' inputs a unit's report form shows.

    Targets come from the plan the unit reports against (reports.plan_content: its own, its
    commune's for an internal department), as the verdicts stored on submission do, so the
    page's đạt / chưa đạt preview agrees with them.
    """
    plan = session.get(Plan, instance.plan_id)
    assert plan is not None
    own = reports.plan_content(session, plan.id, unit)
    # An internal department reports on the tasks its commune's plan gives it (reports.prefill).
    is_internal = unit.kind == "internal" and unit.parent_id is not None
    parent = session.get(Unit, unit.parent_id) if is_internal else None
    owner = parent or unit
    tasks = own["tasks"]
    internal, internal_due = _internal(session, plan, unit, instance.round_key)
    return ReportContext(
        round_key=instance.round_key,
        round_label=round_label(instance.round_key),
        due_date=instance.due_date,
        kpis=_kpi_targets(session, plan.id, own["kpis"]),
        tasks=_task_infos(session, plan.id, owner, tasks),
        internal=internal,
        internal_due=internal_due,
        previous=_previous(session, plan, unit, instance.round_key),
    )
