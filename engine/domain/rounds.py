"""The dates of a plan's stages — report rounds (from its regimes), a commune's internal round,
inspection — and the moments the province process waits for (data, never hard-coded)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from engine.core import calendars
from engine.core.workcalendar import WorkCalendar
from engine.domain import regimes
from models import Plan


def report_due(plan: Plan, round_key: str) -> date:
    """Return the deadline of report round `round_key` of the plan."""
    found = regimes.find_round(plan, round_key)
    if found is None:
        raise ValueError(f"unknown report round {round_key!r}")
    return found.due


def is_report_round(plan: Plan, round_key: str) -> bool:
    """Tell whether `round_key` is a report round of the plan."""
    return regimes.find_round(plan, round_key) is not None


def internal_due(plan: Plan, round_key: str) -> date:
    """Return when a commune's internal departments report to it for `round_key` (a round of
    theirs, or the commune's round they feed): a round of an internal regime by its own
    deadline; asked inside the commune's round, the 2nd of the same month."""
    found = regimes.find_round(plan, regimes.departments_round(plan, round_key))
    if found is None:
        raise ValueError(f"unknown report round {round_key!r}")
    if found.regime.internal:
        return found.due
    day = int((plan.settings or {}).get("internal_due_day", 2))
    return found.due.replace(day=min(day, found.due.day))


def inspection_due(plan: Plan) -> date:
    """Return the deadline of the inspection conclusions (30/11 by default)."""
    configured = (plan.settings or {}).get("inspection_due")
    return date.fromisoformat(configured) if configured else date(plan.year, 11, 30)


def round_window(plan: Plan, round_key: str, calendar: WorkCalendar) -> dict[str, str]:
    """Return when a report round opens (its regime's days before the deadline) and closes
    (the plan's grace working days after it), as the round's timers read them."""
    found = regimes.find_round(plan, round_key)
    if found is None:
        raise ValueError(f"unknown report round {round_key!r}")
    opens = calendars.morning(found.due - timedelta(days=found.regime.open_days))
    grace = regimes.grace_days(plan, found.regime)
    closes = calendars.morning(calendar.add_working_days(found.due, grace + 1))
    return {"open_at": opens.isoformat(), "close_at": closes.isoformat()}


def province_schedule(plan: Plan, calendar: WorkCalendar) -> dict[str, Any]:
    """Return the province process's timer moments: inspection and year end (each report round
    has its own `reporting_round` instance with its window)."""
    schedule: dict[str, Any] = {}
    inspection_open = (plan.settings or {}).get("inspection_open", f"{plan.year}-08-01")
    schedule["inspection_open_at"] = calendars.morning(
        date.fromisoformat(inspection_open)
    ).isoformat()
    schedule["year_end_at"] = calendars.morning(date(plan.year, 12, 20)).isoformat()
    return schedule
