"""The KPI figures scripted units report: each drawn around the KPI's own target and unit.

A unit starts the year near the plan's 2025 result (the annex's "Kết quả năm 2025") and moves
towards its own target round by round, at a pace of its own: most units reach the target by
the last round or nearly, a few stay behind. Percentages stay within 0–100 and keep as many
decimals as their target; other units (counts) are whole numbers. Every draw is a pure
function of the seed, the unit and the round, so a resumed or repeated year tells the same
story.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from engine.core.formatting import format_number, parse_number

# Share of units on track, nearly there, behind, and the pace range of each (1.0 reaches the
# target exactly in the last round).
PACES = ((0.72, (1.0, 1.12)), (0.18, (0.9, 1.0)), (1.0, (0.6, 0.86)))
_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_EXPECTED = re.compile(r"đạt\s*(\d+(?:[.,]\d+)?)")


@dataclass(frozen=True)
class Goal:
    """One KPI as a unit reports it: its own target, comparator, unit and the 2025 result."""

    code: str
    target: float
    comparator: str = ">="
    unit: str | None = "%"
    baseline: float | None = None

    @property
    def percent(self) -> bool:
        """Tell whether the KPI is a share (a percentage) rather than a count."""
        return self.unit in (None, "%")

    @property
    def places(self) -> int:
        """Return the decimals a figure keeps: none for counts, two for small or fine shares."""
        if not self.percent:
            return 0
        fine = round(self.target, 1) != self.target
        return 2 if fine or self.target < 10 else 1


def read_baseline(text: str | None) -> float | None:
    """Return the 2025 result an annex cell states ("12,1% (dự kiến đến 31/12/2025 đạt 16%)"
    gives the expected 16; "100%; 97,4%" the first, 100; "-" nothing)."""
    if not text:
        return None
    plain = _DATE.sub(" ", text)
    expected = _EXPECTED.findall(plain)
    found = expected[-1:] or _NUMBER.findall(plain)[:1]
    return parse_number(found[0]) if found else None


def unit_pace(seed: int, unit_code: str) -> float:
    """Return how fast a unit moves towards its targets (the same for the whole year)."""
    rng = random.Random(f"{seed}/pace/{unit_code}")
    roll = rng.random()
    for share, (low, high) in PACES:
        if roll < share:
            return rng.uniform(low, high)
        roll -= share
    return 1.0  # pragma: no cover - the last share is 1.0


def own_start(goal: Goal, seed: int, unit_code: str) -> float:
    """Return the unit's own 2025 result: the province's give or take, else below target."""
    rng = random.Random(f"{seed}/start/{unit_code}/{goal.code}")
    if goal.baseline is None:
        value = goal.target * rng.uniform(0.55, 0.8)
    else:
        value = goal.baseline * rng.uniform(0.88, 1.06)
    value = min(value, 100.0) if goal.percent else value
    return round(value, goal.places)


def draw(goal: Goal, *, seed: int, unit_code: str, round_index: int, rounds: int,
         previous: float | None = None) -> float:
    """Return the figure a unit reports for `goal` in round `round_index` (0-based) of
    `rounds`; a share never falls below what the previous round reported."""
    start = own_start(goal, seed, unit_code)
    wobble = random.Random(f"{seed}/kpi/{unit_code}/{goal.code}").uniform(0.95, 1.05)
    pace = unit_pace(seed, unit_code) * wobble
    share = (round_index + 1) / max(rounds, 1)
    noise = random.Random(f"{seed}/kpi/{unit_code}/{goal.code}/{round_index}").uniform(-1, 1)
    gap = goal.target - start
    if goal.comparator in (">=", ">") and gap <= 0:  # already there: it holds or edges up
        value = start + abs(goal.target) * 0.01 * (share * 2 + noise)
    else:
        value = start + gap * share * pace + abs(gap) * 0.03 * noise
    if goal.percent:
        value = min(max(value, 0.0), 100.0)
    if previous is not None and goal.comparator in (">=", ">"):
        value = max(value, previous)
    value = round(value, goal.places)
    return float(int(value)) if goal.places == 0 else value


def note(goal: Goal, value: float, *, seed: int, unit_code: str, previous: float | None,
         since: str) -> str:
    """Return the remark beside a figure: how far it moved since `since` (the previous round,
    or the unit's own result of the previous year in the first round)."""
    base = own_start(goal, seed, unit_code) if previous is None else previous
    change = round(value - base, goal.places)
    if change == 0:
        return f"Giữ nguyên so với {since}"
    verb = "Tăng" if change > 0 else "Giảm"
    amount = format_number(abs(change), goal.places)
    unit = " điểm %" if goal.percent else f" {goal.unit}"
    return f"{verb} {amount}{unit} so với {since}"
