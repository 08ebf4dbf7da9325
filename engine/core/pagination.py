"""Pages of a longer list, the one place where page numbers become limits and offsets.

`paginate` runs a query for one page, `paginate_list` cuts a list already in memory, `window`
runs a query for an API's `limit`/`offset` slice; the `pagination` macro reads a `Page`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, Unpack

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")
AnySelect = Select[Unpack[tuple[Any, ...]]]
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


def _bounds(total: int, page: int, per_page: int) -> tuple[int, int, int]:
    """Return (page, pages, per_page): the page clamped to the existing ones, at least one."""
    per_page = max(1, per_page)
    pages = max(1, -(-total // per_page))
    return min(max(1, page), pages), pages, per_page


def count(session: Session, query: AnySelect) -> int:
    """Return how many rows `query` gives (its order dropped)."""
    return session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def window(
    session: Session, query: AnySelect, convert: Callable[[Any], T], *, limit: int, offset: int
) -> tuple[T, ...]:
    """Run `query` for `limit` rows from `offset` and convert each row."""
    rows: Sequence[Any] = session.execute(query.limit(limit).offset(offset)).all()
    return tuple(convert(r) for r in rows)


def paginate(
    session: Session,
    query: AnySelect,
    page: int,
    convert: Callable[[Any], T],
    per_page: int = PER_PAGE,
    *,
    total: int | None = None,
) -> Page[T]:
    """Run `query` for one page (clamped to the existing pages) and convert each row; `total`,
    when the caller knows how many rows the query gives, spares counting them."""
    if total is None:
        total = count(session, query)
    page, pages, per_page = _bounds(total, page, per_page)
    rows = window(session, query, convert, limit=per_page, offset=(page - 1) * per_page)
    return Page(rows, total, page, pages, per_page)


def paginate_list(items: Sequence[T], page: int, per_page: int = PER_PAGE) -> Page[T]:
    """Cut one page (clamped to the existing pages) out of a list already in memory."""
    page, pages, per_page = _bounds(len(items), page, per_page)
    start = (page - 1) * per_page
    return Page(tuple(items[start : start + per_page]), len(items), page, pages, per_page)
