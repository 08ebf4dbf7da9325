"""KPI verdicts: đạt / chưa đạt of an actual value against a unit's own target."""

from __future__ import annotations

from enum import StrEnum

from engine.core.formatting import format_number
from engine.core.labels import COMPARATOR_LABELS


class Verdict(StrEnum):
    """The two verdicts the official reports use."""

    MET = "dat"
    NOT_MET = "chua_dat"


def verdict(actual: float | None, target: float | None, comparator: str | None) -> Verdict:
    """Judge `actual` against `target`; no figure means chưa đạt, as the reports do."""
    if actual is None:
        return Verdict.NOT_MET
    if target is None:
        return Verdict.MET
    if comparator == "<=":
        return Verdict.MET if actual <= target else Verdict.NOT_MET
    if comparator == "=":
        return Verdict.MET if abs(actual - target) < 1e-9 else Verdict.NOT_MET
    return Verdict.MET if actual >= target else Verdict.NOT_MET


def target_text(target: float | None, comparator: str | None) -> str:
    """Render a target the way the annexes print it, e.g. "≥ 70%"."""
    if target is None:
        return ""
    return f"{COMPARATOR_LABELS.get(comparator or '>=', '≥')} {format_number(target)}%"
