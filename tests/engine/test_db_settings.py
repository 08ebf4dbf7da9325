"""The SQLite connection settings engine.core.db applies (the page cache's size)."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from engine.core.db import SQLITE_CACHE_MB, make_engine


def cache_kib(folder: Path) -> int:
    engine = make_engine(f"sqlite:///{folder / 'settings.db'}")
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("PRAGMA cache_size")).scalar_one())
    finally:
        engine.dispose()


@pytest.mark.parametrize(("value", "megabytes"), [
    (None, SQLITE_CACHE_MB), ("64", 64), (" 8 ", 8), ("0", SQLITE_CACHE_MB),
    ("2048", SQLITE_CACHE_MB), ("-5", SQLITE_CACHE_MB), ("nhiều", SQLITE_CACHE_MB),
    ("²", SQLITE_CACHE_MB),
])
def test_the_page_cache_is_the_configured_size_or_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str | None, megabytes: int
) -> None:
    if value is None:
        monkeypatch.delenv("PLANCASCADE_SQLITE_CACHE_MB", raising=False)
    else:
        monkeypatch.setenv("PLANCASCADE_SQLITE_CACHE_MB", value)
    assert cache_kib(tmp_path) == -megabytes * 1024
