"""Search boxes: what a person types is looked for literally — `%` and `_` are characters, not
SQL LIKE wildcards — so a unit named "Tỷ lệ 100%" or a username "a_b" finds only itself."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement


def contains_text(column: Any, text: str) -> ColumnElement[bool]:
    """Match rows whose `column` holds `text` anywhere, ignoring case, wildcards escaped."""
    condition: ColumnElement[bool] = column.icontains(text.strip(), autoescape=True)
    return condition
