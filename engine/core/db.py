"""Database engines and sessions: SQLite (WAL) by default, PostgreSQL in production; taking
SQLite's write lock up front, and probing whether the database can write at all."""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from engine.core import db_faults
from engine.core.paths import INSTANCE_DIR

WRITABLE, READ_ONLY, UNREACHABLE = "writable", "read_only", "unreachable"


def default_url() -> str:
    """Return DATABASE_URL, or the SQLite file in the instance folder."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{INSTANCE_DIR / 'plancascade.db'}"


SQLITE_CACHE_MB = 16  # SQLite's page cache per connection (its own default: 2 MB)


def sqlite_cache_mb() -> int:
    """Return PLANCASCADE_SQLITE_CACHE_MB (1–1024), or the default when unset or not such a
    number. Each connection holds up to this much: 16 MB keeps a province's working set;
    at 64 MB the year's simulation at 3,400 units held 215 MB, at 16 MB 161 MB."""
    text = os.environ.get("PLANCASCADE_SQLITE_CACHE_MB", "").strip()
    return int(text) if text.isdecimal() and 1 <= int(text) <= 1024 else SQLITE_CACHE_MB


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute(f"PRAGMA cache_size=-{sqlite_cache_mb() * 1024}")  # in KiB when negative
    cursor.close()


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """Create an Engine for `url` (default: default_url()) with the pragmas we rely on."""
    url = url or default_url()
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    if url.startswith("postgresql"):
        kwargs.setdefault("pool_pre_ping", True)  # a restarted server costs no request an error
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory bound to `engine` (objects stay usable after commit)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def begin_write(session: Session) -> None:
    """Start the session's next transaction holding SQLite's write lock (BEGIN IMMEDIATE).

    SQLite's driver begins a transaction only at the first write, so rows read before it may
    be overwritten by another process meanwhile; taking the lock first (waiting up to the busy
    timeout) makes what the transaction reads what it writes over. PostgreSQL locks rows
    instead (SELECT … FOR UPDATE); inside a transaction already begun this does nothing.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    if not getattr(connection.connection.driver_connection, "in_transaction", True):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def probe_write(connection: Connection) -> None:
    """Try a write that changes no row, in a transaction rolled back; raise when it cannot.

    Both databases refuse the statement itself when read-only (SQLite's file or `query_only`,
    PostgreSQL's `transaction_read_only`), whether or not a row matches.
    """
    try:
        connection.execute(text("UPDATE calendar_day SET name = name WHERE 1 = 0"))
    finally:
        connection.rollback()


def write_state(engine: Engine) -> str:
    """Say whether the database can save now: WRITABLE, READ_ONLY (it answers but refuses to
    write: a read-only file, transaction or server) or UNREACHABLE. A full disk shows only at
    the first write that needs room (which then answers 503)."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            try:
                probe_write(connection)
            except SQLAlchemyError as exc:
                if db_faults.is_conflict(exc):  # busy with another writer: it does write
                    return WRITABLE
                if db_faults.is_unavailable(exc):
                    return READ_ONLY
                raise
    except SQLAlchemyError as exc:
        if db_faults.is_unavailable(exc):
            return UNREACHABLE
        raise
    return WRITABLE
