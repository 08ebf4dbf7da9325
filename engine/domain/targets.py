"""Which units a plan's stages are addressed to: the target kinds, and a commune's departments."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Plan, Unit, UnitKind


def target_units(session: Session, plan: Plan, parent: Unit | None = None) -> list[Unit]:
    """Return the active units of the kinds the plan is addressed to."""
    return list(
        session.scalars(
            select(Unit)
            .where(Unit.kind.in_(list(plan.target_kinds)), Unit.active.is_(True))
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
