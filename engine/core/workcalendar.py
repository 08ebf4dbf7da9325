"""Working-day calendar and business dates for Sơn La (Asia/Ho_Chi_Minh).

National public holidays (lunar Tết included, Vietnamese names) come from the
``holidays`` package; the province keeps an editable list of overrides on top:
extra days off and swapped working days (a Saturday or Sunday declared a working
day). Saturdays and Sundays are otherwise off.

A day is decided in this order, first match wins:

1. a province override ("work" → working, "off" → off);
2. a national holiday from the package → off;
3. a working weekend day the package knows of (government swap) → working;
4. Saturday or Sunday → off;
5. otherwise → working.

The module is pure: no database, no Flask, no environment reads.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

import holidays

BUSINESS_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

_END_OF_DAY = time(23, 59, 59)
_WEEKEND = frozenset({5, 6})  # date.weekday(): Saturday, Sunday
_ONE_DAY = timedelta(days=1)
_DEFAULT_NAMES = {"off": "Ngày nghỉ của tỉnh", "work": "Ngày làm việc bù"}


class OverrideKind(StrEnum):
    """What a province override declares a date to be."""

    OFF = "off"
    WORK = "work"


@dataclass(frozen=True, slots=True)
class CalendarOverride:
    """One province change to the national calendar."""

    day: date
    kind: OverrideKind
    name: str


@dataclass(frozen=True, slots=True)
class _NationalYear:
    """National holidays and government-swapped working weekend days of one year."""

    names: Mapping[date, str]
    weekend_workdays: frozenset[date]


@functools.lru_cache(maxsize=64)
def _national_years(first_year: int, last_year: int) -> _NationalYear:
    """Load Vietnam's public holidays for an inclusive year range, once per range."""
    years = range(first_year, last_year + 1)
    calendar = holidays.country_holidays("VN", years=years, language="vi", expand=False)
    names = {day: "; ".join(calendar.get_list(day)) for day in calendar}
    # weekend_workdays is not limited to the requested years; keep ours only.
    workdays = frozenset(
        day for day in calendar.weekend_workdays if first_year <= day.year <= last_year
    )
    return _NationalYear(MappingProxyType(names), workdays)


def _national(day: date) -> _NationalYear:
    """Return the cached national calendar of the year containing ``day``."""
    # A one-year range keeps cached objects small and immutable (expand=False),
    # and a query spanning New Year simply touches two cache entries.
    return _national_years(day.year, day.year)


def _parse_day(value: object) -> date:
    """Convert an ISO string or a date (not a datetime) to a date."""
    if isinstance(value, datetime):
        raise TypeError(f"expected a date, got a datetime: {value!r}")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value.strip())
    raise TypeError(f"expected a date or an ISO date string, got {value!r}")


def _parse_override(row: Mapping[str, Any]) -> CalendarOverride:
    """Build one override from a row {"date", "kind", "name"}."""
    kind = OverrideKind(str(row["kind"]).strip().lower())
    name = str(row.get("name") or "").strip() or _DEFAULT_NAMES[kind.value]
    return CalendarOverride(_parse_day(row["date"]), kind, name)


@dataclass(frozen=True)
class WorkCalendar:
    """Vietnam's working-day calendar with the province's overrides on top."""

    overrides: tuple[CalendarOverride, ...] = ()
    _by_day: Mapping[date, CalendarOverride] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Index the overrides by date and reject a date listed twice."""
        overrides = tuple(sorted(self.overrides, key=lambda item: item.day))
        by_day: dict[date, CalendarOverride] = {}
        for item in overrides:
            if item.day in by_day:
                raise ValueError(f"date {item.day.isoformat()} is overridden twice")
            by_day[item.day] = item
        object.__setattr__(self, "overrides", overrides)
        object.__setattr__(self, "_by_day", MappingProxyType(by_day))

    @classmethod
    def from_overrides(cls, rows: Iterable[Mapping[str, Any]]) -> WorkCalendar:
        """Build a calendar from rows {"date": str | date, "kind": "off" | "work", "name": str}."""
        return cls(tuple(_parse_override(row) for row in rows))

    def is_working_day(self, d: date) -> bool:
        """Return True if ``d`` is a working day in Sơn La."""
        override = self._by_day.get(d)
        if override is not None:
            return override.kind == OverrideKind.WORK
        national = _national(d)
        if d in national.names:
            return False
        if d in national.weekend_workdays:
            return True
        return d.weekday() not in _WEEKEND

    def holiday_name(self, d: date) -> str | None:
        """Return the Vietnamese name of the day off on ``d``, or None.

        Ordinary weekends have no name; a day made a working day has none either.
        """
        override = self._by_day.get(d)
        if override is not None:
            return override.name if override.kind == OverrideKind.OFF else None
        return _national(d).names.get(d)

    def working_day_name(self, d: date) -> str | None:
        """Return the name of a swapped working day on ``d``, or None."""
        override = self._by_day.get(d)
        if override is not None:
            return override.name if override.kind == OverrideKind.WORK else None
        if d in _national(d).weekend_workdays and d.weekday() in _WEEKEND:
            return _DEFAULT_NAMES["work"]
        return None

    def next_working_day(self, d: date) -> date:
        """Return ``d`` if it is a working day, else the first working day after it."""
        while not self.is_working_day(d):
            d += _ONE_DAY
        return d

    def add_working_days(self, d: date, n: int) -> date:
        """Move ``n`` working days from ``d`` (backwards when ``n`` is negative).

        ``d`` itself is never counted: ``n=1`` is the first working day after
        ``d``, ``n=-1`` the last working day before it, even when ``d`` is a day
        off. ``n=0`` returns ``d`` if it is a working day, else the next working
        day (a deadline falling on a day off rolls forward).
        For ``n > 0``, ``working_days_between(d, result) == n`` always holds.
        """
        if n == 0:
            return self.next_working_day(d)
        step = _ONE_DAY if n > 0 else -_ONE_DAY
        remaining = abs(n)
        while remaining:
            d += step
            if self.is_working_day(d):
                remaining -= 1
        return d

    def working_days_between(self, a: date, b: date) -> int:
        """Count working days in (a, b]; negative (minus those in (b, a]) if b < a."""
        if b < a:
            return -self.working_days_between(b, a)
        count = 0
        day = a + _ONE_DAY
        while day <= b:
            if self.is_working_day(day):
                count += 1
            day += _ONE_DAY
        return count

    def days_off(self, first: date, last: date) -> list[tuple[date, str]]:
        """List named days off in [first, last] with their Vietnamese names."""
        result: list[tuple[date, str]] = []
        day = first
        while day <= last:
            name = self.holiday_name(day)
            if name is not None:
                result.append((day, name))
            day += _ONE_DAY
        return result


def end_of_day(d: date) -> datetime:
    """Return 23:59:59 of ``d`` in Asia/Ho_Chi_Minh, the last on-time instant."""
    return datetime.combine(d, _END_OF_DAY, tzinfo=BUSINESS_TZ)


def business_date(dt: datetime) -> date:
    """Return the Asia/Ho_Chi_Minh calendar date of an aware datetime."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("business_date needs a timezone-aware datetime")
    return dt.astimezone(BUSINESS_TZ).date()


def is_late(submitted_at: datetime, deadline: date) -> bool:
    """Return True if ``submitted_at`` falls after 23:59:59 of ``deadline`` (local)."""
    # Compare business dates rather than instants so 23:59:59.5 is still on time.
    return business_date(submitted_at) > deadline
