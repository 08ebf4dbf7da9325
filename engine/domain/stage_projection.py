"""The stage-status projection: one `stage_status` row of facts per plan × unit × stage that
applies (started, due, submitted, late, the instance to open), written in the transaction
that changes what it is computed from.

Writes happen in one place and cannot be forgotten: session events (installed on every
SQLAlchemy session by `install`, which `engine/__init__` calls) collect the plans and units
of every UnitPlan, Report, Inspection and ProcessInstance row flushed; `settle` rewrites their
rows before the commit (and before a read of the projection in the same transaction). A
change of what a whole plan's rows depend on — the plan's regimes, adoption deadline or
target kinds, an ad-hoc request, a unit added, deactivated or of another kind — rebuilds the
plan's rows (`rebuild`). Statuses depend on today: they are computed at read time from these
facts (engine.domain.status.status_case).

The same writes keep the plan's counts (engine.domain.stage_counts) by deltas: each writer
first takes the plan's projection lock (`lock`), so the delta of a row is computed from the
row as the previous writer left it, and a rebuild recomputes the counts from scratch.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, delete, event, func, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, UOWTransaction

from engine.core.db import begin_write
from engine.domain import stage_counts
from engine.domain.stages import ADOPTION, INSPECTION, StageColumn, stages
from engine.domain.status import is_late
from models import (
    AdhocRequest,
    Inspection,
    Plan,
    ProcessInstance,
    Report,
    StageStatusRow,
    Unit,
    UnitPlan,
)

PENDING = "stage_projection.units"  # session.info: {plan_id: {unit_id, ...}}
REBUILD = "stage_projection.plans"  # session.info: {plan_id, ...}; None in it: every plan
PLAN_FIELDS = ("settings", "adoption_due_date", "target_kinds", "status")
UNIT_FIELDS = ("kind", "active")
# what `_Records.load` reads of each record: a row flushed with none of these changed (an
# instance's state saved, a plan's content adapted) leaves the projection as it was
RECORD_FIELDS: dict[type, tuple[str, ...]] = {
    UnitPlan: ("plan_id", "unit_id", "due_date", "submitted_at"),
    Report: ("plan_id", "unit_id", "round_key", "due_date", "submitted_at"),
    Inspection: ("plan_id", "unit_id", "due_date", "signed_at", "remediation_required",
                 "remediation_due", "remediation_submitted_at"),
    ProcessInstance: ("plan_id", "unit_id", "process_key", "round_key"),
}
FACT_FIELDS = (
    "process_key", "round_key", "instance_id", "recorded", "started", "due", "submitted_at",
    "late",
)
table: Table = StageStatusRow.__table__  # type: ignore[assignment]
LOCK_CLASS = 0x5354  # the first key of PostgreSQL's advisory lock of a plan's projection


@dataclass(frozen=True)
class _Records:
    """The stage records of some units of one plan (one query per table)."""

    plans: dict[int, tuple[date, datetime | None]]
    reports: dict[tuple[int, str], tuple[date, datetime | None]]
    inspections: dict[int, Any]
    instances: dict[tuple[str, str, int], int]

    @classmethod
    def load(cls, session: Session, plan_id: int, unit_ids: list[int] | None) -> _Records:
        def rows(*columns: Any) -> Any:
            query = select(*columns).where(columns[0].class_.plan_id == plan_id)
            if unit_ids is not None:
                query = query.where(columns[0].class_.unit_id.in_(unit_ids))
            return session.execute(query)

        return cls(
            plans={u: (d, s) for u, d, s in rows(
                UnitPlan.unit_id, UnitPlan.due_date, UnitPlan.submitted_at)},
            reports={(u, r): (d, s) for u, r, d, s in rows(
                Report.unit_id, Report.round_key, Report.due_date, Report.submitted_at)},
            inspections={r.unit_id: r for r in rows(
                Inspection.unit_id, Inspection.due_date, Inspection.signed_at,
                Inspection.remediation_required, Inspection.remediation_due,
                Inspection.remediation_submitted_at)},
            instances={(k, r, u): i for u, k, r, i in rows(
                ProcessInstance.unit_id, ProcessInstance.process_key, ProcessInstance.round_key,
                ProcessInstance.id)},
        )


def _facts(
    column: StageColumn, unit_id: int, records: _Records, adoption_due: date
) -> dict[str, Any]:
    """Return one stage's facts for one unit, as the matrix has always read its records."""
    instance_id = records.instances.get((column.process_key, column.round_key, unit_id))
    recorded: Any
    if column.key == INSPECTION:
        recorded = records.inspections.get(unit_id)
        if recorded is None:  # no inspection of this unit: nothing to show, even an instance
            instance_id, due, submitted = None, None, None
        else:
            due = recorded.remediation_due if recorded.remediation_required else recorded.due_date
            submitted = recorded.remediation_submitted_at or (
                recorded.signed_at if not recorded.remediation_required else None)
    else:
        recorded = (records.plans.get(unit_id) if column.key == ADOPTION
                    else records.reports.get((unit_id, column.round_key)))
        default_due = adoption_due if column.key == ADOPTION else column.due
        due, submitted = recorded if recorded is not None else (default_due, None)
    return {
        "process_key": column.process_key, "round_key": column.round_key,
        "instance_id": instance_id, "recorded": recorded is not None,
        "started": instance_id is not None, "due": due, "submitted_at": submitted,
        "late": is_late(due, submitted),
    }


def _target_units(session: Session, plan: Plan, unit_ids: Iterable[int] | None) -> list[Any]:
    query = select(Unit.id, Unit.kind).where(
        Unit.kind.in_(list(plan.target_kinds)), Unit.active.is_(True),
        Unit.tenant_id == plan.tenant_id)
    if unit_ids is not None:
        query = query.where(Unit.id.in_(list(unit_ids)))
    return list(session.execute(query.order_by(Unit.id)))


def desired_rows(
    session: Session, plan: Plan, unit_ids: Iterable[int] | None = None
) -> dict[tuple[int, str], dict[str, Any]]:
    """Return the facts each (unit, stage) of `plan` should have, for `unit_ids` (None: all)."""
    ids = None if unit_ids is None else sorted(set(unit_ids))
    records = _Records.load(session, plan.id, ids)
    columns = stages(plan)
    return {
        (unit_id, column.key): _facts(column, unit_id, records, plan.adoption_due_date)
        for unit_id, kind in _target_units(session, plan, ids)
        for column in columns
        if column.applies_to(unit_id, str(kind))
    }


def lock(session: Session, plan_id: int) -> None:
    """Hold, until the transaction ends, the lock of the projection of `plan_id`: its rows and
    counts are read and written by one transaction at a time, so the counts' deltas are
    computed from the rows as they are, and a plan's rebuild reads the records as the last
    writer left them. PostgreSQL: an advisory lock of the plan (two tick workers refreshing
    one unit); SQLite: its write lock (taken at once when the transaction has not begun)."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(LOCK_CLASS, plan_id)))
    else:
        begin_write(session)


def refresh(session: Session, plan: Plan, unit_ids: Iterable[int]) -> int:
    """Rewrite the projection rows of some units of `plan` that differ, and their counts;
    return how many rows it rewrote."""
    ids = sorted(set(unit_ids))
    lock(session, plan.id)
    wanted = desired_rows(session, plan, ids)
    have = {
        (r.unit_id, r.stage_key): r._mapping
        for r in session.execute(
            select(table).where(table.c.plan_id == plan.id, table.c.unit_id.in_(ids)))
    }
    gone = [have[k] for k in have.keys() - wanted.keys()]
    rows = [{"plan_id": plan.id, "unit_id": u, "stage_key": s, "tenant_id": plan.tenant_id,
             **facts}
            for (u, s), facts in wanted.items()
            if (u, s) not in have or any(have[(u, s)][f] != facts[f] for f in FACT_FIELDS)]
    deltas = Counter(stage_counts.bucket(r) for r in rows)
    deltas.subtract(stage_counts.bucket(r) for r in gone)
    deltas.subtract(stage_counts.bucket(have[k]) for r in rows
                    if (k := (r["unit_id"], r["stage_key"])) in have)
    if gone:
        session.execute(delete(table).where(table.c.id.in_([r["id"] for r in gone])))
    _upsert(session, rows)
    stage_counts.apply(session, plan, deltas)
    return len(gone) + len(rows)


def _upsert(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert `rows`, or update the row of the same plan, stage and unit; in key order."""
    if not rows:
        return
    rows.sort(key=lambda r: (r["plan_id"], r["stage_key"], r["unit_id"]))
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=["plan_id", "stage_key", "unit_id"],
        set_={f: statement.excluded[f] for f in FACT_FIELDS})
    session.execute(statement, rows)


def rebuild(session: Session, plan: Plan) -> int:
    """Write every projection row of `plan` afresh, and its counts; return how many rows it
    has."""
    lock(session, plan.id)
    wanted = desired_rows(session, plan)
    rows = [{"plan_id": plan.id, "unit_id": u, "stage_key": s, "tenant_id": plan.tenant_id,
             **facts} for (u, s), facts in wanted.items()]
    session.execute(delete(table).where(table.c.plan_id == plan.id))
    _upsert(session, rows)
    stage_counts.rebuild(session, plan, rows)
    return len(wanted)


def rebuild_all(session: Session) -> dict[int, int]:
    """Rebuild the projection of every plan (a new installation's backfill, or a repair);
    return the number of rows per plan id."""
    return {plan.id: rebuild(session, plan) for plan in session.scalars(select(Plan))}


def backfill(session: Session) -> bool:
    """Fill the projection when plans exist but it is empty (after the upgrade that adds it);
    return whether it did."""
    if session.scalar(select(table.c.id).limit(1)) is not None:
        return False
    if session.scalar(select(Plan.id).limit(1)) is None:
        return False
    rebuild_all(session)
    return True


def _changed(obj: Any, fields: tuple[str, ...]) -> bool:
    state = inspect(obj)
    return bool(state.pending) or any(state.attrs[f].history.has_changes() for f in fields)


def _record_changed(obj: Any) -> bool | None:
    """Tell whether a stage record changed what the projection reads of it (None: `obj` is not
    a stage record)."""
    for kind, fields in RECORD_FIELDS.items():
        if isinstance(obj, kind):
            return _changed(obj, fields)
    return None


def _collect(session: Session, _context: UOWTransaction) -> None:
    """after_flush: note the plans and units whose projection rows may have changed."""
    pending: dict[int, set[int]] = session.info.setdefault(PENDING, defaultdict(set))
    plans: set[int | None] = session.info.setdefault(REBUILD, set())
    deleted = session.deleted
    for obj in (*session.new, *session.dirty, *deleted):
        record = _record_changed(obj)
        if record is not None:
            if record or obj in deleted:
                pending[obj.plan_id].add(obj.unit_id)
        elif isinstance(obj, AdhocRequest):
            plans.add(obj.plan_id)
        elif isinstance(obj, Plan) and _changed(obj, PLAN_FIELDS):
            plans.add(obj.id)
        elif isinstance(obj, Unit) and _changed(obj, UNIT_FIELDS):
            plans.add(None)


def settle(session: Session) -> None:
    """Write the projection rows of everything flushed since the last settle (before the
    commit, and before reading the projection inside the same transaction)."""
    while True:
        session.flush()
        pending: dict[int, set[int]] = session.info.pop(PENDING, {})
        plans: set[int | None] = session.info.pop(REBUILD, set())
        if not pending and not plans:
            return
        rebuilt = set(session.scalars(select(Plan.id))) if None in plans else {
            p for p in plans if p is not None}
        for plan_id in sorted(rebuilt):  # plans in one order: two writers lock them alike
            if (plan := session.get(Plan, plan_id)) is not None:
                rebuild(session, plan)
        for plan_id, unit_ids in sorted(pending.items()):
            if plan_id not in rebuilt and (plan := session.get(Plan, plan_id)) is not None:
                refresh(session, plan, unit_ids)


def _before_commit(session: Session) -> None:
    settle(session)


def _forget(session: Session, transaction: Any) -> None:
    """after_transaction_end: a finished outermost transaction leaves nothing to write."""
    if transaction.parent is None:
        session.info.pop(PENDING, None)
        session.info.pop(REBUILD, None)


def install(target: Any = Session) -> None:
    """Keep the projection on every session made from `target` (the Session class: all)."""
    for name, listener in (("after_flush", _collect), ("before_commit", _before_commit),
                           ("after_transaction_end", _forget)):
        if not event.contains(target, name, listener):
            event.listen(target, name, listener)
