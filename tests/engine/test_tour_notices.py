"""README's "Who receives which notice" is true: over a demo year (the demo's seed and share of
late units, 24 units), each account named there has notices of every kind its second column
names, and no role receives a kind the table does not name at all."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from engine.core.db import make_session_factory
from engine.core.labels import NOTICE_LABELS
from engine.demo.install import DEMO_LATE_FRACTION, DEMO_SEED
from engine.demo.simulation import simulate
from models import Notification
from tests.conftest import Templates

README = Path(__file__).resolve().parents[2] / "README.md"
HEADING = "### Who receives which notice"
ROLES = {"skhcn.staff": "dost_staff", "skhcn.leader": "dost_leader",
         "ubnd.leader": "province_leader", "inspector": "inspector"}
KINDS = {label: kind for kind, label in NOTICE_LABELS.items()}


def _role(account_cell: str) -> str:
    username = re.search(r"`([^`]+)`", account_cell)
    assert username, account_cell
    name = username.group(1)
    return ROLES.get(name) or ("unit_staff" if name.endswith(".staff") else "unit_leader")


def _kinds(cell: str) -> set[str]:
    labels = [part.strip() for part in re.sub(r"\([^)]*\)", "", cell).split(",")]
    unknown = [label for label in labels if label and label not in KINDS]
    assert not unknown, f"README names notice kinds that do not exist: {unknown}"
    return {KINDS[label] for label in labels if label}


def tour_table() -> dict[str, tuple[set[str], set[str]]]:
    """Return README's table: role → (kinds over the year, kinds when it happens)."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(HEADING):]
    section = section[:section.index("\n## ")]
    rows = [line for line in section.splitlines()[1:]
            if line.startswith("| ") and not line.startswith("| account")]
    table: dict[str, tuple[set[str], set[str]]] = {}
    for row in rows:
        account, year, extra = (cell.strip() for cell in row.strip("|").split("|"))
        table[_role(account)] = (_kinds(year), _kinds(extra))
    return table


def play_demo_year(engine: Engine) -> None:
    with make_session_factory(engine)() as session:
        simulate(session, units=24, late_fraction=DEMO_LATE_FRACTION, seed=DEMO_SEED,
                 users=True)
        session.commit()


@pytest.fixture
def db_engine(templates: Templates, tmp_path: Path) -> Iterator[Engine]:
    """A fresh copy of the played demo year."""
    templates.register("demo_year", play_demo_year)
    engine = templates.fresh("demo_year", tmp_path)
    yield engine
    engine.dispose()


def test_the_table_names_every_role_of_the_tour() -> None:
    assert set(tour_table()) == {"unit_staff", "unit_leader", "dost_staff", "dost_leader",
                                 "province_leader", "inspector"}


def test_every_role_of_the_tour_has_the_notices_it_says(session: Session) -> None:
    received: dict[str, set[str]] = {}
    for role, kind in session.execute(
            select(Notification.recipient_role, Notification.kind).distinct()):
        received.setdefault(role, set()).add(kind)
    for role, (over_the_year, when_it_happens) in tour_table().items():
        assert over_the_year <= received.get(role, set()), (role, received.get(role))
        assert received.get(role, set()) <= over_the_year | when_it_happens, (
            role, received.get(role, set()) - over_the_year - when_it_happens)
