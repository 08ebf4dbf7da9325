"""Shared fixtures: a fresh database per test, on SQLite (default) or PostgreSQL.

Set TEST_DATABASE_URL=postgresql+psycopg://... to run the suite on PostgreSQL. Each test gets
its own database copied from a template built once per run: an empty schema, or — for tests
that ask for `world` — the 2026 plan issued to the 90 units (the slow part of a setup). On
SQLite a template is a file that is copied; on PostgreSQL a `CREATE DATABASE … TEMPLATE`.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from engine.core import clock
from engine.core.db import make_engine, make_session_factory
from models import Base, Plan


def build_world(session: Session) -> tuple[Any, Any]:
    """Load the plan, units and accounts, and issue the plan on 06/01/2026."""
    from engine.demo.actors import make_cast
    from engine.demo.bootstrap import at, issue_plan, prepare, province_unit
    from engine.demo.simulation import ISSUE_DAY

    clock.set_now(at(ISSUE_DAY, 7))
    plan = prepare(session, users=True)
    cast = make_cast(session, province_unit(session).id)
    session.commit()
    clock.set_now(at(ISSUE_DAY, 7, 30))
    issue_plan(session, cast, plan)
    session.commit()
    return plan, cast


def _issue_world(engine: Engine) -> None:
    with make_session_factory(engine)() as session:
        build_world(session)


class Templates:
    """Template databases built on first use, and fresh copies of them per test.

    A kind is a name and a builder that fills an empty schema ("empty", "world", and any
    kind a test module registers, e.g. a year played to March).
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.url = os.environ.get("TEST_DATABASE_URL")
        self.built: set[str] = set()
        self.builders: dict[str, Callable[[Engine], None]] = {
            "empty": lambda engine: None, "world": _issue_world}
        self.copies = 0

    def register(self, kind: str, builder: Callable[[Engine], None]) -> None:
        """Declare how to build the template `kind` (idempotent)."""
        self.builders.setdefault(kind, builder)

    def _fill(self, engine: Engine, kind: str) -> None:
        Base.metadata.create_all(engine)
        self.builders[kind](engine)
        clock.set_now(None)

    def _pg_name(self, suffix: str) -> str:
        # each pytest-xdist worker owns its own names, so one never drops another's databases
        worker = os.environ.get("PYTEST_XDIST_WORKER", "")
        base = make_url(self.url).database  # type: ignore[arg-type]
        return f"{base}_{worker}_{suffix}" if worker else f"{base}_{suffix}"

    def _pg_admin(self, sql: str) -> None:
        admin = make_engine(self.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(sql))
        admin.dispose()

    def _pg_engine(self, name: str) -> Engine:
        url = make_url(self.url).set(database=name)  # type: ignore[arg-type]
        return make_engine(url.render_as_string(hide_password=False))

    def _build(self, kind: str) -> None:
        if kind in self.built:
            return
        if self.url is None:
            engine = make_engine(f"sqlite:///{self.root / f'{kind}.db'}")
            self._fill(engine, kind)
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            name = self._pg_name(kind)
            self._pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self._pg_admin(f'CREATE DATABASE "{name}"')
            engine = self._pg_engine(name)
            self._fill(engine, kind)
        engine.dispose()
        self.built.add(kind)

    def fresh(self, kind: str, tmp_path: Path) -> Engine:
        """Return an engine on a new database copied from the `kind` template."""
        self._build(kind)
        if self.url is None:
            shutil.copyfile(self.root / f"{kind}.db", tmp_path / "test.db")
            return make_engine(f"sqlite:///{tmp_path / 'test.db'}")
        # a new name per test: dropping a database a background worker still visits can fail
        self.copies += 1
        name = self._pg_name(f"t{self.copies}")
        self._pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{self._pg_name(kind)}"')
        if self.copies > 1:
            self._drop_quietly(self._pg_name(f"t{self.copies - 1}"))
        return self._pg_engine(name)

    def migrated(self, suffix: str) -> Engine:
        """Return an engine on a new PostgreSQL database whose schema the migrations built
        (row-level-security policies included, which create_all does not make)."""
        from engine.core import schema

        name = self._pg_name(suffix)
        self._pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._pg_admin(f'CREATE DATABASE "{name}"')
        engine = self._pg_engine(name)
        schema.upgrade(engine)
        return engine

    def _drop_quietly(self, name: str) -> None:
        try:
            self._pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except Exception:  # noqa: BLE001 - a leftover copy is dropped by the next run
            pass

    def ensure_base(self) -> None:
        """Create the URL's own database when missing (a per-engineer name, e.g. `..._lead`)."""
        if self.url is None:
            return
        maintenance = make_url(self.url).set(database="postgres")
        admin = make_engine(maintenance.render_as_string(hide_password=False),
                            isolation_level="AUTOCOMMIT")
        name = make_url(self.url).database
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                  {"n": name}).first()
            if exists is None:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()

    def cleanup(self) -> None:
        """Drop the run's PostgreSQL copies and templates (leftovers of a crash included)."""
        if self.url is None:
            return
        admin = make_engine(self.url, isolation_level="AUTOCOMMIT")
        prefix = self._pg_name("")
        with admin.connect() as conn:
            names = conn.execute(text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
                                 {"p": prefix.replace("_", r"\_") + "%"}).scalars().all()
        admin.dispose()
        for name in names:
            self._drop_quietly(name)


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    """The run's template databases."""
    made = Templates(tmp_path_factory.mktemp("templates"))
    made.ensure_base()
    made.cleanup()
    yield made
    made.cleanup()


@pytest.fixture
def db_engine(request: pytest.FixtureRequest, templates: Templates,
              tmp_path: Path) -> Iterator[Engine]:
    """A fresh database: the issued 2026 plan when the test uses `world`, else empty."""
    kind = "world" if "world" in request.fixturenames else "empty"
    engine = templates.fresh(kind, tmp_path)
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
    from engine.demo.actors import make_cast
    from engine.demo.bootstrap import at, province_unit
    from engine.demo.simulation import ISSUE_DAY

    clock.set_now(at(ISSUE_DAY, 7, 30))
    plan = session.scalars(select(Plan)).one()
    return plan, make_cast(session, province_unit(session).id)
