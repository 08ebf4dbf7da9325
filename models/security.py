"""Sign-in protection: failed sign-ins per account, and the rate limiter's shared counters."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class LoginFailure(Base):
    """One failed sign-in, kept for the lockout window (the account may not exist)."""

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(120), index=True)
    address: Mapped[str | None] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(index=True)


class RateLimitCounter(Base):
    """A fixed-window counter of the request rate limiter, shared by every worker."""

    __tablename__ = "rate_limit_counter"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int]
    expires_at: Mapped[float] = mapped_column(index=True)  # seconds since the epoch
