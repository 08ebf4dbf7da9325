"""One page of a longer list, as the admin lists show it (the `pagination` macro reads it)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")
PER_PAGE = 30


@dataclass(frozen=True)
class Page(Generic[T]):
    """The rows of one page, the total count and where we are."""

    rows: tuple[T, ...]
    total: int
    page: int
    pages: int
    per_page: int

    @property
    def first(self) -> int:
        """Return the position of the first row shown (1-based; 0 when empty)."""
        return (self.page - 1) * self.per_page + 1 if self.rows else 0

    @property
    def last(self) -> int:
        """Return the position of the last row shown."""
        return (self.page - 1) * self.per_page + len(self.rows)


def paginate(
    session: Session,
    query: Select[Any],
    page: int,
    convert: Callable[[Any], T],
    per_page: int = PER_PAGE,
) -> Page[T]:
    """Run `query` for one page (clamped to the existing pages) and convert each row."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows: Sequence[Any] = session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(tuple(convert(r) for r in rows), total, page, pages, per_page)
