"""The append-only audit trail."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine.core import clock
from models import AuditEvent


def record(
    session: Session,
    action: str,
    *,
    actor_id: int | None = None,
    instance_id: int | None = None,
    unit_id: int | None = None,
    human_task_id: int | None = None,
    **details: Any,
) -> AuditEvent:
    """Append one audit event (flushed with the caller's transaction)."""
    event = AuditEvent(
        at=clock.now(),
        actor_id=actor_id,
        action=action,
        instance_id=instance_id,
        unit_id=unit_id,
        human_task_id=human_task_id,
        details=details,
    )
    session.add(event)
    return event
