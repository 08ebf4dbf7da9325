"""The province's working-day calendar: national holidays plus the stored overrides."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.clock import BUSINESS_TZ, end_of_day
from engine.core.workcalendar import WorkCalendar
from models import CalendarDay

OFFICE_OPENS = time(8, 0)


def load(session: Session) -> WorkCalendar:
    """Return the calendar with the province's overrides applied."""
    rows = session.scalars(select(CalendarDay)).all()
    return WorkCalendar.from_overrides(
        {"date": r.day, "kind": r.kind, "name": r.name} for r in rows
    )


def morning(day: date) -> datetime:
    """Return 08:00 of `day` in Asia/Ho_Chi_Minh, when reminders go out."""
    return datetime.combine(day, OFFICE_OPENS, tzinfo=BUSINESS_TZ)


def deadline_schedule(
    calendar: WorkCalendar, due: date, reminder_days_before: int, grace_days: int
) -> dict[str, str]:
    """Return the timer moments of a deadline as ISO strings with +07:00.

    reminder_at: 08:00, `reminder_days_before` working days before the due date;
    due_at: 08:00 of the due date; escalate_at: 08:00, `grace_days` working days after it
    (or one second after the due date ends when there is no grace period).
    """
    reminder = morning(
        calendar.add_working_days(due, -reminder_days_before) if reminder_days_before else due
    )
    if grace_days > 0:
        escalate = morning(calendar.add_working_days(due, grace_days))
    else:
        escalate = end_of_day(due) + timedelta(seconds=1)
    return {
        "due_date": due.isoformat(),
        "reminder_at": reminder.isoformat(),
        "due_at": morning(due).isoformat(),
        "escalate_at": escalate.isoformat(),
    }
