"""The government's statuses of a deadline-bearing stage, computed in this one place: in Python
from a stage's record (`stage_status`), and in SQL over the facts of the stage-status
projection (`status_case`, the same rules with today bound as a parameter)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, case, null, or_

from engine.core.workcalendar import business_date


class StageStatus(StrEnum):
    """Statuses used in the supervision matrix, reports and rankings."""

    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    IN_PROGRESS = "in_progress"
    OVERDUE = "overdue"
    NOT_STARTED = "not_started"


def stage_status(
    *, started: bool, due: date | None, submitted_at: datetime | None, now: datetime
) -> StageStatus:
    """Return the status of a stage from its deadline, its submission time and now.

    "Late" means submitted after 23:59:59 (Asia/Ho_Chi_Minh) of the due date.
    """
    if submitted_at is not None:
        return StageStatus.DONE_LATE if is_late(due, submitted_at) else StageStatus.DONE_ON_TIME
    if not started:
        return StageStatus.NOT_STARTED
    if due is not None and business_date(now) > due:
        return StageStatus.OVERDUE
    return StageStatus.IN_PROGRESS


def is_late(due: date | None, submitted_at: datetime | None) -> bool:
    """Tell whether a submission came after its due date (a business date, Asia/Ho_Chi_Minh)."""
    return submitted_at is not None and due is not None and business_date(submitted_at) > due


def status_case(
    *,
    recorded: ColumnElement[bool],
    started: ColumnElement[bool],
    due: ColumnElement[date | None],
    submitted_at: ColumnElement[datetime | None],
    late: ColumnElement[bool],
    today: date | ColumnElement[date],
) -> ColumnElement[str | None]:
    """Return the SQL status of a stage from the projection's facts, as `stage_status` says.

    A stage with neither record nor instance has no status, except "not started" while its
    deadline is still ahead (the matrix's rule for a stage nobody began); `late` holds
    `is_late` computed when the facts were written. `today` may be a bound parameter, so that
    the expression is built once.
    """
    ahead = and_(due.is_not(None), due >= today)
    return case(
        (~or_(recorded, started), case((ahead, StageStatus.NOT_STARTED.value), else_=null())),
        (submitted_at.is_not(None), case(
            (late, StageStatus.DONE_LATE.value), else_=StageStatus.DONE_ON_TIME.value)),
        (~started, StageStatus.NOT_STARTED.value),
        (and_(due.is_not(None), due < today), StageStatus.OVERDUE.value),
        else_=StageStatus.IN_PROGRESS.value,
    )
