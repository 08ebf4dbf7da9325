"""The government's statuses of a deadline-bearing stage, computed in this one place."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

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
        if due is None or business_date(submitted_at) <= due:
            return StageStatus.DONE_ON_TIME
        return StageStatus.DONE_LATE
    if not started:
        return StageStatus.NOT_STARTED
    if due is not None and business_date(now) > due:
        return StageStatus.OVERDUE
    return StageStatus.IN_PROGRESS
