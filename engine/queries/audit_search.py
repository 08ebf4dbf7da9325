"""The audit trail as its page searches it: every state change with who acted (and for whom,
when a substitute acted), when, what, in which unit and instance, and the comment written;
filtered by unit, person, kind of event and a date range; newest first, in pages.

Unit and person are matched as the matrix matches names (contained, case and spacing ignored),
in Python over the unit and account tables: what the user types is text, never a pattern, so
`%` and `_` are themselves, and "đinh" finds "Đinh" on SQLite too. Who may read the trail is
`permissions.may_read_audit`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from engine.core.audit import REWRITABLE_ACTIONS
from engine.core.clock import BUSINESS_TZ
from engine.core.collation import fold
from engine.core.errors import NotFoundError
from engine.core.formatting import format_date, parse_date
from engine.core.labels import AUDIT_ACTION_LABELS, audit_action_label, process_label, round_label
from engine.core.pagination import AnySelect, Page, paginate
from engine.core.permissions import Actor, may_read_audit
from engine.queries.instance_views import describe
from engine.queries.thread import SYSTEM_NAME
from models import AuditEvent, HumanTask, ProcessInstance, Unit, User

PER_PAGE = 50
MAX_EXPORT_ROWS = 10_000  # an export is built in the request: ~2 s at this size
MAX_TEXT = 100
# Actions whose `reason` a person typed (other reasons are codes the description explains).
TYPED_REASONS = frozenset(
    {"instance.suspended", "instance.cancelled", "plan.withdrawn", "task.released"}
)
BAD_DATE = "Ngày không hợp lệ; hãy nhập theo dạng ngày/tháng/năm, ví dụ 05/03/2026."


@dataclass(frozen=True)
class AuditQuery:
    """What to look for: every criterion given must hold (empty text and None match all)."""

    unit: str = ""
    person: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None
    problems: dict[str, str] = field(default_factory=dict)  # field → why it was left out

    @property
    def empty(self) -> bool:
        """Tell whether nothing narrows the search."""
        return not (self.unit or self.person or self.action or self.date_from or self.date_to)


def read_query(
    unit: str | None = None,
    person: str | None = None,
    action: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
) -> AuditQuery:
    """Build a query from what the user typed (dates as dd/mm/yyyy or ISO); a date that cannot
    be read is left out and named in `problems`."""
    problems: dict[str, str] = {}
    dates: list[date | None] = []
    for name, text in (("date_from", date_from), ("date_to", date_to)):
        value = parse_date(text) if (text or "").strip() else None
        if (text or "").strip() and value is None:
            problems[name] = BAD_DATE
        dates.append(value)
    return AuditQuery(
        unit=(unit or "").strip()[:MAX_TEXT],
        person=(person or "").strip()[:MAX_TEXT],
        action=(action or "").strip()[:60],
        date_from=dates[0],
        date_to=dates[1],
        problems=problems,
    )


def describe_filters(query: AuditQuery) -> list[str]:
    """Return the filters applied, in Vietnamese (the workbook's title rows say them)."""
    parts = []
    if query.unit:
        parts.append(f"Đơn vị: “{query.unit}”")
    if query.person:
        parts.append(f"Người thực hiện: “{query.person}”")
    if query.action:
        parts.append(f"Loại sự kiện: {audit_action_label(query.action)}")
    if query.date_from:
        parts.append(f"Từ ngày: {format_date(query.date_from)}")
    if query.date_to:
        parts.append(f"Đến ngày: {format_date(query.date_to)}")
    return parts


@dataclass(frozen=True)
class AuditRow:
    """One event as the page and the workbook show it."""

    id: int
    at: datetime
    actor: str
    on_behalf_of: str
    action: str
    action_label: str
    what: str
    detail: str
    unit_code: str
    unit_name: str
    instance_id: int | None
    instance_label: str
    comment: str


def action_choices(session: Session) -> tuple[tuple[str, str], ...]:
    """Return (code, Vietnamese name) of every kind of event there is, by name."""
    present = set(session.scalars(select(AuditEvent.action).distinct()))
    codes = (present | set(AUDIT_ACTION_LABELS)) - REWRITABLE_ACTIONS
    return tuple(sorted(((c, audit_action_label(c)) for c in codes), key=lambda c: fold(c[1])))


def _contains(text: str, *values: str | None) -> bool:
    wanted = fold(text)
    return any(wanted in fold(v) for v in values if v)


def _unit_ids(session: Session, text: str) -> list[int]:
    rows = session.execute(select(Unit.id, Unit.code, Unit.name))
    return [i for i, code, name in rows if _contains(text, code, name)]


def _user_ids(session: Session, text: str) -> list[int]:
    rows = session.execute(select(User.id, User.username, User.full_name))
    return [i for i, username, name in rows if _contains(text, username, name)]


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=BUSINESS_TZ)


def _conditions(session: Session, query: AuditQuery) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = [AuditEvent.action.not_in(REWRITABLE_ACTIONS)]
    if query.unit:
        found.append(AuditEvent.unit_id.in_(_unit_ids(session, query.unit)))
    if query.person:
        found.append(AuditEvent.actor_id.in_(_user_ids(session, query.person)))
    if query.action:
        found.append(AuditEvent.action == query.action)
    if query.date_from:
        found.append(AuditEvent.at >= _start_of(query.date_from))
    if query.date_to:
        found.append(AuditEvent.at < _start_of(query.date_to + timedelta(days=1)))
    return found


def _statement(session: Session, query: AuditQuery) -> AnySelect:
    return (
        select(
            AuditEvent, User.username, User.full_name, Unit.code, Unit.name,
            ProcessInstance.process_key, ProcessInstance.round_key, HumanTask.title,
        )
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .outerjoin(Unit, Unit.id == AuditEvent.unit_id)
        .outerjoin(ProcessInstance, ProcessInstance.id == AuditEvent.instance_id)
        .outerjoin(HumanTask, HumanTask.id == AuditEvent.human_task_id)
        .where(*_conditions(session, query))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )


def _person(username: str | None, name: str | None) -> str:
    if username is None:
        return ""
    return f"{name} ({username})" if name else username


def _people(session: Session, events: Iterable[AuditEvent]) -> dict[int, str]:
    """Return the names of the accounts the events' details refer to (one query)."""
    ids: set[int] = set()
    for event in events:
        details = event.details or {}
        for key in ("on_behalf_of", "user_id", "absent_user_id", "substitute_user_id"):
            if isinstance(details.get(key), int):
                ids.add(details[key])
    if not ids:
        return {}
    rows = session.execute(
        select(User.id, User.username, User.full_name).where(User.id.in_(ids))
    )
    return {i: _person(username, name) for i, username, name in rows}


def _subject(action: str, details: dict[str, Any], names: dict[int, str]) -> str:
    """Return whom or what an event without an instance was about, in Vietnamese."""
    if action.startswith("substitution."):
        substitute = names.get(details.get("substitute_user_id") or 0, "")
        absent = names.get(details.get("absent_user_id") or 0, "")
        period = f"{format_date(details.get('starts_on'))}–{format_date(details.get('ends_on'))}"
        return f"{substitute} thay {absent}, {period}"
    if action.startswith("user.") and details.get("user_id") in names:
        return f"Tài khoản {names[details['user_id']]}"
    if details.get("round"):
        return round_label(str(details["round"]))
    if details.get("year"):
        return f"Năm {details['year']}"
    return ""


def _comment(action: str, details: dict[str, Any]) -> str:
    if details.get("comment"):
        return str(details["comment"])
    return str(details.get("reason") or "") if action in TYPED_REASONS else ""


def _instance_label(process_key: str | None, round_key: str | None) -> str:
    if process_key is None:
        return ""
    label = process_label(process_key)
    return f"{label} — {round_label(round_key)}" if round_key else label


def _rows(session: Session, records: Sequence[Any]) -> tuple[AuditRow, ...]:
    names = _people(session, (r[0] for r in records))
    rows = []
    for event, username, name, code, unit_name, process_key, round_key, title in records:
        details = event.details or {}
        what, detail = describe(event.action, details, title or "")
        on_behalf = details.get("on_behalf_of")
        rows.append(AuditRow(
            id=event.id,
            at=event.at,
            actor=_person(username, name) or SYSTEM_NAME,
            on_behalf_of=names.get(on_behalf, "") if isinstance(on_behalf, int) else "",
            action=event.action,
            action_label=audit_action_label(event.action),
            what=what,
            detail=detail or _subject(event.action, details, names),
            unit_code=code or "",
            unit_name=unit_name or "",
            instance_id=event.instance_id,
            instance_label=_instance_label(process_key, round_key),
            comment=_comment(event.action, details),
        ))
    return tuple(rows)


def _require(actor: Actor) -> None:
    if not may_read_audit(actor):
        raise NotFoundError("Không tìm thấy trang")


def search(
    session: Session, actor: Actor, query: AuditQuery, page: int = 1, per_page: int = PER_PAGE
) -> Page[AuditRow]:
    """Return one page of the events matching `query`, newest first."""
    _require(actor)
    found = paginate(session, _statement(session, query), page, lambda r: r, per_page)
    return Page(_rows(session, found.rows), found.total, found.page, found.pages, found.per_page)


def export_rows(
    session: Session, actor: Actor, query: AuditQuery, limit: int = MAX_EXPORT_ROWS
) -> tuple[tuple[AuditRow, ...], int]:
    """Return the newest `limit` events matching `query` and how many match in all."""
    _require(actor)
    found = paginate(session, _statement(session, query), 1, lambda r: r, limit)
    return _rows(session, found.rows), found.total

