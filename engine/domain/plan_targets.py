"""Read a KPI target as officials write it ("44,65%", "≥ 70%", "Đảm bảo bố trí ít nhất 1%",
"Tối đa 3 ngày") into a comparator, a value and a unit — or say it cannot be read, so that a
person sets it (the text is always kept as written)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Words before the number that state the comparator; "ít nhất" = at least, "tối đa" = at most.
_WORDS = (
    ("không quá", "<="),
    ("không vượt quá", "<="),
    ("tối đa", "<="),
    ("dưới", "<"),
    ("ít nhất", ">="),
    ("tối thiểu", ">="),
    ("không dưới", ">="),
    ("không thấp hơn", ">="),
    ("trên", ">"),
    ("đạt", ">="),
)
_SIGNS = {"≥": ">=", ">=": ">=", "=>": ">=", ">": ">", "≤": "<=", "<=": "<=", "=<": "<=", "<": "<"}
_NUMBER = re.compile(
    r"(?P<sign>≥|≤|>=|<=|=>|=<|>|<)?\s*(?P<value>\d+(?:[.,]\d+)?)\s*(?P<unit>%|[^\W\d_]+)?"
)


@dataclass(frozen=True)
class Target:
    """A readable target: `comparator` one of >=, >, <=, <, =; `unit` e.g. "%" or None."""

    comparator: str
    value: float
    unit: str | None


def read_target(text: str | None) -> Target | None:
    """Return the target `text` states, or None when it holds no single readable number.

    A bare number means "at least" (the plan's targets are minimums unless they say
    otherwise). Text with several numbers ("100%; 97,4%") is not guessed at.
    """
    if not text:
        return None
    clean = " ".join(unicodedata.normalize("NFC", text).split())
    matches = list(_NUMBER.finditer(clean))
    if len(matches) != 1:
        return None
    match = matches[0]
    value = float(match.group("value").replace(",", "."))
    unit = match.group("unit")
    comparator = _SIGNS.get(match.group("sign") or "") or _comparator_in_words(
        clean[: match.start()]
    )
    if unit and unit != "%":
        unit = unit.lower()
    return Target(comparator or ">=", value, unit or None)


def _comparator_in_words(prefix: str) -> str | None:
    folded = prefix.casefold()
    for words, comparator in sorted(_WORDS, key=lambda pair: -len(pair[0])):
        if words in folded:
            return comparator
    return None
