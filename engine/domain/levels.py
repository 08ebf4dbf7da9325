"""The levels of the cascade as data: the tenant tree (a nation and its provinces)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Plan, Tenant, TenantLevel


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
