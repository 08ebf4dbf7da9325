"""`tick`: fire the timers that are due, reading only the indexed rows already due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.core import clock
from engine.processes import effects, lifecycle, messages
from engine.workflow import runtime
from models import InstanceStatus, ProcessInstance, Timer


@dataclass(frozen=True)
class TickResult:
    """What one tick did."""

    due_instances: int
    advanced: int
    skipped: int
    messages: int = 0


def due_instance_ids(session: Session, now: datetime, limit: int) -> list[int]:
    """Return the ids of instances with a timer due at `now` (locked, skipping locked rows)."""
    query = select(Timer.instance_id).where(Timer.due_at < now).order_by(Timer.due_at).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(dict.fromkeys(session.scalars(query)))


def fire_instance(session: Session, instance_id: int) -> bool:
    """Let one instance catch its due timers; return False when nothing was due any more."""
    instance = session.get(ProcessInstance, instance_id)
    if instance is None or instance.status != InstanceStatus.RUNNING:
        return False
    workflow = runtime.load(instance)
    lifecycle.advance(session, instance, workflow)
    effects.settle(session)
    return True


def tick(session: Session, *, batch: int = 500, commit: bool = True) -> TickResult:
    """Fire every timer due at clock.now() and deliver queued messages; commit per instance.

    Idempotent: an instance whose timer already fired has no due row left, so a second tick
    (or a second worker) finds nothing to do for it. Each instance is visited once per tick.
    """
    moment = clock.now()
    advanced = skipped = 0
    visited: set[int] = set()
    while True:
        ids = [i for i in due_instance_ids(session, moment, batch) if i not in visited]
        if not ids:
            break
        for instance_id in ids:
            visited.add(instance_id)
            if fire_instance(session, instance_id):
                advanced += 1
            else:
                skipped += 1
                session.execute(delete(Timer).where(Timer.instance_id == instance_id))
            if commit:
                session.commit()
        session.flush()
    delivered = messages.deliver_pending(session)
    if commit:
        session.commit()
    return TickResult(
        due_instances=len(visited), advanced=advanced, skipped=skipped, messages=delivered
    )
