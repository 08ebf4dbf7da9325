"""How far `plancascade init --demo` got, recorded with the data it describes, so a re-run after
a crash resumes from the first step not committed instead of finding the demo "already loaded".

The record is one `demo.progress` row of the audit trail — the one row the demo rewrites: each
step of the played year updates it in the step's own transaction with the step to run next,
the plan and the scripted actors' state (their seeded generator and decisions), so the resumed
year is the year a clean run plays. Finished, it keeps only when the demo was played until.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import audit
from engine.demo.scripted_year import YearScript
from models import AuditEvent

ACTION = "demo.progress"


@dataclass(frozen=True)
class Position:
    """Where a played year stands: its plan, the next step, the scripted actors' state."""

    plan_id: int
    day: date
    step: int
    script: dict[str, Any]


def find(session: Session) -> AuditEvent | None:
    """Return the demo's progress record, or None when no demo was begun by this version."""
    query = select(AuditEvent).where(AuditEvent.action == ACTION).order_by(AuditEvent.id)
    return session.scalars(query.limit(1)).first()


def begin(session: Session) -> AuditEvent:
    """Record that the demo's year is being loaded (flushed with the caller's transaction)."""
    return audit.record(session, ACTION, stage="started")


def save(row: AuditEvent, plan_id: int, day: date, step: int, script: YearScript) -> None:
    """Record that step `step` of `day` is the next to play (committed with the step before)."""
    row.details = {
        "stage": "playing",
        "plan_id": plan_id,
        "day": day.isoformat(),
        "step": step,
        "script": script.state(),
    }


def finish(row: AuditEvent, played_until: datetime) -> None:
    """Record that the demo is loaded and played until `played_until`."""
    row.details = {"stage": "finished", "played_until": played_until.isoformat()}


def finished(row: AuditEvent) -> bool:
    """Tell whether the recorded demo was loaded to its end."""
    return bool(row.details.get("stage") == "finished")


def position(row: AuditEvent) -> Position | None:
    """Return where the recorded year stands, or None when it was not begun yet."""
    details = row.details
    if details.get("stage") != "playing":
        return None
    return Position(
        plan_id=int(details["plan_id"]),
        day=date.fromisoformat(details["day"]),
        step=int(details["step"]),
        script=details["script"],
    )
