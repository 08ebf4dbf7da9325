"""Failed sign-ins per account: after too many in a window the account is locked until it ends.

The failures live in the database, so every web worker (and every machine on the same
database) sees the same count. Unknown usernames are counted like real ones: a lockout says
nothing about whether an account exists. Times are real time, not the simulation clock: a
clock frozen for a demo must not freeze a lockout too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.core.errors import PlancascadeError
from models import LoginFailure

USERNAME_LENGTH = 120
ADDRESS_LENGTH = 64


@dataclass(frozen=True)
class LockoutPolicy:
    """How many failed sign-ins an account may have within a window before it is locked."""

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)


class TooManyAttempts(PlancascadeError):
    """Too many failed sign-ins: no password is checked until `minutes` have passed."""

    def __init__(self, minutes: int) -> None:
        super().__init__(lockout_message(minutes))
        self.minutes = minutes


def lockout_message(minutes: int) -> str:
    """Return the Vietnamese message of a throttled sign-in, `minutes` before the next try."""
    return (f"Bạn đã thử đăng nhập quá nhiều lần. "
            f"Vui lòng thử lại sau {max(1, minutes)} phút.")


def real_now() -> datetime:
    """Return the real time (UTC), whatever the simulation clock says."""
    return datetime.now(timezone.utc)


def account_key(username: str) -> str:
    """Return the key failures of `username` are counted under (trimmed, lower case)."""
    return username.strip().lower()[:USERNAME_LENGTH]


def locked_for(session: Session, username: str, policy: LockoutPolicy,
               now: datetime) -> timedelta | None:
    """Return how long the account stays locked at `now`, or None when it may try."""
    recent = session.scalars(
        select(LoginFailure.failed_at)
        .where(LoginFailure.username == account_key(username),
               LoginFailure.failed_at > now - policy.window)
        .order_by(LoginFailure.failed_at.desc())
        .limit(policy.max_failures)
    ).all()
    if len(recent) < policy.max_failures:
        return None
    # the lock ends when the oldest of the last `max_failures` failures leaves the window
    return recent[-1] + policy.window - now


def check_not_locked(session: Session, username: str, policy: LockoutPolicy,
                     now: datetime) -> None:
    """Raise TooManyAttempts while the account is locked."""
    remaining = locked_for(session, username, policy, now)
    if remaining is not None:
        raise TooManyAttempts(math.ceil(remaining.total_seconds() / 60))


def record_failure(session: Session, username: str, address: str | None,
                   policy: LockoutPolicy, now: datetime) -> None:
    """Count one failed sign-in of `username` and forget failures older than the window."""
    session.execute(delete(LoginFailure).where(LoginFailure.failed_at <= now - policy.window))
    session.add(LoginFailure(username=account_key(username),
                             address=(address or "")[:ADDRESS_LENGTH] or None, failed_at=now))
    session.flush()


def clear(session: Session, username: str) -> None:
    """Forget the failures of `username` (after a successful sign-in)."""
    session.execute(delete(LoginFailure).where(LoginFailure.username == account_key(username)))
