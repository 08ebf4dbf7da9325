"""The one rule for the dates users enter, checked against the clock and the plan's year.

A deadline (hạn: adoption, report, inspection conclusion, remediation, an extension) lies
between today and 31/12 of the plan's year — a plan prepared ahead may set deadlines from
01/10 of the year before. An extension may run to 31/01 of the year after: a December
deadline can still be moved by a few weeks, never to an absurd date. A past fact (a decision's
or a document's date) lies between 01/01 of the year before the plan's and today.

Each refusal is a FieldErrors keyed by the field, saying which dates are allowed, e.g.
"Hạn khắc phục phải từ hôm nay (01/08/2026) đến 31/12/2026".
"""

from __future__ import annotations

from datetime import date

from engine.core import clock
from engine.core.errors import FieldErrors
from engine.core.formatting import format_date

EXTENSION_LAST_MONTH_DAY = (1, 31)  # an extension may run to 31/01 of the following year


def plan_window(year: int, *, extension: bool = False) -> tuple[date, date]:
    """Return the first and last day a deadline of the plan of `year` may fall on, the clock
    aside: from 01/10 of the year before (a plan prepared ahead) to 31/12 (31/01 of the next
    year for an extension)."""
    month, day = EXTENSION_LAST_MONTH_DAY
    last = date(year + 1, month, day) if extension else date(year, 12, 31)
    return date(year - 1, 10, 1), last


def deadline_errors(
    value: date | None, year: int, field: str, label: str, *, extension: bool = False
) -> dict[str, str]:
    """Return {field: message} when `value` is no deadline the plan of `year` may set today."""
    if value is None:
        return {}
    today = clock.today()
    start, last = plan_window(year, extension=extension)
    first = max(today, start)
    if first <= value <= last:
        return {}
    if today > last:
        return {
            field: f"Đã hết thời hạn của kế hoạch năm {year} (hôm nay là {format_date(today)}); "
            f"{label.lower()} không thể sau {format_date(last)}"
        }
    since = f"hôm nay ({format_date(today)})" if first == today else format_date(first)
    return {field: f"{label} phải từ {since} đến {format_date(last)}"}


def past_date_errors(value: date | None, year: int, field: str, label: str) -> dict[str, str]:
    """Return {field: message} when `value` is no possible date of a past fact (a decision, a
    document) of the plan of `year`: after today or before 01/01 of the year before."""
    if value is None:
        return {}
    first, today = date(year - 1, 1, 1), clock.today()
    if first <= value <= today:
        return {}
    return {field: f"{label} phải từ {format_date(first)} đến hôm nay ({format_date(today)})"}


def check_deadline(
    value: date | None, year: int, field: str, label: str, *, extension: bool = False
) -> None:
    """Raise FieldErrors when `value` is no deadline the plan of `year` may set today."""
    errors = deadline_errors(value, year, field, label, extension=extension)
    if errors:
        raise FieldErrors(errors)


def check_past_date(value: date | None, year: int, field: str, label: str) -> None:
    """Raise FieldErrors when `value` is no possible date of a past fact of the plan of `year`."""
    errors = past_date_errors(value, year, field, label)
    if errors:
        raise FieldErrors(errors)
