"""Whose work a user holds today as a substitute (ủy quyền): the banner of "Việc của tôi"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Substitution, User


@dataclass(frozen=True)
class StandIn:
    """A substitution the user holds today: for whom, and until when (inclusive)."""

    absent_name: str
    starts_on: date
    ends_on: date


def held_by(session: Session, user_id: int, today: date) -> list[StandIn]:
    """Return the substitutions `user_id` holds today for active users, ending soonest first."""
    rows = session.execute(
        select(User.full_name, Substitution.starts_on, Substitution.ends_on)
        .join(User, User.id == Substitution.absent_user_id)
        .where(
            Substitution.substitute_user_id == user_id,
            Substitution.starts_on <= today,
            Substitution.ends_on >= today,
            User.active,
        )
        .order_by(Substitution.ends_on, User.full_name)
    )
    return [StandIn(name, starts, ends) for name, starts, ends in rows]
