"""Extension requests (gia hạn) as pages list them: with the unit, the process and the people's
names; and the running instances of a unit that may still be extended."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from engine.core.labels import EXTENSION_STATUS_LABELS, process_label, round_label
from models import (
    ExtensionRequest,
    ExtensionStatus,
    InstanceStatus,
    ProcessInstance,
    Unit,
    User,
)


def stage_label(process_key: str, round_key: str) -> str:
    """Return "Kế hoạch của đơn vị" or "Báo cáo quý — Quý I" for an instance."""
    label = process_label(process_key)
    return f"{label} — {round_label(round_key)}" if round_key else label


@dataclass(frozen=True)
class ExtensionLine:
    """An extension request with the names a reader needs."""

    id: int
    instance_id: int
    unit_code: str
    unit_name: str
    stage: str
    reason: str
    current_due: date
    requested_due: date
    status: str
    status_label: str
    requested_by: str
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_comment: str | None


def _lines(session: Session, *conditions: object) -> list[ExtensionLine]:
    asker, decider = aliased(User), aliased(User)
    rows = session.execute(
        select(ExtensionRequest, Unit.code, Unit.name, ProcessInstance.process_key,
               ProcessInstance.round_key, asker.full_name, decider.full_name)
        .join(Unit, Unit.id == ExtensionRequest.unit_id)
        .join(ProcessInstance, ProcessInstance.id == ExtensionRequest.instance_id)
        .join(asker, asker.id == ExtensionRequest.requested_by_id)
        .outerjoin(decider, decider.id == ExtensionRequest.decided_by_id)
        .where(*conditions).order_by(ExtensionRequest.id)).all()  # type: ignore[arg-type]
    return [ExtensionLine(r.id, r.instance_id, code, name, stage_label(key, round_key), r.reason,
                          r.current_due, r.requested_due, str(r.status),
                          EXTENSION_STATUS_LABELS.get(r.status, str(r.status)), by, r.created_at,
                          decided,
                          r.decided_at, r.decision_comment)
            for r, code, name, key, round_key, by, decided in rows]


def for_unit(session: Session, unit_id: int) -> list[ExtensionLine]:
    """Return a unit's extension requests, newest first."""
    return _lines(session, ExtensionRequest.unit_id == unit_id)[::-1]


def pending(session: Session) -> list[ExtensionLine]:
    """Return the requests waiting for Sở KHCN, oldest first."""
    return _lines(session, ExtensionRequest.status == ExtensionStatus.PENDING)


def recent_decisions(session: Session, limit: int = 20) -> list[ExtensionLine]:
    """Return the latest decided requests, newest first."""
    lines = _lines(session, ExtensionRequest.status != ExtensionStatus.PENDING)
    return sorted(lines, key=lambda x: x.decided_at or x.created_at, reverse=True)[:limit]


@dataclass(frozen=True)
class Extendable:
    """A running instance of the unit with a deadline and no request pending."""

    instance_id: int
    stage: str
    due_date: date


def extendable(session: Session, unit_id: int) -> list[Extendable]:
    """Return the unit's running instances whose deadline an extension could move."""
    waiting = select(ExtensionRequest.instance_id).where(
        ExtensionRequest.unit_id == unit_id, ExtensionRequest.status == ExtensionStatus.PENDING)
    rows = session.execute(select(ProcessInstance.id, ProcessInstance.process_key,
                                  ProcessInstance.round_key, ProcessInstance.due_date).where(
        ProcessInstance.unit_id == unit_id, ProcessInstance.status == InstanceStatus.RUNNING,
        ProcessInstance.due_date.is_not(None), ProcessInstance.id.not_in(waiting))
        .order_by(ProcessInstance.id)).all()
    return [Extendable(i, stage_label(k, r), d) for i, k, r, d in rows if d is not None]
