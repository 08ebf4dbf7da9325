"""Notifications a user reads ("Thông báo"): those addressed to their roles where they hold them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.labels import notice_label, process_label, role_label
from engine.core.pagination import Page, paginate
from engine.core.permissions import Actor, notice_filter
from models import Notification, ProcessInstance, Unit

PER_PAGE = 50


@dataclass(frozen=True)
class Notice:
    """One notification as the list shows it."""

    id: int
    created_at: datetime
    kind: str
    kind_name: str
    message: str
    unit_name: str
    role_name: str
    process_name: str | None


def _notice(record: Any) -> Notice:
    """Return the Notice of a (notification, unit name, process key) row."""
    n, unit_name, key = record
    return Notice(
        id=n.id,
        created_at=n.created_at,
        kind=n.kind,
        kind_name=notice_label(n.kind),
        message=n.message,
        unit_name=unit_name,
        role_name=role_label(n.recipient_role),
        process_name=process_label(key) if key else None,
    )


def for_actor(
    session: Session, actor: Actor, *, page: int = 1, per_page: int = PER_PAGE
) -> Page[Notice]:
    """Return one page of the notifications addressed to `actor`, newest first."""
    stmt = (
        select(Notification, Unit.name, ProcessInstance.process_key)
        .join(Unit, Unit.id == Notification.unit_id)
        .outerjoin(ProcessInstance, ProcessInstance.id == Notification.instance_id)
        .where(notice_filter(actor))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    return paginate(session, stmt, page, _notice, per_page)
