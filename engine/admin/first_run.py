"""A fresh installation's first steps from the command line: the first administrator, and
passwords set by an administrator (`plancascade create-admin`, `plancascade set-password`).

An administrator belongs to a unit like every account. When the database has no unit yet,
`create_admin` creates the placeholder unit `quan-tri-he-thong` ("Quản trị hệ thống", kind
"cơ quan khác"); once the units are imported the account can be moved to Sở KHCN in the
admin UI.
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from engine.admin import users as user_registry
from engine.core.errors import FieldErrors, NotFoundError
from models import Role, RoleMembership, Unit, UnitKind, User

PLACEHOLDER_CODE = "quan-tri-he-thong"
PLACEHOLDER_NAME = "Quản trị hệ thống"


def has_admin(session: Session) -> bool:
    """Tell whether some active account holds the administrator role (the sign-in page asks
    at every visit: from the few administrators' memberships, not a count of every account)."""
    return bool(session.scalar(select(exists().where(
        RoleMembership.role == Role.ADMIN,
        RoleMembership.user_id == User.id,
        User.active.is_(True),
    ))))


def _unit_for_admin(session: Session, unit_code: str | None) -> Unit:
    if unit_code:
        unit = session.scalars(select(Unit).where(Unit.code == unit_code)).first()
        if unit is None or not unit.active:
            raise NotFoundError(f"Không có đơn vị đang hoạt động mã '{unit_code}'")
        return unit
    unit = session.scalars(select(Unit).where(Unit.code == PLACEHOLDER_CODE)).first()
    if unit is None:
        unit = session.scalars(
            select(Unit)
            .where(Unit.active.is_(True))
            .order_by(Unit.kind != UnitKind.PROVINCE, Unit.id)
        ).first()
    if unit is None:
        unit = Unit(code=PLACEHOLDER_CODE, name=PLACEHOLDER_NAME, kind=UnitKind.OTHER, active=True)
        session.add(unit)
        session.flush()
    return unit


def create_admin(
    session: Session,
    username: str,
    password: str,
    *,
    full_name: str = "",
    unit_code: str | None = None,
) -> user_registry.UserRow:
    """Create an administrator account with `password` (same rules as the admin form)."""
    if not password:
        raise FieldErrors({"password": "Vui lòng nhập mật khẩu"})
    unit = _unit_for_admin(session, unit_code)
    data = user_registry.UserInput(
        username=username.strip(),
        full_name=full_name.strip() or "Quản trị hệ thống",
        unit_id=unit.id,
        roles=(Role.ADMIN.value,),
    )
    row, _ = user_registry.create(session, None, data, password=password)
    return row


def set_password(session: Session, username: str, password: str) -> None:
    """Set the password of account `username` (e.g. after an import created it)."""
    if not password:
        raise FieldErrors({"password": "Vui lòng nhập mật khẩu"})
    user = session.scalars(select(User).where(User.username == username.strip())).first()
    if user is None:
        raise NotFoundError(f"Không có tài khoản '{username.strip()}'")
    user_registry.reset_password(session, None, user.id, password)
