"""What a database error means, read from real errors of the database under test: a conflict
(someone else wrote first), the database unable to save now, or neither (a fault of ours)."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError

from engine.core import db, db_faults
from engine.core.db import make_engine

CALENDAR_ROW = "INSERT INTO calendar_day (day, kind, name) VALUES ('2026-05-04', 'off', 'Nghỉ')"


def error_of(engine: Engine, act: Callable[[Connection], object]) -> SQLAlchemyError:
    """Return the error `act` raises on a connection of `engine` (rolled back)."""
    with pytest.raises(SQLAlchemyError) as caught, engine.connect() as connection:
        act(connection)
    return caught.value


def meaning(exc: BaseException) -> tuple[bool, bool]:
    """Return (is_conflict, is_unavailable)."""
    return db_faults.is_conflict(exc), db_faults.is_unavailable(exc)


def read_only(connection: Connection) -> None:
    """Write in a read-only transaction (PostgreSQL) or on a query-only connection (SQLite)."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA query_only = ON")
    else:
        connection.execute(text("SET TRANSACTION READ ONLY"))
    connection.execute(text(CALENDAR_ROW))


def twice(connection: Connection) -> None:
    """Insert the same primary key twice."""
    connection.execute(text(CALENDAR_ROW))
    connection.execute(text(CALENDAR_ROW))


def test_a_read_only_database_cannot_save_and_is_no_conflict(db_engine: Engine) -> None:
    assert meaning(error_of(db_engine, read_only)) == (False, True)


def test_a_unique_key_taken_meanwhile_is_a_conflict(db_engine: Engine) -> None:
    assert meaning(error_of(db_engine, twice)) == (True, False)


def test_our_own_faults_are_neither(db_engine: Engine) -> None:
    missing_table = error_of(db_engine, lambda c: c.execute(text("SELECT * FROM no_such_table")))
    null_name = error_of(db_engine, lambda c: c.execute(text(
        "INSERT INTO calendar_day (day, kind, name) VALUES ('2026-05-04', 'off', NULL)")))
    assert meaning(missing_table) == meaning(null_name) == (False, False)
    assert meaning(ValueError("x")) == (False, False)


def test_a_stale_version_is_a_conflict() -> None:
    assert meaning(StaleDataError("expected to update 1 row(s); 0 were matched")) == (True, False)


def test_a_server_nobody_answers_cannot_save() -> None:
    gone = make_engine("postgresql+psycopg://plancascade:x@127.0.0.1:9/x")
    assert meaning(error_of(gone, lambda c: c.execute(text("SELECT 1")))) == (False, True)
    assert db.write_state(gone) == db.UNREACHABLE


def test_another_writer_is_a_conflict(db_engine: Engine) -> None:
    """SQLite: the write lock held elsewhere past the busy timeout; PostgreSQL: a row updated
    by a transaction that committed after this serializable one began."""
    if db_engine.dialect.name == "sqlite":
        impatient = create_engine(db_engine.url, connect_args={"timeout": 0})
        with db_engine.connect() as holder:
            holder.exec_driver_sql("BEGIN IMMEDIATE")
            error = error_of(impatient, lambda c: c.exec_driver_sql("BEGIN IMMEDIATE"))
            holder.rollback()
        impatient.dispose()
    else:
        with db_engine.begin() as setup:
            setup.execute(text(CALENDAR_ROW))
        serial = db_engine.execution_options(isolation_level="SERIALIZABLE")
        with serial.connect() as first, db_engine.connect() as second:
            first.execute(text("SELECT name FROM calendar_day")).all()
            second.execute(text("UPDATE calendar_day SET name = 'Nghỉ bù'"))
            second.commit()
            with pytest.raises(SQLAlchemyError) as caught:
                first.execute(text("UPDATE calendar_day SET name = 'Nghỉ lễ'"))
            error = caught.value
    assert meaning(error) == (True, False)


def test_write_state_tells_writable_from_read_only(db_engine: Engine) -> None:
    assert db.write_state(db_engine) == db.WRITABLE
    refusing = make_engine(db_engine.url.render_as_string(hide_password=False))
    statement = ("PRAGMA query_only = ON" if refusing.dialect.name == "sqlite"
                 else "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")

    def on_connect(dbapi_connection: object, _record: object) -> None:
        cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
        cursor.execute(statement)
        cursor.close()
        if refusing.dialect.name != "sqlite":
            dbapi_connection.commit()  # type: ignore[attr-defined]

    event.listen(refusing, "connect", on_connect)
    assert db.write_state(refusing) == db.READ_ONLY
    refusing.dispose()
