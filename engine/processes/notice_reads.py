"""Marking notices read, per user: one notice (opened from its link) or all of a user's unread
notices at once. A notice is shared by the holders of its role; each reader's read is their own.
"""

from __future__ import annotations

from sqlalchemy import insert, literal, select
from sqlalchemy.orm import Session

from engine.core import clock
from engine.core.errors import NotFoundError
from engine.core.permissions import Actor, notice_filter, unread_notice_filter
from models import Notification, NotificationRead


def open_notice(session: Session, actor: Actor, notice_id: int) -> Notification:
    """Return notice `notice_id` addressed to `actor`, marked read by them (404 for a notice
    addressed to others, as for a missing one)."""
    notice = session.scalars(
        select(Notification).where(Notification.id == notice_id, notice_filter(actor))
    ).first()
    if notice is None:
        raise NotFoundError("Không tìm thấy thông báo")
    if session.get(NotificationRead, (notice.id, actor.user_id)) is None:
        session.add(
            NotificationRead(notification_id=notice.id, user_id=actor.user_id, read_at=clock.now())
        )
        session.flush()
    return notice


def mark_all_read(session: Session, actor: Actor) -> int:
    """Mark every unread notice addressed to `actor` read by them; return how many."""
    unread = select(
        Notification.id, literal(actor.user_id), literal(clock.now(), NotificationRead.read_at.type)
    ).where(unread_notice_filter(actor))
    marked = session.connection().execute(  # RETURNING: the row count is not reported on
        insert(NotificationRead)             # PostgreSQL for an INSERT … SELECT
        .from_select(["notification_id", "user_id", "read_at"], unread)
        .returning(NotificationRead.notification_id)
    )
    return len(marked.all())
