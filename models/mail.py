"""The mail outbox: one row per notification and recipient, delivered over SMTP by `tick`."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base
from models.tenancy import TenantOwned

if TYPE_CHECKING:
    from models.workflow import Notification


class MailMode(StrEnum):
    """How a user wants reminder-like notices: each at once, or gathered in a morning digest."""

    IMMEDIATE = "immediate"
    DIGEST = "digest"


class MailStatus(StrEnum):
    """Lifecycle of one outbox row."""

    QUEUED = "queued"  # waiting for next_attempt_at (first send, a retry, or the digest hour)
    SENDING = "sending"  # claimed by a worker (claim_token) since claimed_at
    SENT = "sent"  # the SMTP server accepted it
    FAILED = "failed"  # refused for good (5xx) or out of attempts: never tried again
    SKIPPED = "skipped"  # not sent on purpose: no SMTP server configured, or too old


class MailOutbox(TenantOwned, Base):
    """A mail to one user about one notification (unique per pair: sent at most once)."""

    __tablename__ = "mail_outbox"
    __table_args__ = (
        UniqueConstraint("notification_id", "user_id", name="uq_mail_outbox_notification_user"),
        Index("ix_mail_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notification.id"))
    # set on a notice not yet flushed: one flush writes both, the notice first
    notification: Mapped[Notification] = relationship()
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    address: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)  # the notice's text (greeting and footer added)
    link: Mapped[str] = mapped_column(String(200))  # path of the page; the base URL at sending
    status: Mapped[MailStatus] = mapped_column(String(10), default=MailStatus.QUEUED)
    # a digest row goes out with the user's other rows of the same day, at 07:30 of that day
    digest_day: Mapped[date | None]
    created_at: Mapped[datetime]
    scheduled_at: Mapped[datetime]  # the first moment it may go (never moved by retries)
    next_attempt_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
