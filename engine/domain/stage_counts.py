"""The stage-status counts: per plan, stage and bucket of facts (recorded, started, due,
submitted, late), how many `stage_status` rows have them. The projection's writer
(engine.domain.stage_projection) hands `apply` the delta of the rows it replaces and writes,
and `rebuild` a plan's rows when it rewrites them all, while it holds the plan's projection
lock; the matrix's counts read the buckets (`statuses`) and compute each one's status on
today with the one rule of the statuses (engine.domain.status)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from engine.domain.status import StageStatus, facts_status
from models import Plan, StageStatusCount

table: Table = StageStatusCount.__table__  # type: ignore[assignment]
# a bucket: stage_key, recorded, started, due, submitted, late
Bucket = tuple[str, bool, bool, date | None, bool, bool]
BUCKET = ("stage_key", "recorded", "started", "due", "submitted", "late")


def bucket(facts: Mapping[Any, Any]) -> Bucket:
    """Return the bucket of a `stage_status` row (or its facts, with its stage_key)."""
    return (facts["stage_key"], bool(facts["recorded"]), bool(facts["started"]), facts["due"],
            facts["submitted_at"] is not None, bool(facts["late"]))


def _order(key: Bucket) -> tuple[Any, ...]:
    return (key[0], key[1], key[2], key[3] is not None, key[3] or date.min, key[4], key[5])


def apply(session: Session, plan: Plan, deltas: Counter[Bucket]) -> None:
    """Add `deltas` (rows in, minus rows out, per bucket) to the counts of `plan`; the caller
    holds the plan's projection lock, so the buckets read here stay as they are."""
    changes = {key: d for key, d in deltas.items() if d}
    if not changes:
        return
    have = {tuple(r[:-1]): r.id for r in session.execute(
        select(*(table.c[c] for c in BUCKET), table.c.id).where(table.c.plan_id == plan.id))}
    added = [{"d": d, "b_id": have[key]} for key, d in changes.items() if key in have]
    if added:
        session.execute(update(table).where(table.c.id == bindparam("b_id"))
                        .values(n=table.c.n + bindparam("d")), added)
    new = sorted((key for key in changes if key not in have), key=_order)
    if new:
        session.execute(insert(table), [
            {"plan_id": plan.id, "tenant_id": plan.tenant_id, **dict(zip(BUCKET, key, strict=True)),
             "n": changes[key]} for key in new])
    if any(d < 0 for d in changes.values()):
        session.execute(delete(table).where(table.c.plan_id == plan.id, table.c.n == 0))


def rebuild(session: Session, plan: Plan, rows: Iterable[Mapping[str, Any]]) -> None:
    """Write the counts of `plan` afresh from all its `stage_status` rows `rows`."""
    session.execute(delete(table).where(table.c.plan_id == plan.id))
    found = Counter(bucket(r) for r in rows)
    if found:
        session.execute(insert(table), [
            {"plan_id": plan.id, "tenant_id": plan.tenant_id, **dict(zip(BUCKET, key, strict=True)),
             "n": n} for key, n in sorted(found.items(), key=lambda item: _order(item[0]))])


def statuses(
    session: Session, plan_id: int, keys: tuple[str, ...], today: date
) -> dict[str, dict[str, int]]:
    """Return, per stage of `keys` and status on `today`, how many units of the plan are in
    it: every status of every stage, 0 when none."""
    found: dict[str, dict[str, int]] = {k: {v.value: 0 for v in StageStatus} for k in keys}
    for row in session.execute(
        select(*(table.c[c] for c in BUCKET), table.c.n).where(table.c.plan_id == plan_id)
    ):
        status = facts_status(recorded=row.recorded, started=row.started, due=row.due,
                              submitted=row.submitted, late=row.late, today=today)
        if status is not None and row.stage_key in found:
            found[row.stage_key][status.value] += row.n
    return found


def units(session: Session, plan_id: int, stage_key: str) -> int:
    """Return how many units have a row of `stage_key` in the plan (of the adoption: the
    matrix's units), from the buckets instead of the rows."""
    return int(session.scalar(select(func.coalesce(func.sum(table.c.n), 0)).where(
        table.c.plan_id == plan_id, table.c.stage_key == stage_key)) or 0)
