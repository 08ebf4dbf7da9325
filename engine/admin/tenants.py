"""The tenant tree of an installation: the Ministry (a nation) and its provinces, added from
the command line by the administrator of the server (`plancascade add-tenant`, `tenants`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.core import tenancy
from engine.core.errors import ConflictError, FieldErrors, NotFoundError
from models import HOME_TENANT_ID, Tenant, TenantLevel, Unit

CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,38}$")


@dataclass(frozen=True)
class TenantRow:
    """One tenant as `plancascade tenants` prints it."""

    code: str
    name: str
    level: str
    parent: str | None
    units: int


def find(session: Session, code: str) -> Tenant:
    """Return the tenant `code`; NotFoundError with the codes that exist otherwise."""
    tenant = session.scalars(select(Tenant).where(Tenant.code == code.strip())).first()
    if tenant is None:
        known = ", ".join(session.scalars(select(Tenant.code).order_by(Tenant.code)))
        raise NotFoundError(f"Không có tỉnh hay cấp Bộ mã '{code.strip()}' (đang có: {known})")
    return tenant


def add(session: Session, code: str, name: str, *, nation: bool = False) -> Tenant:
    """Add a province under the nation, or with `nation` the nation itself: an empty first
    tenant (a fresh installation) becomes it, otherwise it goes above every province."""
    code, name = code.strip(), " ".join(name.split())
    if session.get_bind().dialect.name == "sqlite":  # codes of units are unique there, globally
        raise ConflictError("Hệ thống nhiều cấp (Bộ và các tỉnh) chạy trên PostgreSQL: đặt "
                            "DATABASE_URL=postgresql+psycopg://… rồi chạy lại lệnh")
    _check(session, code, name)
    top = session.scalars(select(Tenant).where(Tenant.level == TenantLevel.NATION)).first()
    if nation:
        if top is not None:
            raise ConflictError(f"Hệ thống đã có cấp Bộ: {top.name}")
        return _nation(session, code, name)
    if top is None:
        raise ConflictError("Hãy tạo cấp Bộ trước (add-tenant MÃ TÊN --nation): mỗi tỉnh thêm "
                            "sau đó thuộc cấp Bộ")
    tenant = Tenant(code=code, name=name, level=TenantLevel.PROVINCE, parent_id=top.id)
    session.add(tenant)
    session.flush()
    return tenant


def _check(session: Session, code: str, name: str) -> None:
    errors = {}
    if not CODE.match(code):
        errors["code"] = "Mã chỉ gồm chữ thường không dấu, số và dấu gạch ngang (2–39 ký tự)"
    elif session.scalar(select(Tenant.id).where(Tenant.code == code)) is not None:
        errors["code"] = f"Mã '{code}' đã được dùng"
    if not name:
        errors["name"] = "Vui lòng nhập tên"
    if errors:
        raise FieldErrors(errors)


def _nation(session: Session, code: str, name: str) -> Tenant:
    home = session.get(Tenant, HOME_TENANT_ID)
    with tenancy.across_tenants(session):
        empty = session.scalar(select(Unit.id).where(Unit.tenant_id == HOME_TENANT_ID)) is None
    if home is not None and empty and home.code == "home":  # a fresh Ministry installation
        home.code, home.name, home.level = code, name, TenantLevel.NATION
        session.flush()
        return home
    nation = Tenant(code=code, name=name, level=TenantLevel.NATION)
    session.add(nation)
    session.flush()
    for province in session.scalars(select(Tenant).where(
            Tenant.parent_id.is_(None), Tenant.id != nation.id)):
        province.parent_id = nation.id
    session.flush()
    return nation


def listing(session: Session) -> list[TenantRow]:
    """Return every tenant, the nation first, with its number of units."""
    with tenancy.across_tenants(session):
        units = dict(session.execute(
            select(Unit.tenant_id, func.count(Unit.id)).group_by(Unit.tenant_id)).all())
        names = dict(session.execute(select(Tenant.id, Tenant.code)).all())
        return [TenantRow(t.code, t.name, str(t.level), names.get(t.parent_id or 0),
                          int(units.get(t.id, 0)))
                for t in session.scalars(select(Tenant).order_by(
                    Tenant.level != TenantLevel.NATION, Tenant.name))]
