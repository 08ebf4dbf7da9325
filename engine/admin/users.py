"""Administer user accounts: list, create, edit roles, reset passwords; deactivate, never delete."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload
from werkzeug.security import generate_password_hash

from engine.core import accounts, audit
from engine.core.accounts import (
    MIN_PASSWORD_LENGTH,
    UNUSABLE_PASSWORD,
    end_sessions,
)
from engine.core.errors import FieldErrors, NotFoundError
from engine.core.labels import role_label
from engine.core.pagination import Page, paginate
from engine.core.text_search import contains_text
from models import HumanTask, HumanTaskStatus, Role, RoleMembership, Unit, User

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,118}[a-z0-9]$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ROLES = tuple(r.value for r in Role)
# No look-alike characters (0/O, 1/l/I) in generated passwords: they are read aloud and typed.
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
GENERATED_LENGTH = 12
MAX_PASSWORD_LENGTH = 200


@dataclass(frozen=True)
class UserInput:
    """What the user form submits."""

    username: str
    full_name: str
    unit_id: int | None
    roles: tuple[str, ...]
    active: bool = True
    email: str | None = None


@dataclass(frozen=True)
class UserRow:
    """One account as the lists and the edit form show it."""

    id: int
    username: str
    full_name: str
    unit_id: int
    unit_name: str
    unit_code: str
    roles: tuple[str, ...]
    active: bool
    email: str | None
    password_set: bool = True  # False for an imported account until a password is set

    @property
    def role_labels(self) -> tuple[str, ...]:
        """Return the Vietnamese names of the roles."""
        return tuple(role_label(r) for r in self.roles)


def _statement(
    text: str | None, unit_id: int | None, role: str | None, active: bool | None
) -> Select[Any]:
    stmt = (
        select(User)
        .join(Unit, Unit.id == User.unit_id)
        .where(accounts.people_only())
        .options(selectinload(User.memberships), selectinload(User.unit))
        .order_by(User.username)
    )
    if text:
        stmt = stmt.where(
            or_(
                contains_text(User.username, text),
                contains_text(User.full_name, text),
                contains_text(Unit.name, text),
            )
        )
    if unit_id is not None:
        stmt = stmt.where(User.unit_id == unit_id)
    if role in ROLES:
        stmt = stmt.where(User.memberships.any(RoleMembership.role == role))
    if active is not None:
        stmt = stmt.where(User.active.is_(active))
    return stmt


def _row(record: Any) -> UserRow:
    user: User = record if isinstance(record, User) else record[0]
    return UserRow(
        id=user.id,
        username=user.username,
        full_name=user.full_name,
        unit_id=user.unit_id,
        unit_name=user.unit.name,
        unit_code=user.unit.code,
        roles=tuple(sorted(user.role_names, key=ROLES.index)),
        active=user.active,
        email=user.email,
        password_set=not user.password_hash.startswith(UNUSABLE_PASSWORD),
    )


def search(
    session: Session,
    text: str | None = None,
    unit_id: int | None = None,
    role: str | None = None,
    active: bool | None = None,
    page: int = 1,
) -> Page[UserRow]:
    """Return one page of accounts matching a name text, a unit, a role and an active flag."""
    return paginate(session, _statement(text, unit_id, role, active), page, _row)


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or accounts.is_system_account(user.username):
        raise NotFoundError("Không tìm thấy người dùng")
    return user


def get(session: Session, user_id: int) -> UserRow:
    """Return one account (NotFoundError when missing)."""
    return _row(_user(session, user_id))


def unit_choices(session: Session) -> list[tuple[int, str]]:
    """Return the active units a user may belong to."""
    return [
        (i, n)
        for i, n in session.execute(
            select(Unit.id, Unit.name).where(Unit.active.is_(True)).order_by(Unit.id)
        )
    ]


def colleagues(session: Session, unit_id: int) -> list[tuple[int, str]]:
    """Return the active users of a unit as (id, "full name (username)")."""
    rows = session.execute(
        select(User.id, User.full_name, User.username)
        .where(User.unit_id == unit_id, User.active.is_(True), accounts.people_only())
        .order_by(User.full_name)
    )
    return [(i, f"{n} ({u})") for i, n, u in rows]


def _active_admins(session: Session, excluding: int | None) -> int:
    stmt = select(func.count(User.id)).where(
        User.active.is_(True), User.memberships.any(RoleMembership.role == Role.ADMIN)
    )
    if excluding is not None:
        stmt = stmt.where(User.id != excluding)
    return session.scalar(stmt) or 0


def _check_identity(session: Session, data: UserInput, user: User | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not USERNAME.match(data.username):
        errors["username"] = (
            "Tên đăng nhập gồm 3–120 ký tự: chữ thường không dấu, chữ số, dấu chấm, "
            "gạch ngang hoặc gạch dưới (ví dụ: muong-la.staff)"
        )
    else:
        other = accounts.username_holder(session, data.username)
        if other is not None and (user is None or other != user.id):
            errors["username"] = f"Tên đăng nhập '{data.username}' đã tồn tại"
    if not data.full_name:
        errors["full_name"] = "Vui lòng nhập họ và tên"
    elif len(data.full_name) > 200:
        errors["full_name"] = "Họ và tên tối đa 200 ký tự"
    if data.email and (len(data.email) > 200 or not EMAIL.match(data.email)):
        errors["email"] = "Địa chỉ thư điện tử không hợp lệ"
    return errors


def _check_membership(
    session: Session, actor_id: int | None, data: UserInput, user: User | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    unit = session.get(Unit, data.unit_id) if data.unit_id is not None else None
    unchanged = user is not None and user.unit_id == data.unit_id
    if unit is None or (not unit.active and not unchanged):
        errors["unit_id"] = "Vui lòng chọn một đơn vị đang hoạt động"
    if not data.roles:
        errors["roles"] = "Chọn ít nhất một vai trò"
    elif any(r not in ROLES for r in data.roles):
        errors["roles"] = "Vai trò không hợp lệ"
    if user is not None and user.id == actor_id:
        if not data.active:
            errors["active"] = "Không thể tự khóa tài khoản của chính mình"
        elif Role.ADMIN not in data.roles:
            errors["roles"] = "Không thể tự bỏ vai trò quản trị hệ thống của chính mình"
    was_admin = user is not None and user.active and Role.ADMIN in user.role_names
    stays_admin = data.active and Role.ADMIN in data.roles
    if was_admin and not stays_admin and user and not _active_admins(session, user.id):
        errors.setdefault("roles", "Phải còn ít nhất một quản trị hệ thống đang hoạt động")
    return errors


def _clean(data: UserInput) -> UserInput:
    return UserInput(
        username=data.username.strip(),
        full_name=" ".join(data.full_name.split()),
        unit_id=data.unit_id,
        roles=tuple(dict.fromkeys(data.roles)),
        active=data.active,
        email=(data.email or "").strip() or None,
    )


def _check_password(password: str, field: str = "password") -> dict[str, str]:
    if len(password) < MIN_PASSWORD_LENGTH:
        return {field: f"Mật khẩu cần ít nhất {MIN_PASSWORD_LENGTH} ký tự"}
    if len(password) > MAX_PASSWORD_LENGTH:
        return {field: f"Mật khẩu tối đa {MAX_PASSWORD_LENGTH} ký tự"}
    return {}


def generate_password() -> str:
    """Return a random temporary password that is easy to read out."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(GENERATED_LENGTH))


def _set_roles(user: User, roles: tuple[str, ...]) -> None:
    for membership in list(user.memberships):
        if membership.role not in roles:
            user.memberships.remove(membership)
    for role in roles:
        if role not in user.role_names:
            user.memberships.append(RoleMembership(role=Role(role)))


def create(
    session: Session,
    actor_id: int | None,
    data: UserInput,
    password: str | None = None,
    *,
    unset: bool = False,
) -> tuple[UserRow, str | None]:
    """Create an account; return it and the generated password when none was given (shown once).

    `unset` creates it without a usable password (an import): an administrator sets one later.
    """
    data = _clean(data)
    errors = _check_identity(session, data, None) | _check_membership(session, actor_id, data, None)
    if password:
        errors |= _check_password(password)
    if errors:
        raise FieldErrors(errors)
    generated = None if password or unset else generate_password()
    user = User(
        username=data.username,
        full_name=data.full_name,
        unit_id=data.unit_id,
        active=data.active,
        email=data.email,
        password_hash=(
            UNUSABLE_PASSWORD + secrets.token_hex(8)
            if unset
            else generate_password_hash(password or generated or "")
        ),
    )
    session.add(user)
    _set_roles(user, data.roles)
    session.flush()
    audit.record(
        session,
        "user.created",
        actor_id=actor_id,
        unit_id=user.unit_id,
        user_id=user.id,
        username=user.username,
        roles=list(data.roles),
    )
    return get(session, user.id), generated


def _release_claims(session: Session, actor_id: int | None, user: User) -> int:
    """Hand the tasks a deactivated user had claimed back to their colleagues."""
    claimed = list(
        session.scalars(
            select(HumanTask).where(
                HumanTask.claimed_by_id == user.id, HumanTask.status == HumanTaskStatus.READY
            )
        )
    )
    for task in claimed:
        task.claimed_by_id = None
        audit.record(
            session,
            "task.released",
            actor_id=actor_id,
            instance_id=task.instance_id,
            unit_id=task.unit_id,
            human_task_id=task.id,
            reason="Tài khoản bị khóa",
        )
    return len(claimed)


def update(session: Session, actor_id: int | None, user_id: int, data: UserInput) -> UserRow:
    """Change an account (unit, roles, active...); deactivating releases its claimed tasks."""
    user = _user(session, user_id)
    data = _clean(data)
    errors = _check_identity(session, data, user) | _check_membership(session, actor_id, data, user)
    if errors:
        raise FieldErrors(errors)
    before = get(session, user.id)
    user.username, user.full_name, user.email = data.username, data.full_name, data.email
    user.unit_id, user.active = data.unit_id or user.unit_id, data.active
    _set_roles(user, data.roles)
    session.flush()
    changes: dict[str, Any] = {
        field: [str(getattr(before, field)), str(getattr(data, field))]
        for field in ("username", "full_name", "unit_id", "active", "email")
        if getattr(before, field) != getattr(data, field)
    }
    if set(before.roles) != set(data.roles):
        changes["roles"] = [list(before.roles), list(data.roles)]
    action = "user.deactivated" if before.active and not data.active else "user.updated"
    if not before.active and data.active:
        action = "user.reactivated"
    audit.record(
        session, action, actor_id=actor_id, unit_id=user.unit_id, user_id=user.id, changes=changes
    )
    if action == "user.deactivated":
        end_sessions(session, user)
        _release_claims(session, actor_id, user)
    session.flush()
    return get(session, user.id)


def reset_password(
    session: Session, actor_id: int | None, user_id: int, password: str | None = None
) -> str | None:
    """Set a new password (or generate one, returned to show once); old sessions end."""
    user = _user(session, user_id)
    if password:
        errors = _check_password(password)
        if errors:
            raise FieldErrors(errors)
    generated = None if password else generate_password()
    user.password_hash = generate_password_hash(password or generated or "")
    end_sessions(session, user)
    audit.record(
        session,
        "user.password_reset",
        actor_id=actor_id,
        unit_id=user.unit_id,
        user_id=user.id,
        generated=generated is not None,
    )
    session.flush()
    return generated
