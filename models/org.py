"""Units, users, role memberships and dated substitutes."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base
from models.mail import MailMode
from models.tenancy import TenantOwned


class UnitKind(StrEnum):
    """What kind of body a unit is."""

    PROVINCE = "province"
    DEPARTMENT = "department"
    COMMUNE = "commune"
    INTERNAL = "internal"
    OTHER = "other"


class Role(StrEnum):
    """Roles named by BPMN lanes."""

    UNIT_STAFF = "unit_staff"
    UNIT_LEADER = "unit_leader"
    DOST_STAFF = "dost_staff"
    DOST_LEADER = "dost_leader"
    PROVINCE_LEADER = "province_leader"
    INSPECTOR = "inspector"
    ADMIN = "admin"


PROVINCE_WIDE_ROLES = frozenset(
    {Role.DOST_STAFF, Role.DOST_LEADER, Role.PROVINCE_LEADER, Role.INSPECTOR, Role.ADMIN}
)


class Unit(TenantOwned, Base):
    """A body that adopts the plan and reports: a sở, a xã/phường, or an internal department."""

    __tablename__ = "unit"
    # a code is unique in its province (two provinces both have "so-tai-chinh"); SQLite
    # installations, one province each, keep the older unique code of migration 0001
    __table_args__ = (UniqueConstraint("tenant_id", "code", name="uq_unit_tenant_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[UnitKind] = mapped_column(String(20), index=True)
    subkind: Mapped[str | None] = mapped_column(String(40))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent")
    users: Mapped[list[User]] = relationship(back_populates="unit")


class User(TenantOwned, Base):
    """A person who logs in; belongs to one unit."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    email: Mapped[str | None] = mapped_column(String(200))
    # Raised on sign-out, password change and deactivation: older session cookies stop working.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # reminder-like notices by mail: each at once, or gathered at 07:30 (escalations: at once)
    mail_mode: Mapped[MailMode] = mapped_column(
        String(10), default=MailMode.IMMEDIATE, server_default=MailMode.IMMEDIATE.value
    )

    unit: Mapped[Unit] = relationship(back_populates="users")
    memberships: Mapped[list[RoleMembership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def role_names(self) -> set[str]:
        """Return the role keys this user holds in their own unit."""
        return {m.role for m in self.memberships}


class RoleMembership(TenantOwned, Base):
    """A user holds a role in their unit."""

    __tablename__ = "role_membership"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    role: Mapped[Role] = mapped_column(String(40))

    user: Mapped[User] = relationship(back_populates="memberships")


class Substitution(TenantOwned, Base):
    """A dated delegation (ủy quyền): the substitute acts for the absent user."""

    __tablename__ = "substitution"

    id: Mapped[int] = mapped_column(primary_key=True)
    absent_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    substitute_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime]
