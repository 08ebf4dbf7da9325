"""Notifications a user reads ("Thông báo", `GET /api/notifications`): those addressed to their
roles where they hold them, unread first, then newest; each with where it leads and whether
this user has read it; and the unread count the menu shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import Session

from engine.core.labels import notice_label, process_label, role_label
from engine.core.pagination import Page, paginate
from engine.core.permissions import Actor, notice_filter, unread_notice_filter
from engine.domain import notice_links
from models import Notification, NotificationRead, ProcessInstance, Unit

PER_PAGE = 50
MAX_PER_PAGE = 200


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
    read: bool
    link: str
    unit_count: int  # how many units a bundle gathers (1 for an ordinary notice)


def unread_count(session: Session, actor: Actor) -> int:
    """Return how many notices addressed to `actor` they have not read."""
    return session.scalar(
        select(func.count(Notification.id)).where(unread_notice_filter(actor))
    ) or 0


def _notice(record: Any, link: str) -> Notice:
    """Return the Notice of a (notification, unit name, process key, read) row."""
    n, unit_name, key, read = record
    return Notice(
        id=n.id,
        created_at=n.created_at,
        kind=n.kind,
        kind_name=notice_label(n.kind),
        message=n.message,
        unit_name=unit_name,
        role_name=role_label(n.recipient_role),
        process_name=process_label(key) if key else None,
        read=bool(read),
        link=link,
        unit_count=max(1, len(n.bundle_units or ())),
    )


def for_actor(
    session: Session, actor: Actor, *, page: int = 1, per_page: int = PER_PAGE
) -> Page[Notice]:
    """Return one page of the notifications addressed to `actor`: unread first, then newest."""
    read = exists().where(
        NotificationRead.notification_id == Notification.id,
        NotificationRead.user_id == actor.user_id,
    )
    stmt = (
        select(Notification, Unit.name, ProcessInstance.process_key, read)
        .join(Unit, Unit.id == Notification.unit_id)
        .outerjoin(ProcessInstance, ProcessInstance.id == Notification.instance_id)
        .where(notice_filter(actor))
        .order_by(case((read, 1), else_=0), Notification.created_at.desc(),
                  Notification.id.desc())
    )
    found = paginate(session, stmt, page, tuple, min(per_page, MAX_PER_PAGE))
    paths = notice_links.links(session, [row[0] for row in found.rows])
    rows = tuple(_notice(row, paths[row[0].id]) for row in found.rows)
    return Page(rows, found.total, found.page, found.pages, found.per_page)
