"""Dated substitutes (ủy quyền): while a user is away, a colleague of the same unit acts for them.

The grants a substitution gives are computed in engine.core.permissions.actor_for; this module
creates, lists and revokes them, with Vietnamese checks, and audits every change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, aliased

from engine.core import audit, clock
from engine.core.errors import FieldErrors, NotFoundError
from engine.core.formatting import parse_date
from engine.core.labels import SUBSTITUTION_STATE_LABELS
from engine.core.pagination import Page, paginate
from engine.core.text_search import contains_text
from models import Substitution, Unit, User

State = Literal["upcoming", "active", "ended"]


@dataclass(frozen=True)
class SubstitutionRow:
    """One substitution as the list shows it."""

    id: int
    absent_id: int
    absent_name: str
    substitute_id: int
    substitute_name: str
    unit_name: str
    starts_on: date
    ends_on: date
    state: State

    @property
    def state_label(self) -> str:
        """Return the Vietnamese name of the state."""
        return SUBSTITUTION_STATE_LABELS[self.state]


def _state(row: Substitution, today: date) -> State:
    if row.ends_on < today:
        return "ended"
    return "upcoming" if row.starts_on > today else "active"


def _statement(text: str | None, include_ended: bool, today: date) -> Select:  # type: ignore[type-arg]
    absent, substitute = aliased(User), aliased(User)
    stmt = (
        select(Substitution, absent.full_name, substitute.full_name, Unit.name)
        .join(absent, absent.id == Substitution.absent_user_id)
        .join(substitute, substitute.id == Substitution.substitute_user_id)
        .join(Unit, Unit.id == absent.unit_id)
        .order_by(Substitution.starts_on.desc(), Substitution.id.desc())
    )
    if not include_ended:
        stmt = stmt.where(Substitution.ends_on >= today)
    if text:
        stmt = stmt.where(
            or_(
                contains_text(absent.full_name, text),
                contains_text(absent.username, text),
                contains_text(substitute.full_name, text),
                contains_text(substitute.username, text),
                contains_text(Unit.name, text),
            )
        )
    return stmt


def search(
    session: Session,
    text: str | None = None,
    include_ended: bool = False,
    page: int = 1,
    today: date | None = None,
) -> Page[SubstitutionRow]:
    """Return one page of substitutions (current and upcoming unless `include_ended`)."""
    day = today or clock.today()
    return paginate(session, _statement(text, include_ended, day), page, lambda r: _convert(r, day))


def _convert(record: Any, today: date) -> SubstitutionRow:
    row, absent_name, substitute_name, unit_name = record
    return SubstitutionRow(
        id=row.id,
        absent_id=row.absent_user_id,
        absent_name=absent_name,
        substitute_id=row.substitute_user_id,
        substitute_name=substitute_name,
        unit_name=unit_name,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        state=_state(row, today),
    )


def _person(session: Session, user_id: int | None) -> User | None:
    user = session.get(User, user_id) if user_id is not None else None
    return user if user is not None and user.active else None


def _check_people(
    session: Session, absent_id: int | None, substitute_id: int | None
) -> tuple[dict[str, str], User | None]:
    errors: dict[str, str] = {}
    absent, substitute = _person(session, absent_id), _person(session, substitute_id)
    if absent is None:
        errors["absent_user_id"] = "Vui lòng chọn người vắng mặt (tài khoản đang hoạt động)"
    if substitute is None:
        errors["substitute_user_id"] = (
            "Vui lòng chọn người được ủy quyền (tài khoản đang hoạt động)"
        )
    elif absent is not None and substitute.id == absent.id:
        errors["substitute_user_id"] = "Người được ủy quyền phải khác người vắng mặt"
    elif absent is not None and substitute.unit_id != absent.unit_id:
        errors["substitute_user_id"] = "Người được ủy quyền phải cùng đơn vị với người vắng mặt"
    return errors, absent


def _check_dates(starts: date | None, ends: date | None, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if starts is None:
        errors["starts_on"] = "Ngày bắt đầu chưa đúng định dạng dd/mm/yyyy"
    if ends is None:
        errors["ends_on"] = "Ngày kết thúc chưa đúng định dạng dd/mm/yyyy"
    if starts and ends and ends < starts:
        errors["ends_on"] = "Ngày kết thúc phải từ ngày bắt đầu trở đi"
    elif ends and ends < today:
        errors["ends_on"] = "Thời gian ủy quyền đã qua; ngày kết thúc phải từ hôm nay trở đi"
    return errors


def _overlap(session: Session, absent_id: int, starts: date, ends: date) -> Substitution | None:
    return session.scalars(
        select(Substitution).where(
            Substitution.absent_user_id == absent_id,
            Substitution.starts_on <= ends,
            Substitution.ends_on >= starts,
        )
    ).first()


def create(
    session: Session,
    actor_id: int,
    absent_id: int | None,
    substitute_id: int | None,
    starts_on: str | date | None,
    ends_on: str | date | None,
    today: date | None = None,
) -> SubstitutionRow:
    """Record that `substitute_id` acts for `absent_id` from `starts_on` to `ends_on` inclusive."""
    day = today or clock.today()
    starts, ends = parse_date(starts_on), parse_date(ends_on)
    errors, absent = _check_people(session, absent_id, substitute_id)
    errors |= _check_dates(starts, ends, day)
    if not errors and absent is not None and starts and ends:
        clash = _overlap(session, absent.id, starts, ends)
        if clash is not None:
            errors["starts_on"] = (
                f"{absent.full_name} đã có ủy quyền từ {clash.starts_on:%d/%m/%Y} đến "
                f"{clash.ends_on:%d/%m/%Y}, trùng với khoảng thời gian này"
            )
    if errors:
        raise FieldErrors(errors)
    assert absent is not None and starts is not None and ends is not None
    row = Substitution(
        absent_user_id=absent.id,
        substitute_user_id=substitute_id,
        starts_on=starts,
        ends_on=ends,
        created_by_id=actor_id,
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        "substitution.created",
        actor_id=actor_id,
        unit_id=absent.unit_id,
        substitution_id=row.id,
        absent_user_id=absent.id,
        substitute_user_id=substitute_id,
        starts_on=starts.isoformat(),
        ends_on=ends.isoformat(),
    )
    return _one(session, row.id, day)


def _one(session: Session, substitution_id: int, today: date) -> SubstitutionRow:
    record = session.execute(
        _statement(None, True, today).where(Substitution.id == substitution_id)
    ).first()
    if record is None:
        raise NotFoundError("Không tìm thấy ủy quyền")
    return _convert(record, today)


def revoke(session: Session, actor_id: int, substitution_id: int) -> SubstitutionRow:
    """Withdraw a substitution (the audit trail keeps what it was)."""
    shown = _one(session, substitution_id, clock.today())
    row = session.get(Substitution, substitution_id)
    assert row is not None
    absent = session.get(User, row.absent_user_id)
    session.delete(row)
    audit.record(
        session,
        "substitution.revoked",
        actor_id=actor_id,
        unit_id=absent.unit_id if absent else None,
        substitution_id=substitution_id,
        absent_user_id=row.absent_user_id,
        substitute_user_id=row.substitute_user_id,
        starts_on=row.starts_on.isoformat(),
        ends_on=row.ends_on.isoformat(),
    )
    session.flush()
    return shown
