"""What a database error means: someone else wrote first (a conflict: reload, retry or skip),
or the database cannot write now (read-only, full, unreachable: nothing was saved, try later).

Everything else is a programming error and stays one. Codes are read from the driver's error
(PostgreSQL's SQLSTATE, SQLite's result code), never from its English message.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm.exc import StaleDataError

UNAVAILABLE_MESSAGE = (
    "Hệ thống chưa lưu được dữ liệu; không có gì bị mất. Vui lòng thử lại sau ít phút."
)

# SQLSTATEs: serialization failure, deadlock, lock not available, unique violation.
CONFLICT_SQLSTATES = frozenset({"40001", "40P01", "55P03", "23505"})
# SQLSTATE classes and codes: connection lost or refused (08), read-only transaction (25006),
# disk full or out of memory or connections (53), server shutting down (57P), I/O error (58).
UNAVAILABLE_SQLSTATES = ("08", "25006", "53", "57P", "58")
# SQLite primary result codes: BUSY and LOCKED (another writer), CONSTRAINT (with a unique key).
SQLITE_CONFLICTS = frozenset({5, 6})
SQLITE_UNIQUE = frozenset({2067, 1555})  # SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY
# PERM, NOMEM, READONLY, IOERR, FULL, CANTOPEN.
SQLITE_UNAVAILABLE = frozenset({3, 7, 8, 10, 13, 14})


def _codes(exc: BaseException) -> tuple[str | None, int | None]:
    """Return the driver's (SQLSTATE, SQLite extended code) of a wrapped DBAPI error."""
    orig = exc.orig if isinstance(exc, DBAPIError) else None
    return getattr(orig, "sqlstate", None), getattr(orig, "sqlite_errorcode", None)


def is_conflict(exc: BaseException) -> bool:
    """Tell whether `exc` means another transaction changed or locked the same rows first."""
    if isinstance(exc, StaleDataError):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    sqlstate, sqlite_code = _codes(exc)
    if sqlstate is not None:
        return sqlstate in CONFLICT_SQLSTATES
    if sqlite_code is not None:
        return sqlite_code & 0xFF in SQLITE_CONFLICTS or sqlite_code in SQLITE_UNIQUE
    return False


def is_unavailable(exc: BaseException) -> bool:
    """Tell whether `exc` means the database cannot save now: read-only, full, or unreachable."""
    if isinstance(exc, PoolTimeoutError):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    sqlstate, sqlite_code = _codes(exc)
    if sqlstate is not None:
        return sqlstate.startswith(UNAVAILABLE_SQLSTATES)
    if sqlite_code is not None:
        return sqlite_code & 0xFF in SQLITE_UNAVAILABLE
    # psycopg reports a refused, closed or broken connection without a SQLSTATE
    return isinstance(exc, OperationalError | InterfaceError)
