"""The reporting rounds of a plan and their dates (data, never hard-coded)."""

from __future__ import annotations

from datetime import date, timedelta

from engine.core import calendars
from engine.core.workcalendar import WorkCalendar
from models import Plan

QUARTERS = ("q1", "q2", "q3", "q4")
DEFAULT_QUARTERLY_DUE = ("03-05", "06-05", "09-05", "12-05")


def quarterly_due(plan: Plan, round_key: str) -> date:
    """Return the due date of a quarterly report (before the 5th of the quarter's last month)."""
    index = QUARTERS.index(round_key)
    configured = (plan.settings or {}).get("quarterly_due")
    if configured and len(configured) == 4:
        return date.fromisoformat(configured[index])
    return date.fromisoformat(f"{plan.year}-{DEFAULT_QUARTERLY_DUE[index]}")


def internal_due(plan: Plan, round_key: str) -> date:
    """Return when a commune's internal departments report to it (the 2nd of the same month)."""
    due = quarterly_due(plan, round_key)
    day = int((plan.settings or {}).get("internal_due_day", 2))
    return due.replace(day=min(day, due.day))


def inspection_due(plan: Plan) -> date:
    """Return the deadline of the inspection conclusions (30/11 by default)."""
    configured = (plan.settings or {}).get("inspection_due")
    return date.fromisoformat(configured) if configured else date(plan.year, 11, 30)


def province_schedule(plan: Plan, calendar: WorkCalendar) -> dict[str, str]:
    """Return the province process's timer moments: open and close of each round, year end."""
    open_days = int((plan.settings or {}).get("quarterly_open_days", 14))
    schedule: dict[str, str] = {}
    for key in QUARTERS:
        due = quarterly_due(plan, key)
        schedule[f"{key}_open_at"] = calendars.morning(due - timedelta(days=open_days)).isoformat()
        closes = calendar.add_working_days(due, plan.grace_days + 1)
        schedule[f"{key}_close_at"] = calendars.morning(closes).isoformat()
    inspection_open = (plan.settings or {}).get("inspection_open", f"{plan.year}-08-01")
    schedule["inspection_open_at"] = calendars.morning(
        date.fromisoformat(inspection_open)
    ).isoformat()
    schedule["year_end_at"] = calendars.morning(date(plan.year, 12, 20)).isoformat()
    return schedule
