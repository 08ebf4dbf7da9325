"""The one clock of the process: real time, or a configured override for tests and simulation.

SpiffWorkflow reads `datetime.now(timezone.utc)` in its timer module; `install()` swaps that
module's `datetime` for one whose `now()` asks this clock, so timers follow simulated time too.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timezone, tzinfo

from engine.core.workcalendar import BUSINESS_TZ, end_of_day

__all__ = ["BUSINESS_TZ", "end_of_day", "install", "now", "parse_datetime", "set_now", "today"]

_override: datetime | None = None


def parse_datetime(text: str) -> datetime:
    """Parse an ISO date or datetime; a naive value is read in Asia/Ho_Chi_Minh."""
    value = datetime.fromisoformat(text.strip())
    if value.tzinfo is None:
        value = value.replace(tzinfo=BUSINESS_TZ)
    return value


def set_now(value: datetime | str | None) -> None:
    """Freeze the clock at `value` (None returns to the environment or real time)."""
    global _override
    _override = parse_datetime(value) if isinstance(value, str) else value


def now() -> datetime:
    """Return the current aware datetime (UTC) as the whole application sees it."""
    if _override is not None:
        return _override.astimezone(timezone.utc)
    env = os.environ.get("PLANCASCADE_NOW")
    if env:
        return parse_datetime(env).astimezone(timezone.utc)
    return datetime.now(timezone.utc)


def today() -> date:
    """Return the business date (Asia/Ho_Chi_Minh) of now()."""
    return now().astimezone(BUSINESS_TZ).date()


class _ClockDatetime(datetime):
    """A datetime whose now() answers from our clock (used inside SpiffWorkflow)."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        """Return our clock's now, converted to `tz` when given."""
        current = now()
        if tz is not None:
            return current.astimezone(tz)
        return current.astimezone(BUSINESS_TZ).replace(tzinfo=None)


def install() -> None:
    """Make SpiffWorkflow's timers read this clock (idempotent, process-wide)."""
    from SpiffWorkflow.bpmn.specs.event_definitions import timer

    timer.datetime = _ClockDatetime  # type: ignore[attr-defined,misc]
