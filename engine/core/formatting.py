"""Numbers and dates the Vietnamese way, for every page, message and notification: a decimal
comma ("97,8"; no thousands separator, as the official annexes print figures), dd/mm/yyyy dates,
moments in business time (Asia/Ho_Chi_Minh); and the readers of the numbers and dates users type."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from engine.core.clock import BUSINESS_TZ

DATE_FORMAT = "%d/%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"
# What parse_date accepts: what users type, then ISO (what browsers' date inputs send).
INPUT_DATE_FORMATS = (DATE_FORMAT, "%Y-%m-%d")
# Significant digits kept: enough for any figure typed, few enough to drop float noise
# (60.349999999999994 is 60,35).
_SIGNIFICANT_DIGITS = 15


def format_number(value: Any, places: int | None = None) -> str:
    """Write a number with a decimal comma ("44,65", "85", "-3,5"); None and booleans give "",
    and any other value (what the user typed) its own text. With `places`, a computed figure (a
    median, a share) is rounded half up to at most that many decimals ("60,35", never
    "60,349999999999994" or "66,6666666666667")."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return str(value)
    if not isinstance(value, float | Decimal):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    number = Decimal(f"{value:.{_SIGNIFICANT_DIGITS}g}")
    if not number.is_finite():
        return str(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if number == 0:
        return "0"
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def parse_number(text: str) -> float | None:
    """Read a number typed with a decimal comma ("97,8") or point; None when it is not one
    (NaN and infinities — "nan", "inf", "1e999" — are not numbers a user can mean)."""
    try:
        number = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def business_time(value: datetime) -> datetime:
    """Return an aware moment in business time; a naive one is taken as already local."""
    return value.astimezone(BUSINESS_TZ) if value.tzinfo else value


def format_date(value: Any) -> str:
    """Write a date as dd/mm/yyyy (a moment: its business-time date; an ISO "yyyy-mm-dd" text
    too); None gives "" and any other value its own text (what the user typed)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return business_time(value).strftime(DATE_FORMAT)
    if isinstance(value, date):
        return value.strftime(DATE_FORMAT)
    text = str(value)
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return date.fromisoformat(text).strftime(DATE_FORMAT)
        except ValueError:
            return text
    return text


def format_deadline(value: Any) -> str:
    """Write a deadline as the last day a submission is on time: "hết ngày 05/09/2026" (what is
    sent during 05/09 is on time; after 23:59:59 of that day, late — engine.domain.status)."""
    return f"hết ngày {format_date(value)}"


def format_datetime(value: datetime | None) -> str:
    """Write a moment as dd/mm/yyyy HH:MM in business time; None gives ""."""
    if value is None:
        return ""
    return business_time(value).strftime(DATETIME_FORMAT)


def parse_date(value: str | date | None) -> date | None:
    """Read a date typed as dd/mm/yyyy (or d/m/yyyy) or ISO yyyy-mm-dd, spaces around ignored;
    a date passes through (a moment gives its date). None when blank, malformed or impossible."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = (value or "").strip()
    for pattern in INPUT_DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None
