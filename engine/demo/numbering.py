"""Document numbers the scripted actors write ("12/BC-UBND", "05/KH-STC", "31/TB-ĐKT").

An office numbers each kind of document in one series a year; the series runs on while the
office issues its other documents, so a number is where the series stands that day: a steady
daily rate of its own, drawn once per office, kind and year from the seed. Numbers never go
down through the year, and rounds are months apart, so two rounds of one unit never share one.
The symbol after the slash is the document's kind and the issuing body's initials, as the
documents write them (engine.documents.issuers).
"""

from __future__ import annotations

import random
from datetime import date

from engine.documents.issuers import symbol
from models import Unit

# Documents of a kind an office issues per day, lowest and highest: reports (BC) are
# frequent, plans (KH) rarer, notices (TB) in between.
RATES = {"BC": (0.35, 1.1), "KH": (0.08, 0.3), "TB": (0.25, 0.7)}
INSPECTION_TEAM = "TB-ĐKT"  # notices of the inspection team (Đoàn kiểm tra)


def number_on(seed: int, office: str, kind: str, day: date, *, later: int = 0) -> int:
    """Return where `office`'s series of `kind` stands on `day` (`later`: documents of the
    series already issued that day before this one)."""
    low, high = RATES[kind]
    series = random.Random(f"{seed}/series/{office}/{kind}/{day.year}")
    rate, first = series.uniform(low, high), series.randint(1, 4)
    return first + int(day.timetuple().tm_yday * rate) + later


def unit_document(seed: int, unit: Unit, kind: str, day: date) -> str:
    """Return the number of a document `unit` issues on `day`, e.g. "12/BC-UBND"."""
    return f"{number_on(seed, unit.code, kind, day):02d}/{symbol(kind, unit)}"


def office_document(seed: int, office_symbol: str, day: date, *, later: int = 0) -> str:
    """Return the number of a document a province office issues, e.g. "31/TB-ĐKT"."""
    kind = office_symbol.split("-", 1)[0]
    return f"{number_on(seed, office_symbol, kind, day, later=later):02d}/{office_symbol}"
