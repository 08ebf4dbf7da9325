"""A realistic mid-year state for the supervision, unit and instance pages: 40 units (the 15
departments and 25 communes, xã Mường La among them) played by the simulator to 08/03/2026, when
some units are overdue for the first quarter and others reported on time.

Import the fixtures into a test module (`from tests.web.year_state import year_db, year_plan`)
and point `db_engine` at `year_db`. The year is played once per run into a template database
(tests/conftest.py `Templates`) and each test gets its own copy, on SQLite and PostgreSQL alike.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from engine.core import clock
from engine.core.db import make_session_factory
from engine.demo.bootstrap import at
from engine.demo.simulation import simulate
from models import Plan
from tests.conftest import Templates

YEAR_DAY = date(2026, 3, 8)
YEAR_UNITS = 40


def play_year(engine: Engine) -> None:
    """Play the year to 08/03/2026 on an empty schema."""
    with make_session_factory(engine)() as session:
        simulate(session, units=YEAR_UNITS, late_fraction=0.25, seed=7, last=YEAR_DAY, users=True)
        session.commit()


def year_now() -> None:
    """Put the clock on the evening of 08/03/2026, where the state was left."""
    clock.set_now(at(YEAR_DAY, 18))


@pytest.fixture
def year_db(templates: Templates, tmp_path: Path) -> Iterator[Engine]:
    """A fresh database holding the played year."""
    templates.register("year", play_year)
    engine = templates.fresh("year", tmp_path)
    year_now()
    yield engine
    engine.dispose()


def year_plan(session: Session) -> Plan:
    """Return the plan of the played year."""
    return session.scalars(select(Plan)).one()
