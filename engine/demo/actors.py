"""Scripted actors for the simulator and the demo: they act through the same engine API as users."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.accounts import BOT_USERNAME
from engine.core.permissions import Actor, Grant
from engine.processes import tasks
from models import PROVINCE_WIDE_ROLES, HumanTask, HumanTaskStatus, User


def bot_user(session: Session, unit_id: int, username: str = BOT_USERNAME) -> User:
    """Return the system user scripted actions are recorded under (created once; another
    province than the installation's own has its own, `username`)."""
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        user = User(
            username=username,
            full_name="Tác nhân mô phỏng",
            password_hash="!",
            unit_id=unit_id,
            active=False,
        )
        session.add(user)
        session.flush()
    return user


@dataclass
class Cast:
    """Who plays each role: a demo user per (role, unit) when one exists, else the bot."""

    bot_id: int
    users: dict[tuple[str, int | None], int] = field(default_factory=dict)

    def actor(self, role: str, unit_id: int | None) -> Actor:
        """Return an actor holding `role` in `unit_id` (None for province-wide roles)."""
        user_id = self.users.get((role, unit_id), self.bot_id)
        return Actor(user_id=user_id, unit_id=unit_id or 0, grants=(Grant(role, unit_id),))


def make_cast(session: Session, province_unit_id: int) -> Cast:
    """Build the cast from the demo users present in the database."""
    cast = Cast(bot_id=bot_user(session, province_unit_id).id)
    for user in session.scalars(select(User).where(User.active.is_(True))):
        for role in user.role_names:
            unit_id = _scope(role, user.unit_id)
            cast.users.setdefault((role, unit_id), user.id)
    return cast


def _scope(role: str, unit_id: int) -> int | None:
    """Return where a role acts: everywhere (None) for province-wide roles, else in the unit."""
    return None if role in PROVINCE_WIDE_ROLES else unit_id


def ready_tasks(
    session: Session,
    *,
    unit_id: int | None = None,
    form_key: str | None = None,
    process_key: str | None = None,
) -> list[HumanTask]:
    """Return ready human tasks, optionally of one unit, form or process."""
    query = select(HumanTask).where(HumanTask.status == HumanTaskStatus.READY)
    if unit_id is not None:
        query = query.where(HumanTask.unit_id == unit_id)
    if form_key is not None:
        query = query.where(HumanTask.form_key == form_key)
    if process_key is not None:
        query = query.where(HumanTask.process_key == process_key)
    return list(session.scalars(query.order_by(HumanTask.id)))


def act(session: Session, cast: Cast, task: HumanTask, data: dict[str, Any]) -> None:
    """Complete `task` as whoever plays its role."""
    tasks.complete(session, cast.actor(task.role, _scope(task.role, task.unit_id)), task.id, data)
