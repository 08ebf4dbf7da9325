"""Who may see and act on what: pure rules over grants, plus loading a user's grants.

Every role and visibility rule of the application is written here, once, as a named predicate
(or, for lists, an SQL condition); the engine and the web layer call these instead of testing
role names themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    exists,
    false,
    or_,
    select,
)
from sqlalchemy.orm import Session

from engine.core.errors import NotFoundError, PermissionDeniedError
from models import (
    PROVINCE_WIDE_ROLES,
    HumanTask,
    HumanTaskStatus,
    Notification,
    NotificationRead,
    Role,
    RoleMembership,
    Substitution,
    User,
)

SUPERVISING_ROLES = frozenset({Role.DOST_STAFF, Role.DOST_LEADER, Role.PROVINCE_LEADER, Role.ADMIN})
EXTENSION_DECIDING_ROLES = frozenset({Role.DOST_STAFF, Role.DOST_LEADER})
PLAN_MANAGING_ROLES = frozenset({Role.DOST_STAFF, Role.DOST_LEADER, Role.ADMIN})
REQUEST_ISSUING_ROLES = frozenset({Role.DOST_STAFF, Role.DOST_LEADER, Role.PROVINCE_LEADER})
AUDIT_READING_ROLES = frozenset({Role.DOST_STAFF, Role.DOST_LEADER, Role.ADMIN})
UNIT_MEMBER_ROLES = (Role.UNIT_STAFF, Role.UNIT_LEADER)


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


def acts_province_wide(role: str) -> bool:
    """Tell whether `role` acts in every unit (Sở KHCN, UBND tỉnh, inspectors, admin) rather
    than only in the holder's own unit."""
    return role in PROVINCE_WIDE_ROLES


def grants_of(user: User) -> list[Grant]:
    """Return the grants a user holds through their own role memberships."""
    return [
        Grant(m.role, None if acts_province_wide(m.role) else user.unit_id)
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


def _holders_statement(province_wide: bool) -> Select[User]:
    """Return the select of `holders`, its role, unit and day left as parameters."""
    direct = select(RoleMembership.user_id).join(User).where(
        RoleMembership.role == bindparam("role", type_=String), User.active)
    if not province_wide:
        direct = direct.where(User.unit_id == bindparam("unit_id", type_=Integer))
    today = bindparam("today", type_=Date)
    substitutes = select(Substitution.substitute_user_id).where(
        Substitution.absent_user_id.in_(direct),
        Substitution.starts_on <= today,
        Substitution.ends_on >= today,
    )
    holds = User.id.in_(direct)
    return (
        select(User)
        .where(User.active, or_(holds, User.id.in_(substitutes)))
        .order_by(case((holds, 0), else_=1), User.id)
    )


# built once: every notice asks for its readers (a completion, each reminder of the tick)
_HOLDERS = {wide: _holders_statement(wide) for wide in (False, True)}


def holders(session: Session, role: str, unit_id: int, today: date) -> list[User]:
    """Return the active users who may act as `role` in `unit_id` today: those who hold it
    (anywhere, for a province-wide role), then their substitutes (the notice's readers).

    One query says what `can_act(actor_for(user, today), role, unit_id)` says of each user (a
    holder's own grant; an active absent holder's, through a substitution of today), so no
    user's grants are loaded one by one."""
    wide = acts_province_wide(role)
    params = {"role": role, "today": today, **({} if wide else {"unit_id": unit_id})}
    return list(session.scalars(_HOLDERS[wide], params))


def can_act(actor: Actor, role: str, unit_id: int) -> bool:
    """Tell whether `actor` may complete a task of `role` in `unit_id`."""
    return any(g.role == role and (g.unit_id is None or g.unit_id == unit_id) for g in actor.grants)


def acting_for(actor: Actor, role: str, unit_id: int) -> int | None:
    """Return the user `actor` stands in for when acting as `role` in `unit_id`: None when one
    of their own grants allows it (or none does), else the absent user of a substitution."""
    matching = [g for g in actor.grants
                if g.role == role and (g.unit_id is None or g.unit_id == unit_id)]
    if not matching or any(g.on_behalf_of is None for g in matching):
        return None
    return matching[0].on_behalf_of


def can_see_unit(actor: Actor, unit_id: int) -> bool:
    """Tell whether `actor` may see the work of `unit_id` at all."""
    return actor.is_province_wide or any(g.unit_id == unit_id for g in actor.grants)


def may_browse_units(actor: Actor) -> bool:
    """Tell whether `actor` may list and open every unit (else only their own unit's page)."""
    return actor.is_province_wide


def may_administer(actor: Actor) -> bool:
    """Tell whether `actor` may use the administration area and the support operations."""
    return actor.is_admin


def may_supervise(actor: Actor) -> bool:
    """Tell whether `actor` may open the supervision pages and the province-wide status
    (Sở KHCN, UBND tỉnh, admin)."""
    return any(g.role in SUPERVISING_ROLES and g.unit_id is None for g in actor.grants)


def may_read_audit(actor: Actor) -> bool:
    """Tell whether `actor` may search and export the audit trail (administrators, Sở KHCN's
    staff and leader)."""
    return any(g.role in AUDIT_READING_ROLES and g.unit_id is None for g in actor.grants)


def may_decide_extension(actor: Actor) -> bool:
    """Tell whether `actor` decides extension requests (Sở KHCN's staff and leader)."""
    return any(g.role in EXTENSION_DECIDING_ROLES for g in actor.grants)


def may_request_extension(actor: Actor, unit_id: int) -> bool:
    """Tell whether `actor` may ask for more time for `unit_id` (its staff or leader)."""
    return any(can_act(actor, role, unit_id) for role in UNIT_MEMBER_ROLES)


def may_manage_plans(actor: Actor) -> bool:
    """Tell whether `actor` may load a year's plan from Excel, copy last year's, export one
    (Sở KHCN's staff and leader, the administrator)."""
    return any(g.role in PLAN_MANAGING_ROLES and g.unit_id is None for g in actor.grants)


def may_issue_requests(actor: Actor) -> bool:
    """Tell whether `actor` may ask units for an ad-hoc report (Sở KHCN's staff and leader,
    UBND tỉnh's leader)."""
    return any(g.role in REQUEST_ISSUING_ROLES and g.unit_id is None for g in actor.grants)


def may_withdraw_plan(actor: Actor) -> bool:
    """Tell whether `actor` may withdraw an issued province plan (Sở KHCN's leader)."""
    return actor.holds(Role.DOST_LEADER)


def _claim_allows(actor: Actor, claimed_by_id: int | None) -> bool:
    """Tell whether a task claimed by `claimed_by_id` (None: nobody) is free for `actor`."""
    return claimed_by_id in (None, actor.user_id)


def may_act_on_task(
    actor: Actor, role: str, unit_id: int, status: str, claimed_by_id: int | None
) -> bool:
    """Tell whether `actor` may work on a task now: it is ready, of a role they hold in its
    unit, and not claimed by someone else."""
    return (
        status == HumanTaskStatus.READY
        and can_act(actor, role, unit_id)
        and _claim_allows(actor, claimed_by_id)
    )


def require_can_complete(actor: Actor, task: HumanTask) -> None:
    """Raise unless `actor` may complete `task` (404 when they may not even see it)."""
    if not can_see_unit(actor, task.unit_id):
        raise NotFoundError("Không tìm thấy công việc")
    if not can_act(actor, task.role, task.unit_id):
        raise PermissionDeniedError("Bạn không có vai trò thực hiện bước này")
    if not _claim_allows(actor, task.claimed_by_id):
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


def offered_filter(actor: Actor) -> ColumnElement[bool]:
    """Return the SQL condition of the tasks offered to `actor`: their roles' tasks that nobody
    else has claimed (the SQL form of `may_act_on_task`'s role and claim rules)."""
    return and_(
        inbox_filter(actor),
        or_(HumanTask.claimed_by_id.is_(None), HumanTask.claimed_by_id == actor.user_id),
    )


def notice_filter(actor: Actor) -> ColumnElement[bool]:
    """Return the SQL condition selecting the notifications addressed to `actor`'s grants."""
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


def unread_notice_filter(actor: Actor) -> ColumnElement[bool]:
    """Return the SQL condition selecting the notifications addressed to `actor` that they have
    not read (each reader's read is their own: `NotificationRead`)."""
    return and_(
        notice_filter(actor),
        ~exists().where(
            NotificationRead.notification_id == Notification.id,
            NotificationRead.user_id == actor.user_id,
        ),
    )


def visible_task(session: Session, actor: Actor, task_id: int) -> HumanTask:
    """Return task `task_id` if `actor` may see it, else "not found" (as for a missing one)."""
    task = session.get(HumanTask, task_id)
    if task is None or not can_see_unit(actor, task.unit_id):
        raise NotFoundError("Không tìm thấy công việc")
    return task
