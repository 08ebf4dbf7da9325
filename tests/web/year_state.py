"""A realistic mid-year state for the supervision, unit and instance pages: 40 units (the 15
departments and 25 communes, xã Mường La among them) played by the simulator to 08/03/2026, when
some units are overdue for the first quarter and others reported on time.

Import the fixtures into a test module (`from tests.web.year_state import year_db, year_file`)
and point `db_engine` at `year_db`. On SQLite the year is played once per run and each
test gets a copy of the file. On PostgreSQL every test plays it in its emptied schema, unless its
module sets `YEAR_SHARED_ON_POSTGRES = True`: the year is then played once for the module and its
tests share it (they read it, and the few that write change only what no other test of their
module looks at).
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from engine import clock
from engine.bootstrap import at
from engine.db import make_engine, make_session_factory
from engine.simulation import simulate
from models import Base, Plan
from tests.conftest import _fresh_engine

YEAR_DAY = date(2026, 3, 8)
YEAR_UNITS = 40


def play_year(engine: Engine) -> None:
    """Play the year to 08/03/2026 on an empty schema."""
    Base.metadata.create_all(engine)
    with make_session_factory(engine)() as session:
        simulate(session, units=YEAR_UNITS, late_fraction=0.25, seed=7, last=YEAR_DAY, users=True)
        session.commit()


def year_now() -> None:
    """Put the clock on the evening of 08/03/2026, where the state was left."""
    clock.set_now(at(YEAR_DAY, 18))


@pytest.fixture(scope="session")
def year_file(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """On SQLite, a database file holding the played year, built once per run."""
    if os.environ.get("TEST_DATABASE_URL"):
        return None
    path = tmp_path_factory.mktemp("year") / "year.db"
    engine = make_engine(f"sqlite:///{path}")
    play_year(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    clock.set_now(None)
    return path


_played: dict[str, Any] = {"module": None, "engine": None}


def _played_for(module: str, tmp_path: Path) -> Engine:
    """On PostgreSQL, the year played for `module` (replayed when another module asks)."""
    if _played["module"] != module:
        if _played["engine"] is not None:
            _played["engine"].dispose()
        engine = _fresh_engine(tmp_path)
        play_year(engine)
        _played.update(module=module, engine=engine)
    engine = _played["engine"]
    assert isinstance(engine, Engine)
    return engine


@pytest.fixture
def year_db(tmp_path: Path, year_file: Path | None,
            request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A database holding the played year: a fresh copy of the file on SQLite."""
    if year_file is None and getattr(request.module, "YEAR_SHARED_ON_POSTGRES", False):
        engine = _played_for(request.module.__name__, tmp_path)
        year_now()
        yield engine
        return
    if year_file is None:
        engine = _fresh_engine(tmp_path)
        play_year(engine)
        year_now()
        yield engine
        engine.dispose()
        return
    shutil.copyfile(year_file, tmp_path / "test.db")
    engine = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
    year_now()
    yield engine
    engine.dispose()


def year_plan(session: Session) -> Plan:
    """Return the plan of the played year."""
    return session.scalars(select(Plan)).one()
