"""Notifications a user reads ("Thông báo"): those addressed to their roles where they hold them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.orm import Session

from engine.core.labels import notice_label, process_label, role_label
from engine.core.permissions import Actor
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


@dataclass(frozen=True)
class NoticePage:
    """One page of notifications, newest first."""

    rows: tuple[Notice, ...]
    total: int
    page: int
    pages: int


def notice_filter(actor: Actor) -> ColumnElement[bool]:
    """Return the SQL condition selecting notifications for `actor`'s grants."""
    clauses: list[ColumnElement[bool]] = []
    for grant in actor.grants:
        if grant.unit_id is None:
            clauses.append(Notification.recipient_role == grant.role)
        else:
            clauses.append(
                and_(
                    Notification.recipient_role == grant.role, Notification.unit_id == grant.unit_id
                )
            )
    return or_(*clauses) if clauses else false()


def for_actor(
    session: Session, actor: Actor, *, page: int = 1, per_page: int = PER_PAGE
) -> NoticePage:
    """Return one page of the notifications addressed to `actor`, newest first."""
    condition = notice_filter(actor)
    total = session.scalar(select(func.count(Notification.id)).where(condition)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = session.execute(
        select(Notification, Unit.name, ProcessInstance.process_key)
        .join(Unit, Unit.id == Notification.unit_id)
        .outerjoin(ProcessInstance, ProcessInstance.id == Notification.instance_id)
        .where(condition)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    notices = tuple(
        Notice(
            id=n.id,
            created_at=n.created_at,
            kind=n.kind,
            kind_name=notice_label(n.kind),
            message=n.message,
            unit_name=unit_name,
            role_name=role_label(n.recipient_role),
            process_name=process_label(key) if key else None,
        )
        for n, unit_name, key in rows
    )
    return NoticePage(rows=notices, total=total, page=page, pages=pages)
