"""Tenants (levels of the cascade: the nation, its provinces) and the mixin of every row a
tenant owns."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, ForeignKey, String, Table, event, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from models.base import Base

HOME_TENANT_ID = 1  # the installation's own province: the owner of rows written unscoped


class TenantLevel(StrEnum):
    """The level of a tenant in the cascade."""

    NATION = "nation"
    PROVINCE = "province"


class Tenant(Base):
    """A level of the cascade that owns its data: the Ministry (nation) or a province."""

    __tablename__ = "tenant"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[TenantLevel] = mapped_column(String(20), default=TenantLevel.PROVINCE)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("tenant.id"), index=True)


class TenantOwned:
    """A row that belongs to one tenant: every query of a scoped session sees only its own
    tenant's rows (engine.core.tenancy), and PostgreSQL's row-level security checks it again."""

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:  # noqa: N805 - declared_attr takes the class
        return mapped_column(ForeignKey("tenant.id"), index=True, default=HOME_TENANT_ID)


@event.listens_for(Tenant.__table__, "after_create")
def _home_tenant(target: Table, connection: Connection, **_kw: Any) -> None:
    """A schema made from the models (tests) holds the home tenant, as migration 0011 does."""
    connection.execute(target.insert().values(
        id=HOME_TENANT_ID, code="home", name="Tỉnh", level=TenantLevel.PROVINCE.value))
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT setval(pg_get_serial_sequence('tenant', 'id'), 1)"))
