"""User accounts: sign-in checks, the identity a session carries, password changes, and the
end of a user's sessions (a session is valid while its fingerprint matches the account)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session, joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from engine.core import audit, clock, login_attempts, tenancy
from engine.core.errors import FieldErrors
from engine.core.labels import role_label
from engine.core.login_attempts import LockoutPolicy
from engine.core.permissions import Actor, actor_for
from models import HOME_TENANT_ID, User

MIN_PASSWORD_LENGTH = 8
UNUSABLE_PASSWORD = "!"  # prefix of a hash no password matches (an imported, unset account)
BOT_USERNAME = "he-thong"  # the system account scripted actions are recorded under


def is_system_account(username: str) -> bool:
    """Tell whether `username` is a system account scripted actions are recorded under
    (`he-thong`, or a province's own `he-thong.<province>`): never listed nor edited."""
    return username == BOT_USERNAME or username.startswith(BOT_USERNAME + ".")


def people_only() -> ColumnElement[bool]:
    """The SQL condition of `not is_system_account(User.username)`."""
    return and_(User.username != BOT_USERNAME, User.username.not_like(BOT_USERNAME + ".%"))


# Checked when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("plancascade-dummy-password")


@dataclass(frozen=True)
class Identity:
    """Who is signed in, as the page header shows them."""

    user_id: int
    username: str
    full_name: str
    unit_id: int
    unit_name: str
    roles: tuple[str, ...]
    active: bool
    fingerprint: str
    tenant_id: int = HOME_TENANT_ID  # the province (or the Ministry) whose rows the user works on

    @property
    def role_labels(self) -> tuple[str, ...]:
        """Return the Vietnamese names of the user's roles."""
        return tuple(role_label(r) for r in self.roles)


def fingerprint(password_hash: str, session_version: int = 0) -> str:
    """Return the digest sessions carry: a new password or session version voids them."""
    material = f"{password_hash}:{session_version}"
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:16]


def _identity(user: User) -> Identity:
    return Identity(
        user_id=user.id,
        username=user.username,
        full_name=user.full_name,
        unit_id=user.unit_id,
        unit_name=user.unit.name,
        roles=tuple(sorted(user.role_names)),
        active=user.active,
        fingerprint=fingerprint(user.password_hash, user.session_version),
        tenant_id=user.tenant_id,
    )


def username_holder(session: Session, username: str) -> int | None:
    """Return the id of the account named `username` in any tenant: a username signs in
    nationally, so it is unique across every province (and the Ministry)."""
    with tenancy.across_tenants(session):
        return session.scalar(select(User.id).where(User.username == username.strip()))


def _load(session: Session, user_id: int) -> User | None:
    # a request loads its user once (the sign-in check, then the actor): its session keeps
    # what it loads (web.database), so session.get finds the user in the identity map
    return session.get(User, user_id,
                       options=[joinedload(User.memberships), joinedload(User.unit)])


def identity(session: Session, user_id: int) -> Identity | None:
    """Return the identity of an active user, or None."""
    user = _load(session, user_id)
    return _identity(user) if user is not None and user.active else None


def authenticate(session: Session, username: str, password: str) -> Identity | None:
    """Return the identity when `username` and `password` match an active user, else None.

    The password is checked first and every refusal looks alike, so a caller cannot tell an
    unknown, a deactivated and a mistyped account apart.
    """
    user = session.scalars(select(User).where(User.username == username.strip())).first()
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return _identity(user)


def sign_in(session: Session, username: str, password: str, *, address: str | None = None,
            policy: LockoutPolicy | None = None, now: datetime | None = None) -> Identity | None:
    """Authenticate, counting failures against `policy` (TooManyAttempts while locked)."""
    if policy is None:
        return authenticate(session, username, password)
    moment = now or login_attempts.real_now()
    login_attempts.check_not_locked(session, username, policy, moment)
    identity = authenticate(session, username, password)
    if identity is None:
        login_attempts.record_failure(session, username, address, policy, moment)
    else:
        login_attempts.clear(session, username)
    return identity


def end_sessions(session: Session, user: User) -> None:
    """Void every session of `user` (sign-out, new password, deactivation)."""
    user.session_version = (user.session_version or 0) + 1
    session.flush()


def sign_out(session: Session, user_id: int) -> None:
    """End every session of the user (a cookie copied before sign-out no longer works)."""
    user = session.get(User, user_id)
    if user is not None:
        end_sessions(session, user)


def actor(session: Session, user_id: int, today: date | None = None) -> Actor:
    """Return the actor a signed-in user acts as today (own roles and substitutions)."""
    user = _load(session, user_id)
    if user is None:
        return Actor(user_id=user_id, unit_id=0, grants=())
    return actor_for(session, user, today or clock.today())


def change_password(
    session: Session, user_id: int, current: str, new: str, confirm: str
) -> Identity:
    """Replace a user's password after checking the current one; return the new identity."""
    user = _load(session, user_id)
    if user is None or not user.active:
        raise FieldErrors({"current_password": "Tài khoản không còn hiệu lực"})
    errors: dict[str, str] = {}
    if not check_password_hash(user.password_hash, current):
        errors["current_password"] = "Mật khẩu hiện tại không đúng"
    if len(new) < MIN_PASSWORD_LENGTH:
        errors["new_password"] = f"Mật khẩu mới cần ít nhất {MIN_PASSWORD_LENGTH} ký tự"
    elif new == current:
        errors["new_password"] = "Mật khẩu mới phải khác mật khẩu hiện tại"
    if new != confirm:
        errors["confirm_password"] = "Xác nhận mật khẩu không khớp"
    if errors:
        raise FieldErrors(errors)
    user.password_hash = generate_password_hash(new)
    end_sessions(session, user)
    audit.record(session, "user.password_changed", actor_id=user.id, unit_id=user.unit_id)
    session.flush()
    return _identity(user)
