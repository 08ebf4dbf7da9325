"""Shared fixtures: a fresh database per test, on SQLite (default) or PostgreSQL.

Set TEST_DATABASE_URL=postgresql+psycopg://... to run the suite on PostgreSQL; each test then
gets an empty `public` schema.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from engine import clock
from engine.db import make_engine, make_session_factory
from models import Base


def _fresh_engine(tmp_path: Path) -> Engine:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return make_engine(f"sqlite:///{tmp_path / 'test.db'}")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    return engine


@pytest.fixture
def db_engine(tmp_path: Path) -> Iterator[Engine]:
    """An empty database with the schema created from the models."""
    engine = _fresh_engine(tmp_path)
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(db_engine: Engine):  # type: ignore[no-untyped-def]
    """A session factory bound to the test database."""
    return make_session_factory(db_engine)


@pytest.fixture
def session(session_factory) -> Iterator[Session]:  # type: ignore[no-untyped-def]
    """A session on the test database."""
    with session_factory() as s:
        yield s


@pytest.fixture(autouse=True)
def reset_clock() -> Iterator[None]:
    """Every test starts and ends on the real clock."""
    clock.set_now(None)
    yield
    clock.set_now(None)


@pytest.fixture
def world(session: Session):  # type: ignore[no-untyped-def]
    """The Sơn La 2026 plan, units and demo users, with the plan issued on 06/01/2026."""
    from engine.actors import make_cast
    from engine.bootstrap import at, issue_plan, prepare, province_unit
    from engine.simulation import ISSUE_DAY

    clock.set_now(at(ISSUE_DAY, 7))
    plan = prepare(session, users=True)
    cast = make_cast(session, province_unit(session).id)
    session.commit()
    clock.set_now(at(ISSUE_DAY, 7, 30))
    issue_plan(session, cast, plan)
    session.commit()
    return plan, cast
