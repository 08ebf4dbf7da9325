"""A storage for the `limits` rate limiter in the application's own database.

`limits` ships memory (one process), Redis, Memcached and MongoDB storages. The memory one
would give every gunicorn worker its own count; this one keeps fixed-window counters in the
`rate_limit_counter` table, so every worker and every machine on the database share them,
with no other server to run. Each call is its own short transaction (an atomic upsert), apart
from the request's session: a request that fails and rolls back still counts.
Select it with the URI `plancascade-db://` and the option `engine` (a SQLAlchemy Engine).
"""

from __future__ import annotations

import time
from typing import Any

from limits.storage import Storage
from sqlalchemy import Engine, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from models import RateLimitCounter

SCHEME = "plancascade-db"


class DatabaseStorage(Storage):
    """Fixed-window counters in the `rate_limit_counter` table (SQLite or PostgreSQL)."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False,
                 **options: Any) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        engine = options.get("engine")
        if not isinstance(engine, Engine):
            raise ValueError(f"{SCHEME}:// needs the option engine=<sqlalchemy Engine>")
        self.engine = engine

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        """Return the errors the database may raise."""
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to the counter of `key` (a new window when the last one ended)."""
        now = time.time()
        insert = (postgresql.insert if self.engine.dialect.name == "postgresql"
                  else sqlite.insert)
        ended = RateLimitCounter.expires_at <= now
        statement = insert(RateLimitCounter).values(
            key=key, count=amount, expires_at=now + expiry,
        ).on_conflict_do_update(
            index_elements=[RateLimitCounter.key],
            set_={"count": case((ended, amount), else_=RateLimitCounter.count + amount),
                  "expires_at": case((ended, now + expiry), else_=RateLimitCounter.expires_at)},
        ).returning(RateLimitCounter.count)
        with self.engine.begin() as connection:
            count = int(connection.execute(statement).scalar_one())
        self._forget_ended(now)
        return count

    def _forget_ended(self, now: float) -> None:
        """Drop ended windows, so the table holds live counters only (best effort)."""
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    delete(RateLimitCounter).where(RateLimitCounter.expires_at <= now))
        except SQLAlchemyError:
            pass  # another worker is dropping them too; the next call tries again

    def get(self, key: str) -> int:
        """Return the counter of `key` in its current window (0 when none)."""
        with self.engine.connect() as connection:
            count = connection.execute(
                select(RateLimitCounter.count).where(RateLimitCounter.key == key,
                                             RateLimitCounter.expires_at > time.time())
            ).scalar()
        return int(count or 0)

    def get_expiry(self, key: str) -> float:
        """Return when the window of `key` ends (seconds since the epoch)."""
        with self.engine.connect() as connection:
            expires = connection.execute(
                select(RateLimitCounter.expires_at).where(RateLimitCounter.key == key)).scalar()
        now = time.time()
        return float(expires) if expires is not None and expires > now else now

    def check(self) -> bool:
        """Tell whether the database answers."""
        try:
            with self.engine.connect() as connection:
                connection.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        """Forget every counter; return how many there were."""
        with self.engine.begin() as connection:
            return int(connection.execute(delete(RateLimitCounter)).rowcount)

    def clear(self, key: str) -> None:
        """Forget the counter of `key`."""
        with self.engine.begin() as connection:
            connection.execute(delete(RateLimitCounter).where(RateLimitCounter.key == key))

