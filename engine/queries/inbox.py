"""My tasks ("Công việc của tôi"): the filtered, sorted and paginated list of offered tasks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal, TypeVar

from slugify import slugify
from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from engine.core.labels import process_label, role_label
from engine.core.pagination import AnySelect, count, paginate, window
from engine.core.permissions import Actor, offered_filter
from engine.core.text_search import contains_text
from models import HumanTask, HumanTaskStatus, Unit, User

PER_PAGE = 50
SOON_DAYS = 3
SORTS = ("due", "unit", "process")
QUICK_FILTERS = ("today", "overdue")

Urgency = Literal["overdue", "today", "soon", "normal", "none"]
SelectT = TypeVar("SelectT", bound=Select)  # type: ignore[type-arg]


@dataclass(frozen=True)
class InboxQuery:
    """What the user asked to see: filters, sort order and page."""

    process: str | None = None
    unit_text: str | None = None
    quick: str | None = None
    sort: str = "due"
    descending: bool = False
    page: int = 1
    per_page: int = PER_PAGE


@dataclass(frozen=True)
class InboxRow:
    """One task of the inbox as the list shows it."""

    id: int
    title: str
    process_key: str
    process_name: str
    unit_code: str
    unit_name: str
    role: str
    role_name: str
    form_key: str
    due_date: date | None
    urgency: Urgency
    claimed_by_me: bool
    claimed_by_name: str | None


@dataclass(frozen=True)
class ProcessCount:
    """How many of my tasks belong to one process (for the filter list)."""

    key: str
    name: str
    count: int


@dataclass(frozen=True)
class InboxPage:
    """One page of the inbox with the counts shown above it."""

    rows: tuple[InboxRow, ...]
    total: int
    all_count: int
    due_today: int
    overdue: int
    soon: int
    processes: tuple[ProcessCount, ...]
    page: int
    pages: int
    per_page: int


def urgency(due: date | None, today: date) -> Urgency:
    """Return how pressing a due date is: overdue, due today ("Hạn hôm nay", not "soon"), within
    the next SOON_DAYS, later, or no date."""
    if due is None:
        return "none"
    if due < today:
        return "overdue"
    if due == today:
        return "today"
    if due <= today + timedelta(days=SOON_DAYS):
        return "soon"
    return "normal"


def _offered(actor: Actor) -> list[ColumnElement[bool]]:
    """Return the conditions of the tasks offered to `actor` (claimed by others excluded)."""
    return [HumanTask.status == HumanTaskStatus.READY, offered_filter(actor)]


def _unit_condition(text: str) -> ColumnElement[bool]:
    """Match a unit by its name, or by its ASCII code so "muong la" finds "Mường La"."""
    slug = slugify(text)
    clauses = [contains_text(Unit.name, text)]
    if slug:
        clauses.append(contains_text(Unit.code, slug))
    return or_(*clauses)


def _narrowing(query: InboxQuery) -> list[ColumnElement[bool]]:
    """Return the conditions the user's filters (process, unit) add to the offered tasks."""
    conditions: list[ColumnElement[bool]] = []
    if query.process:
        conditions.append(HumanTask.process_key == query.process)
    text = (query.unit_text or "").strip()
    if text:
        conditions.append(_unit_condition(text))
    return conditions


def _quick(query: InboxQuery, today: date) -> list[ColumnElement[bool]]:
    if query.quick == "today":
        return [HumanTask.due_date == today]
    if query.quick == "overdue":
        return [HumanTask.due_date < today]
    return []


def _ordered(stmt: SelectT, query: InboxQuery) -> SelectT:
    """Apply the requested order, always ending on the id so pages are stable."""
    due = HumanTask.due_date.desc() if query.descending else HumanTask.due_date.asc()
    first = {"unit": Unit.code, "process": HumanTask.process_key}.get(query.sort)
    keys: list[Any] = []
    if first is not None:
        keys.append(first.desc() if query.descending else first.asc())
        due = HumanTask.due_date.asc()
    keys += [HumanTask.due_date.is_(None), due, HumanTask.id]
    return stmt.order_by(*keys)


@dataclass(frozen=True)
class _Counts:
    all: int  # every task offered, whatever the filters
    listed: int  # those the filters keep, before the quick filter
    due_today: int
    overdue: int
    soon: int


def _counts(session: Session, actor: Actor, narrowing: list[ColumnElement[bool]],
            today: date) -> _Counts:
    """Count the offered tasks, those `narrowing` keeps and their urgencies in one statement."""

    def kept(*conditions: ColumnElement[bool]) -> Any:
        wanted = narrowing + list(conditions)
        return func.count(case((and_(*wanted), 1))) if wanted else func.count(HumanTask.id)

    row = session.execute(
        select(
            func.count(HumanTask.id),
            kept(),
            kept(HumanTask.due_date == today),
            kept(HumanTask.due_date < today),
            kept(HumanTask.due_date > today,
                 HumanTask.due_date <= today + timedelta(days=SOON_DAYS)),
        )
        .join(Unit, Unit.id == HumanTask.unit_id)
        .where(*_offered(actor))
    ).one()
    return _Counts(*(int(n or 0) for n in row))


def _process_counts(session: Session, actor: Actor) -> tuple[ProcessCount, ...]:
    rows = session.execute(
        select(HumanTask.process_key, func.count(HumanTask.id))
        .where(*_offered(actor))
        .group_by(HumanTask.process_key)
        .order_by(HumanTask.process_key)
    )
    return tuple(ProcessCount(key, process_label(key), number) for key, number in rows)


def _row(task: HumanTask, unit: Unit, claimer: str | None, actor: Actor, today: date) -> InboxRow:
    return InboxRow(
        id=task.id,
        title=task.title,
        process_key=task.process_key,
        process_name=process_label(task.process_key),
        unit_code=unit.code,
        unit_name=unit.name,
        role=task.role,
        role_name=role_label(task.role),
        form_key=task.form_key,
        due_date=task.due_date,
        urgency=urgency(task.due_date, today),
        claimed_by_me=task.claimed_by_id == actor.user_id,
        claimed_by_name=claimer,
    )


def _statement(query: InboxQuery, conditions: list[ColumnElement[bool]]) -> AnySelect:
    """Return the ordered select of the tasks meeting `conditions`, with unit and claimer."""
    stmt = (
        select(HumanTask, Unit, User.full_name)
        .join(Unit, Unit.id == HumanTask.unit_id)
        .outerjoin(User, User.id == HumanTask.claimed_by_id)
        .where(*conditions)
    )
    return _ordered(stmt, query)


def _converter(actor: Actor, today: date) -> Callable[[Any], InboxRow]:
    return lambda record: _row(record[0], record[1], record[2], actor, today)


def search(session: Session, actor: Actor, query: InboxQuery, today: date) -> InboxPage:
    """Return one page of the tasks offered to `actor` with the counts the list shows."""
    narrowing = _narrowing(query)
    counts = _counts(session, actor, narrowing, today)
    listed = {"today": counts.due_today, "overdue": counts.overdue}.get(query.quick or "",
                                                                       counts.listed)
    stmt = _statement(query, _offered(actor) + narrowing + _quick(query, today))
    found = paginate(session, stmt, query.page, _converter(actor, today), query.per_page,
                     total=listed)
    return InboxPage(
        rows=found.rows,
        total=found.total,
        all_count=counts.all,
        due_today=counts.due_today,
        overdue=counts.overdue,
        soon=counts.soon,
        processes=_process_counts(session, actor),
        page=found.page,
        pages=found.pages,
        per_page=found.per_page,
    )


def offered(
    session: Session, actor: Actor, today: date, *, limit: int, offset: int
) -> tuple[tuple[InboxRow, ...], int]:
    """Return `limit` of the tasks offered to `actor` from `offset`, in the inbox's default
    order (unfiltered), and how many there are in all (the API's limit/offset paging)."""
    stmt = _statement(InboxQuery(), _offered(actor))
    rows = window(session, stmt, _converter(actor, today), limit=limit, offset=offset)
    return rows, count(session, stmt)
