"""The levels of the cascade as data: the tenant tree (a nation and its provinces)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import tenancy
from models import Plan, Tenant, TenantLevel, Unit, UnitKind


def is_nation(session: Session, tenant_id: int) -> bool:
    """Tell whether `tenant_id` is a nation's tenant (the Ministry)."""
    tenant = session.get(Tenant, tenant_id)
    return tenant is not None and tenant.level == TenantLevel.NATION


def is_national(session: Session, plan: Plan) -> bool:
    """Tell whether `plan` belongs to a nation's tenant (a guidance to provinces)."""
    return is_nation(session, plan.tenant_id)


def provinces_of(session: Session, nation_id: int) -> list[Tenant]:
    """Return the province tenants under `nation_id`, in name order."""
    return list(session.scalars(
        select(Tenant).where(Tenant.parent_id == nation_id, Tenant.level == TenantLevel.PROVINCE)
        .order_by(Tenant.name)))


def edits_shared_definitions(session: Session, tenant_id: int) -> bool:
    """Tell whether `tenant_id`'s administrators may change what every tenant shares (the
    process definitions): the top of the tree — a province alone, or the Ministry — may; a
    province under a Ministry runs the definitions the Ministry deploys."""
    tenant = session.get(Tenant, tenant_id)
    return tenant is None or tenant.parent_id is None


def in_sentence(name: str) -> str:
    """A place's name as it reads inside a sentence: "Tỉnh Lai Châu" → "tỉnh Lai Châu"."""
    return name[:1].lower() + name[1:]


def display_name(session: Session, tenant_id: int) -> str:
    """Return the tenant's name as people say it ("Tỉnh Sơn La", "Bộ Khoa học và Công nghệ"):
    its own, or — for an installation's first tenant never named — its UBND tỉnh's."""
    return _display_name(session, tenant_id, session.get(Tenant, tenant_id))


def _display_name(session: Session, tenant_id: int, tenant: Tenant | None) -> str:
    if tenant is not None and tenant.code != "home":
        return tenant.name
    with tenancy.scoped(session, tenant_id):
        unit = session.scalar(select(Unit.name).where(Unit.kind == UnitKind.PROVINCE)
                              .order_by(Unit.id).limit(1))
    if unit is None:
        return tenant.name if tenant is not None else "Tỉnh"
    return unit[5:][:1].upper() + unit[6:] if unit.startswith("UBND ") else unit


def brand(session: Session, tenant_id: int) -> tuple[str, str]:
    """Return the site's name for a tenant's people: short for the menu bar ("Chuyển đổi số
    Sơn La") and whole for the window title ("Chuyển đổi số tỉnh Sơn La")."""
    tenant = session.get(Tenant, tenant_id)  # held: the identity map keeps it for both uses
    name = _display_name(session, tenant_id, tenant)
    if tenant is not None and tenant.level == TenantLevel.NATION:
        return "Chuyển đổi số quốc gia", f"Chuyển đổi số · {name}"
    short = name.split(" ", 1)[1] if name.startswith("Tỉnh ") else name
    return f"Chuyển đổi số {short}", f"Chuyển đổi số {in_sentence(name)}"
