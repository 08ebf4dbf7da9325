"""Sở KHCN's view: every unit × every stage with the government's statuses, counts, late
lists by name and the on-time ranking (thi đua), read from the stage-status projection
(engine.domain.stage_projection): filters and paging in SQL, the status of each cell computed
in SQL from its facts and today (engine.domain.status.status_case); the counts of every unit
read from the projection's counts (engine.domain.stage_counts), a few rows whatever the number
of units, and those of the units a filter keeps grouped in SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Date, Table, bindparam, exists, func, select
from sqlalchemy.orm import Session

from engine.core import clock, tenancy
from engine.core.collation import fold, vietnamese_key
from engine.core.labels import STAGE_STATUS_LABELS
from engine.core.pagination import AnySelect, Page, paginate
from engine.core.pagination import count as count_rows
from engine.core.workcalendar import business_date
from engine.domain import levels, stage_counts, stage_projection
from engine.domain.stages import ADOPTION, StageColumn, stage_keys, stages
from engine.domain.status import StageStatus, status_case
from models import HOME_TENANT_ID, Plan, StageStatusRow, Tenant, Unit, UnitKind

__all__ = ["KINDS", "Cell", "Matrix", "Row", "StageColumn", "stage_keys", "stages"]

KINDS = ("department", "commune")
FACTS: Table = StageStatusRow.__table__  # type: ignore[assignment]


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


NOT_ASKED = Cell(None, None, None, None)  # a stage the unit is not asked


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


def unit_matches(unit: Unit, text: str | None) -> bool:
    """Tell whether the unit's name or code contains `text`, ignoring case (True when empty)."""
    return text_matches(unit.name, unit.code, text)


def text_matches(name: str, code: str, text: str | None) -> bool:
    """Tell whether a name or code contains `text`, ignoring case (True when empty)."""
    folded = (text or "").strip().casefold()
    return not folded or folded in name.casefold() or folded in code




def status_of(table: Any, today: date | ColumnElement[date]) -> ColumnElement[str | None]:
    """Return the SQL status of the projection rows of `table` (the table or an alias)."""
    c = table.c
    return status_case(recorded=c.recorded, started=c.started, due=c.due,
                       submitted=c.submitted_at.is_not(None), late=c.late, today=today)


# Built once: a statement using them takes today as `.params(today=...)`.
TODAY = bindparam("today", type_=Date)
OTHER = FACTS.alias("other")  # another stage of the same unit (the status filter)
STATUS, OTHER_STATUS = status_of(FACTS, TODAY), status_of(OTHER, TODAY)
STATUSES = {s.value: s for s in StageStatus}


@dataclass(frozen=True)
class Filters:
    """The matrix's filters: a kind of unit, a stage status, a name or code."""

    kind: str | None = None
    status: str | None = None
    query: str | None = None


def _matching_ids(session: Session, text: str) -> list[int]:
    """Return the ids of units whose name or code contains `text` (Vietnamese case folding is
    Python's: SQLite's lower() folds ASCII only)."""
    rows = session.execute(select(Unit.id, Unit.name, Unit.code))
    return [i for i, name, code in rows if text_matches(name, code, text)]


def unit_query(
    session: Session, plan_id: int, filters: Filters, today: date, *, by_status: bool = True
) -> AnySelect:
    """Return the units of the matrix (those the plan's adoption applies to) the filters keep,
    in order; `by_status=False` ignores the status filter (the counts above the matrix)."""
    query = select(Unit.id, Unit.code, Unit.name, Unit.kind).join(
        FACTS, (FACTS.c.unit_id == Unit.id) & (FACTS.c.plan_id == plan_id)
        & (FACTS.c.stage_key == ADOPTION))
    if filters.kind:
        query = query.where(Unit.kind == filters.kind)
    if filters.query and filters.query.strip():
        query = query.where(Unit.id.in_(_matching_ids(session, filters.query)))
    if filters.status and by_status:
        query = query.where(exists().where(
            OTHER.c.plan_id == plan_id, OTHER.c.unit_id == Unit.id,
            OTHER_STATUS == filters.status))
    return query.order_by(Unit.id).params(today=today)


def _cells(
    session: Session, plan_id: int, units: AnySelect | list[int], today: date
) -> dict[int, dict[str, Cell]]:
    """Return the cells of the units `units` selects (their ids first), by unit and stage."""
    ids = units if isinstance(units, list) else select(units.order_by(None).subquery().c.id)
    rows = session.execute(
        select(FACTS.c.unit_id, FACTS.c.stage_key, STATUS, FACTS.c.due,
               FACTS.c.submitted_at, FACTS.c.instance_id)
        .where(FACTS.c.plan_id == plan_id, FACTS.c.unit_id.in_(ids)), {"today": today}
    ).all()  # one fetch of the page's cells, not one per row
    cells: dict[int, dict[str, Cell]] = {}
    for unit_id, stage, status, due, submitted, instance_id in rows:
        cells.setdefault(unit_id, {})[stage] = Cell(
            STATUSES.get(status), due, submitted, instance_id)
    return cells


def _rows(units: list[Any], cells: dict[int, dict[str, Cell]], keys: tuple[str, ...]) -> list[Row]:
    return [
        Row(u.id, u.code, u.name, str(u.kind),
            {k: cells.get(u.id, {}).get(k, NOT_ASKED) for k in keys})
        for u in units
    ]


def counts(
    session: Session, plan_id: int, units: AnySelect | None, keys: tuple[str, ...], today: date
) -> dict[str, dict[str, int]]:
    """Return, per stage and status, how many of the units `units` selects (None: every unit
    of the matrix, read from the projection's counts) are in it."""
    if units is None:
        return stage_counts.statuses(session, plan_id, keys, today)
    facts = select(FACTS.c.stage_key, STATUS.label("status")).where(
        FACTS.c.plan_id == plan_id,
        FACTS.c.unit_id.in_(select(units.order_by(None).subquery().c.id)))
    grouped = facts.subquery()
    found: dict[str, dict[str, int]] = {k: {v.value: 0 for v in StageStatus} for k in keys}
    for stage, status, number in session.execute(
        select(grouped.c.stage_key, grouped.c.status, func.count())
        .where(grouped.c.status.is_not(None)).group_by(grouped.c.stage_key, grouped.c.status),
        {"today": today},
    ):
        if stage in found:
            found[stage][status] = number
    return found


def build(
    session: Session,
    plan: Plan,
    *,
    kind: str | None = None,
    status: str | None = None,
    query: str | None = None,
) -> Matrix:
    """Build the matrix for `plan`, filtered by unit kind, a stage status and a name search."""
    stage_projection.settle(session)
    today = business_date(clock.now())
    units = unit_query(session, plan.id, Filters(kind, status or None, query), today)
    keys = stage_keys(plan)
    rows = _rows(list(session.execute(units)), _cells(session, plan.id, units, today), keys)
    return Matrix(rows=rows, counts=counts(session, plan.id, units, keys, today), stages=keys)


@dataclass(frozen=True)
class MatrixSlice:
    """One page of the matrix's rows, and the counts of every unit the kind and name keep."""

    rows: Page[Row]
    counts: dict[str, dict[str, int]]
    units: int  # how many units the kind and name filters keep


def page(
    session: Session, plan: Plan, filters: Filters, number: int, per_page: int,
    *, with_counts: bool = True,
) -> MatrixSlice:
    """Return page `number` of the matrix's rows having a stage in the status filter, with the
    counts of all rows the kind and name filters keep (unless `with_counts` is False)."""
    stage_projection.settle(session)
    today = business_date(clock.now())
    keys = stage_keys(plan)
    unfiltered = not filters.kind and not (filters.query or "").strip()
    # every unit of the matrix: counted from the projection's counts, not unit by unit
    every = stage_counts.units(session, plan.id, ADOPTION) if unfiltered else None
    shown = paginate(session, unit_query(session, plan.id, filters, today), number, lambda r: r,
                     per_page, total=None if filters.status else every)
    cells = _cells(session, plan.id, [u.id for u in shown.rows], today)
    everyone = unit_query(session, plan.id, filters, today, by_status=False)
    rows = Page(tuple(_rows(list(shown.rows), cells, keys)), shown.total, shown.page,
                shown.pages, shown.per_page)
    found = counts(session, plan.id, None if unfiltered else everyone, keys,
                   today) if with_counts else {}
    if every is not None:
        units = every
    else:
        units = shown.total if not filters.status else count_rows(session, everyone)
    return MatrixSlice(rows, found, units)


def status_payload(
    session: Session, plan: Plan, filters: Filters | None = None, number: int = 1,
    per_page: int = 100,
) -> dict[str, Any]:
    """Return the /api/status document: one page of the units' stages with status, due and
    submission (DESIGN §7), and where the page lies (`page`, `per_page`, `total`)."""
    found = page(session, plan, filters or Filters(), number, per_page, with_counts=False)
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
            for r in found.rows.rows
        ],
        "page": found.rows.page,
        "per_page": found.rows.per_page,
        "total": found.rows.total,
    }


def is_this_province(session: Session, text: str) -> bool:
    """Tell whether `text` names the province the session works for: its UBND tỉnh's code or
    name, the name after "tỉnh", or its tenant's code or name ("ubnd-tinh", "UBND tỉnh Sơn La",
    "Sơn La", "son-la", "Tỉnh Sơn La"), case aside."""
    tenant_id = tenancy.current(session) or HOME_TENANT_ID
    tenant = session.get(Tenant, tenant_id)
    names = {fold(levels.display_name(session, tenant_id))}
    if tenant is not None:
        names.add(fold(tenant.code))
    found = session.execute(
        select(Unit.code, Unit.name).where(Unit.kind == UnitKind.PROVINCE, Unit.active.is_(True))
    ).first()
    if found is not None:
        names |= {fold(found.code), fold(found.name), fold(found.name.rpartition("tỉnh ")[2])}
    return fold(text) in names
