"""The directory of units, as lists and the JSON API show it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Unit


@dataclass(frozen=True)
class UnitEntry:
    """One unit: its stable code, name and kind."""

    code: str
    name: str
    kind: str


def list_units(session: Session) -> list[UnitEntry]:
    """Return every active unit in loading order: the province, departments, then communes."""
    rows = session.execute(
        select(Unit.code, Unit.name, Unit.kind).where(Unit.active.is_(True)).order_by(Unit.id)
    )
    return [UnitEntry(code, name, str(kind)) for code, name, kind in rows]
