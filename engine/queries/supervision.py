"""Sở KHCN's view: every unit × every stage with the government's statuses, counts, late
lists by name and the on-time ranking (thi đua) — five indexed queries, no workflow loaded."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import clock
from engine.core.collation import vietnamese_key
from engine.core.labels import STAGE_STATUS_LABELS, round_label
from engine.core.workcalendar import business_date
from engine.domain import adhoc, regimes
from engine.domain.status import StageStatus, stage_status
from engine.domain.targets import target_units
from models import Inspection, Plan, ProcessInstance, Report, Unit, UnitPlan

KINDS = ("department", "commune")


@dataclass(frozen=True)
class StageColumn:
    """A stage of the plan as the matrix shows it: its key, its Vietnamese name, the process a
    unit runs for it and the round key of that process's instances ("" for a one-off stage)."""

    key: str
    label: str
    process_key: str
    round_key: str
    due: date | None = None
    unit_ids: frozenset[int] | None = None  # the units asked (an ad-hoc request); None: all
    kinds: frozenset[str] | None = None  # the kinds of units that report (a regime); None: all


def stages(plan: Plan) -> tuple[StageColumn, ...]:
    """Return the plan's stages in order: adoption, every report round of its regimes and every
    ad-hoc request (by deadline), then inspection. Rounds of communes' internal departments
    are not stages of the province: the departments report to their commune (unit page)."""
    reports = [
        StageColumn(
            r.key, r.label, r.process_key, r.key, r.due, kinds=frozenset(r.regime.reporters)
        )
        for r in regimes.report_rounds(plan)
        if not r.regime.internal
    ] + [
        StageColumn(
            q.round_key, adhoc.stage_label(q), "adhoc_report", q.round_key, q.due_date,
            frozenset(int(i) for i in q.unit_ids),
        )
        for q in plan.adhoc_requests
    ]
    return (
        StageColumn("adoption", round_label("adoption"), "unit_plan", ""),
        *sorted(reports, key=lambda c: c.due or date.max),
        StageColumn("inspection", round_label("inspection"), "inspection", ""),
    )


def stage_keys(plan: Plan) -> tuple[str, ...]:
    """Return the keys of the plan's stages, in order."""
    return tuple(s.key for s in stages(plan))


@dataclass(frozen=True)
class Cell:
    """One unit's stage: its status, deadline, submission and the instance to open."""

    status: StageStatus | None
    due: date | None
    submitted_at: datetime | None
    instance_id: int | None

    @property
    def label(self) -> str:
        """Return the Vietnamese status label ("—" when the stage does not apply)."""
        return STAGE_STATUS_LABELS[self.status] if self.status else "—"

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON form of the /api/status contract."""
        return {
            "status": self.status.value if self.status else None,
            "due": self.due.isoformat() if self.due else None,
            "submitted_at": self.submitted_at.isoformat() if self.submitted_at else None,
        }


@dataclass(frozen=True)
class Row:
    """A unit and its cells."""

    unit_id: int
    code: str
    name: str
    kind: str
    cells: dict[str, Cell]

    def count(self, status: StageStatus) -> int:
        """Return how many of the unit's stages are in `status`."""
        return sum(c.status == status for c in self.cells.values())

    def has_status(self, status: str) -> bool:
        """Tell whether one of the unit's stages is in `status` (the status filter)."""
        return any(c.status == status for c in self.cells.values())

    @property
    def on_time_rate(self) -> float | None:
        """Return the share of due stages done on time (None when nothing was due yet)."""
        due = [
            c
            for c in self.cells.values()
            if c.status in (StageStatus.DONE_ON_TIME, StageStatus.DONE_LATE, StageStatus.OVERDUE)
        ]
        if not due:
            return None
        return sum(c.status == StageStatus.DONE_ON_TIME for c in due) / len(due)


@dataclass
class Matrix:
    """The supervision matrix and what is derived from it."""

    rows: list[Row]
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    stages: tuple[str, ...] = ()  # the plan's stage keys, in order

    def with_status(self, status: str | None) -> list[Row]:
        """Return the rows having a stage in `status` (every row when None)."""
        return [r for r in self.rows if status is None or r.has_status(status)]

    def names(self, stage: str, status: StageStatus) -> dict[str, list[str]]:
        """Return the names of the units whose `stage` is in `status`, grouped by kind."""
        groups: dict[str, list[str]] = {k: [] for k in KINDS}
        for row in self.rows:
            if row.cells[stage].status == status:
                groups["commune" if row.kind == "commune" else "department"].append(row.name)
        return groups

    def late_lists(self) -> dict[str, dict[str, list[str]]]:
        """Return, per stage, the names of overdue units grouped by kind (as seed 001 lists)."""
        return {stage: self.names(stage, StageStatus.OVERDUE) for stage in self.stages}

    def ranking(self) -> list[tuple[Row, float]]:
        """Return the units ranked by on-time rate, best first (thi đua); ties in Vietnamese
        alphabetical order of the units' names."""
        rated = [(r, rate) for r in self.rows if (rate := r.on_time_rate) is not None]
        return sorted(rated, key=lambda x: (-x[1], vietnamese_key(x[0].name)))


def _instances(session: Session, plan_id: int) -> dict[tuple[str, str, int], int]:
    rows = session.execute(
        select(
            ProcessInstance.process_key,
            ProcessInstance.round_key,
            ProcessInstance.unit_id,
            ProcessInstance.id,
        ).where(ProcessInstance.plan_id == plan_id)
    )
    return {(k, r, u): i for k, r, u, i in rows}


def _cell(
    record: Any,
    due: date | None,
    submitted: datetime | None,
    instance_id: int | None,
    now: datetime,
) -> Cell:
    status = (
        stage_status(started=instance_id is not None, due=due, submitted_at=submitted, now=now)
        if (record is not None or instance_id is not None)
        else None
    )
    if status is None and due is not None and business_date(now) <= due:
        status = StageStatus.NOT_STARTED
    return Cell(status, due, submitted, instance_id)


def _inspection_cell(inspection: Inspection | None, instance_id: int | None, now: datetime) -> Cell:
    if inspection is None:
        return Cell(None, None, None, None)
    done = inspection.remediation_submitted_at or (
        inspection.signed_at if not inspection.remediation_required else None
    )
    due = inspection.remediation_due if inspection.remediation_required else inspection.due_date
    return Cell(
        stage_status(started=instance_id is not None, due=due, submitted_at=done, now=now),
        due,
        done,
        instance_id,
    )


@dataclass(frozen=True)
class _Records:
    """Every stage record of one plan, keyed for the matrix (one query per table)."""

    plans: dict[int, UnitPlan]
    reports: dict[tuple[int, str], Report]
    inspections: dict[int, Inspection]
    instances: dict[tuple[str, str, int], int]

    @classmethod
    def load(cls, session: Session, plan_id: int) -> _Records:
        return cls(
            plans={
                p.unit_id: p
                for p in session.scalars(select(UnitPlan).where(UnitPlan.plan_id == plan_id))
            },
            reports={
                (r.unit_id, r.round_key): r
                for r in session.scalars(select(Report).where(Report.plan_id == plan_id))
            },
            inspections={
                i.unit_id: i
                for i in session.scalars(select(Inspection).where(Inspection.plan_id == plan_id))
            },
            instances=_instances(session, plan_id),
        )


def _row(
    plan: Plan, columns: tuple[StageColumn, ...], unit: Unit, records: _Records, now: datetime
) -> Row:
    """One unit's row: a cell per stage of the plan (adoption, each report round, inspection)."""
    cells: dict[str, Cell] = {}
    for column in columns:
        instance_id = records.instances.get((column.process_key, column.round_key, unit.id))
        if (column.unit_ids is not None and unit.id not in column.unit_ids) or (
            column.kinds is not None and str(unit.kind) not in column.kinds
        ):
            cells[column.key] = Cell(None, None, None, None)  # not asked
        elif column.key == "inspection":
            cells[column.key] = _inspection_cell(records.inspections.get(unit.id), instance_id, now)
        elif column.key == "adoption":
            adopted = records.plans.get(unit.id)
            cells[column.key] = _cell(
                adopted,
                adopted.due_date if adopted else plan.adoption_due_date,
                adopted.submitted_at if adopted else None,
                instance_id,
                now,
            )
        else:
            report = records.reports.get((unit.id, column.round_key))
            cells[column.key] = _cell(
                report,
                report.due_date if report else column.due,
                report.submitted_at if report else None,
                instance_id,
                now,
            )
    return Row(unit.id, unit.code, unit.name, str(unit.kind), cells)


def unit_matches(unit: Unit, text: str | None) -> bool:
    """Tell whether the unit's name or code contains `text`, ignoring case (True when empty)."""
    folded = (text or "").strip().casefold()
    return not folded or folded in unit.name.casefold() or folded in unit.code


def build(
    session: Session,
    plan: Plan,
    *,
    kind: str | None = None,
    status: str | None = None,
    query: str | None = None,
) -> Matrix:
    """Build the matrix for `plan`, filtered by unit kind, a stage status and a name search."""
    now = clock.now()
    units = [
        u
        for u in target_units(session, plan)
        if (not kind or u.kind == kind) and unit_matches(u, query)
    ]
    records = _Records.load(session, plan.id)
    columns = stages(plan)
    keys = tuple(c.key for c in columns)
    rows = [_row(plan, columns, unit, records, now) for unit in units]
    rows = Matrix(rows, stages=keys).with_status(status or None)
    return Matrix(rows=rows, counts=_counts(keys, rows), stages=keys)


def _counts(keys: tuple[str, ...], rows: list[Row]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {s: {v.value: 0 for v in StageStatus} for s in keys}
    for row in rows:
        for stage, cell in row.cells.items():
            if cell.status is not None:
                counts[stage][cell.status.value] += 1
    return counts


def status_payload(session: Session, plan: Plan) -> dict[str, Any]:
    """Return the /api/status document: every unit's stages with status, due and submission."""
    matrix = build(session, plan)
    return {
        "plan": plan.id,
        "stages": [
            {"key": s.key, "label": s.label, "due": s.due.isoformat() if s.due else None}
            for s in stages(plan)
        ],
        "units": [
            {
                "code": r.code,
                "name": r.name,
                "kind": r.kind,
                "stages": {k: c.as_dict() for k, c in r.cells.items()},
            }
            for r in matrix.rows
        ],
    }
