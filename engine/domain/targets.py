"""Which units a plan's stages are addressed to: the target kinds, and a commune's departments."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from engine.domain import adhoc, regimes
from models import Plan, Unit, UnitKind


def target_units(session: Session, plan: Plan, parent: Unit | None = None) -> list[Unit]:
    """Return the active units of the kinds the plan is addressed to."""
    return list(
        session.scalars(
            select(Unit)
            .where(Unit.kind.in_(list(plan.target_kinds)), Unit.active.is_(True),
                   Unit.tenant_id == plan.tenant_id)  # a plan goes to its own level's units
            .order_by(Unit.id)
        )
    )


def internal_units(session: Session, plan: Plan, parent: Unit | None) -> list[Unit]:
    """Return the active internal departments of `parent`."""
    if parent is None:
        return []
    return list(
        session.scalars(
            select(Unit)
            .where(
                Unit.parent_id == parent.id, Unit.kind == UnitKind.INTERNAL, Unit.active.is_(True)
            )
            .order_by(Unit.id)
        )
    )


def departments_of_targets(session: Session, plan: Plan) -> list[Unit]:
    """Return the active internal departments of every active unit the plan is addressed to."""
    parent = aliased(Unit)
    return list(
        session.scalars(
            select(Unit)
            .join(parent, Unit.parent_id == parent.id)
            .where(
                Unit.kind == UnitKind.INTERNAL,
                Unit.active.is_(True),
                parent.kind.in_(list(plan.target_kinds)),
                parent.active.is_(True),
                parent.tenant_id == plan.tenant_id,
            )
            .order_by(Unit.id)
        )
    )


def round_units(session: Session, plan: Plan, round_key: str) -> list[Unit]:
    """Return the units a round asks: an ad-hoc request's chosen units, a regime's reporters
    (unit kinds the plan is addressed to, or the internal departments of those units), or
    every target unit for any other stage."""
    request = adhoc.find(session, plan.id, round_key)
    if request is not None:
        return adhoc.units_of(session, request)
    found = regimes.find_round(plan, round_key)
    if found is not None and found.regime.internal:
        return departments_of_targets(session, plan)
    units = target_units(session, plan)
    if found is None:
        return units
    return [u for u in units if str(u.kind) in found.regime.reporters]
