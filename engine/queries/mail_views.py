"""The mail outbox as pages show it: the addresses that failed (for administrators), the
outbox's counts by status, and a user's own mail preference."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.core.labels import notice_label
from engine.core.pagination import Page, paginate
from engine.core.text_search import contains_text
from models import MailMode, MailOutbox, MailStatus, Unit, User

PER_PAGE = 50
STATUS_LABELS = {
    MailStatus.QUEUED: "Đang chờ gửi",
    MailStatus.SENDING: "Đang gửi",
    MailStatus.SENT: "Đã gửi",
    MailStatus.FAILED: "Gửi không được",
    MailStatus.SKIPPED: "Không gửi",
}
MODE_LABELS = {
    MailMode.IMMEDIATE: "Gửi ngay từng thư",
    MailMode.DIGEST: "Gộp vào bản tin 07:30 mỗi sáng ngày làm việc",
}


@dataclass(frozen=True)
class FailedMail:
    """A mail the server refused for good or that ran out of attempts."""

    id: int
    address: str
    username: str
    full_name: str
    unit_name: str
    kind_name: str
    subject: str
    attempts: int
    error: str
    created_at: datetime
    failed_at: datetime | None


@dataclass(frozen=True)
class StatusCount:
    """How many outbox rows are in one status."""

    status: str
    label: str
    count: int


@dataclass(frozen=True)
class MailPreference:
    """A user's address and how they want reminders by mail."""

    email: str | None
    mode: str
    choices: tuple[tuple[str, str], ...]


def _failed(record: Any) -> FailedMail:
    row, username, full_name, unit_name = record
    return FailedMail(
        id=row.id,
        address=row.address,
        username=username,
        full_name=full_name,
        unit_name=unit_name,
        kind_name=notice_label(row.kind),
        subject=row.subject,
        attempts=row.attempts,
        error=row.last_error or "",
        created_at=row.created_at,
        failed_at=row.claimed_at,
    )


def failed(
    session: Session, *, address: str | None = None, page: int = 1, per_page: int = PER_PAGE
) -> Page[FailedMail]:
    """Return one page of the failed mails, newest first (optionally of addresses containing
    `address`)."""
    query = (
        select(MailOutbox, User.username, User.full_name, Unit.name)
        .join(User, User.id == MailOutbox.user_id)
        .join(Unit, Unit.id == User.unit_id)
        .where(MailOutbox.status == MailStatus.FAILED)
        .order_by(MailOutbox.claimed_at.desc(), MailOutbox.id.desc())
    )
    if address:
        query = query.where(contains_text(MailOutbox.address, address))
    return paginate(session, query, page, _failed, per_page)


def status_counts(session: Session) -> tuple[StatusCount, ...]:
    """Return how many outbox rows are in each status (every status, zero included)."""
    query = select(MailOutbox.status, func.count()).group_by(MailOutbox.status)
    found = {status: count for status, count in session.execute(query)}
    return tuple(
        StatusCount(status.value, label, int(found.get(status, 0)))
        for status, label in STATUS_LABELS.items()
    )


def preference(session: Session, user_id: int) -> MailPreference:
    """Return `user_id`'s address and mail mode, with the modes to choose from."""
    user = session.get_one(User, user_id)
    return MailPreference(
        email=user.email,
        mode=str(user.mail_mode),
        choices=tuple((mode.value, label) for mode, label in MODE_LABELS.items()),
    )
