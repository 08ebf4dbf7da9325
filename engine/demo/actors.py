"""Scripted actors for the simulator and the demo: they act through the same engine API as users."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import clock
from engine.core.accounts import BOT_USERNAME
from engine.core.permissions import Actor, Grant
from engine.domain import unit_plans
from engine.processes import tasks
from models import PROVINCE_WIDE_ROLES, HumanTask, HumanTaskStatus, ProcessInstance, Unit, User


def bot_user(session: Session, unit_id: int) -> User:
    """Return the system user scripted actions are recorded under (created once)."""
    user = session.scalars(select(User).where(User.username == BOT_USERNAME)).first()
    if user is None:
        user = User(
            username=BOT_USERNAME,
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


def adopt_plan(session: Session, cast: Cast, unit: Unit, plan_number: str) -> bool:
    """Play a unit's staff and leader: adapt the plan from the template and approve it."""
    done = False
    for task in ready_tasks(session, unit_id=unit.id, process_key="unit_plan"):
        if task.form_key == "unit_plan_adapt":
            content = unit_plans.default_content(session, task.instance.plan_id, unit)
            for item in content["tasks"]:
                item["responsible"] = (
                    "Văn phòng" if unit.kind == "department" else "Phòng Văn hóa - Xã hội"
                )
            act(session, cast, task, content)
            done = True
    for task in ready_tasks(session, unit_id=unit.id, form_key="unit_plan_approve"):
        act(
            session,
            cast,
            task,
            {
                "decision": "approve",
                "plan_number": plan_number,
                "plan_date": clock.today().isoformat(),
            },
        )
        done = True
    return done


def instance_of(
    session: Session, process_key: str, plan_id: int, unit_id: int, round_key: str = ""
) -> ProcessInstance | None:
    """Return the instance keyed by (process, plan, unit, round), if any."""
    return session.scalars(
        select(ProcessInstance).where(
            ProcessInstance.process_key == process_key,
            ProcessInstance.plan_id == plan_id,
            ProcessInstance.unit_id == unit_id,
            ProcessInstance.round_key == round_key,
        )
    ).first()
