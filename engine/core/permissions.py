"""Who may see and act on what: pure rules over grants, plus loading a user's grants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session

from engine.core.errors import NotFoundError, PermissionDeniedError
from models import PROVINCE_WIDE_ROLES, HumanTask, Role, Substitution, User


@dataclass(frozen=True)
class Grant:
    """The right to act as `role` in `unit_id` (None: in every unit)."""

    role: str
    unit_id: int | None
    on_behalf_of: int | None = None


@dataclass(frozen=True)
class Actor:
    """A user with the grants they hold today (own roles and active substitutions)."""

    user_id: int
    unit_id: int
    grants: tuple[Grant, ...]

    def holds(self, role: str) -> bool:
        """Tell whether the actor holds `role` anywhere."""
        return any(g.role == role for g in self.grants)

    @property
    def is_admin(self) -> bool:
        """Tell whether the actor is an administrator."""
        return self.holds(Role.ADMIN)

    @property
    def is_province_wide(self) -> bool:
        """Tell whether the actor supervises every unit (Sở KHCN, UBND tỉnh, inspectors)."""
        return any(g.unit_id is None for g in self.grants)


def grants_of(user: User) -> list[Grant]:
    """Return the grants a user holds through their own role memberships."""
    return [
        Grant(m.role, None if m.role in PROVINCE_WIDE_ROLES else user.unit_id)
        for m in user.memberships
    ]


def actor_for(session: Session, user: User, today: date) -> Actor:
    """Return `user` with their own grants and those of users they substitute for today."""
    grants = grants_of(user)
    absent_ids = session.scalars(
        select(Substitution.absent_user_id).where(
            Substitution.substitute_user_id == user.id,
            Substitution.starts_on <= today,
            Substitution.ends_on >= today,
        )
    ).all()
    for absent_id in absent_ids:
        absent = session.get(User, absent_id)
        if absent is not None and absent.active:
            grants.extend(Grant(g.role, g.unit_id, absent_id) for g in grants_of(absent))
    return Actor(user_id=user.id, unit_id=user.unit_id, grants=tuple(dict.fromkeys(grants)))


def can_act(actor: Actor, role: str, unit_id: int) -> bool:
    """Tell whether `actor` may complete a task of `role` in `unit_id`."""
    return any(g.role == role and (g.unit_id is None or g.unit_id == unit_id) for g in actor.grants)


def can_see_unit(actor: Actor, unit_id: int) -> bool:
    """Tell whether `actor` may see the work of `unit_id` at all."""
    return actor.is_province_wide or any(g.unit_id == unit_id for g in actor.grants)


def require_can_complete(actor: Actor, task: HumanTask) -> None:
    """Raise unless `actor` may complete `task` (404 when they may not even see it)."""
    if not can_see_unit(actor, task.unit_id):
        raise NotFoundError("Không tìm thấy công việc")
    if not can_act(actor, task.role, task.unit_id):
        raise PermissionDeniedError("Bạn không có vai trò thực hiện bước này")
    if task.claimed_by_id not in (None, actor.user_id):
        raise PermissionDeniedError("Công việc này đang do người khác nhận xử lý")


def inbox_filter(actor: Actor) -> ColumnElement[bool]:
    """Return the SQL condition selecting the human tasks offered to `actor`."""
    clauses = []
    for grant in actor.grants:
        if grant.unit_id is None:
            clauses.append(HumanTask.role == grant.role)
        else:
            clauses.append(and_(HumanTask.role == grant.role, HumanTask.unit_id == grant.unit_id))
    return or_(*clauses) if clauses else false()


def visible_task(session: Session, actor: Actor, task_id: int) -> HumanTask:
    """Return task `task_id` if `actor` may see it, else "not found" (as for a missing one)."""
    task = session.get(HumanTask, task_id)
    if task is None or not can_see_unit(actor, task.unit_id):
        raise NotFoundError("Không tìm thấy công việc")
    return task
