"""A plan's reporting regimes (chế độ báo cáo) in the shape of Nghị định 09/2019/NĐ-CP — name,
content, who reports, who receives, how it is sent, frequency, deadline, data cut-off — and
the rounds each regime opens in the plan's year.

Regimes are plan data (`plan.settings["regimes"]`, set on Sở KHCN's draft step); a plan that
states none has the quarterly report of Quyết định 33/QĐ-UBND (before the 5th of each
quarter's last month). A round's key is its frequency's prefix and its number in the year
(`q1`…`q4`, `h1`, `h2`, `m1`…`m12`, `y1`), so a plan has one regime per frequency.

A regime's reporters are unit kinds, or `internal`: the internal departments (phòng, ban) of
every commune the plan is addressed to, reporting to their commune. Internal regimes have
frequencies of their own (`internal_monthly` → `im1`…`im12`, `internal_quarterly` →
`iq1`…`iq4`); a plan without one keeps the default: a commune's quarterly report asks its
departments inside that round, due on the 2nd of the same month.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from engine.core.labels import round_label
from models import Plan

# frequency → (round-key prefix, rounds in a year, months in a period)
FREQUENCIES: dict[str, tuple[str, int, int]] = {
    "monthly": ("m", 12, 1),
    "quarterly": ("q", 4, 3),
    "six_month": ("h", 2, 6),
    "annual": ("y", 1, 12),
    "internal_monthly": ("im", 12, 1),
    "internal_quarterly": ("iq", 4, 3),
}
FREQUENCY_ORDER = (
    "quarterly", "six_month", "annual", "monthly", "internal_monthly", "internal_quarterly"
)
INTERNAL = "internal"  # the reporters of a regime of communes' internal departments


@dataclass(frozen=True)
class Regime:
    """One reporting regime of a plan (NĐ 09/2019's fields)."""

    frequency: str
    name: str
    content: str = "Tình hình, kết quả thực hiện Kế hoạch chuyển đổi số của đơn vị"
    process_key: str = "quarterly_report"
    reporters: tuple[str, ...] = ("department", "commune")
    receiver: str = "Sở Khoa học và Công nghệ"
    method: str = "Trên hệ thống quản lý kế hoạch chuyển đổi số"
    due_day: int = 5  # sent before this day of the period's last month
    cutoff: str = ""
    open_days: int = 14  # the round opens this many days before its deadline
    reminder_days_before: int | None = None  # None: the plan's
    grace_days: int | None = None  # None: the plan's
    due_dates: tuple[str, ...] = field(default_factory=tuple)  # explicit, one per round

    @property
    def internal(self) -> bool:
        """Whether the communes' internal departments report under this regime (to their
        commune, not to the province)."""
        return INTERNAL in self.reporters

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Regime:
        """Build a regime from its stored form (unknown keys are ignored)."""
        names = {f.name for f in fields(cls)}
        known = {k: v for k, v in data.items() if k in names}
        for key in ("reporters", "due_dates"):
            if key in known:
                known[key] = tuple(known[key])
        return cls(**known)

    def as_data(self) -> dict[str, Any]:
        """Return the stored form of the regime."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}


@dataclass(frozen=True)
class Round:
    """One round of a regime in the plan's year: its key, label and deadline."""

    key: str
    label: str
    regime: Regime
    index: int
    due: date

    @property
    def process_key(self) -> str:
        """The process each reporting unit runs for this round."""
        return self.regime.process_key


PRESETS: dict[str, Regime] = {
    "quarterly": Regime(
        "quarterly", "Báo cáo định kỳ hằng quý",
        cutoff="Từ ngày 15 của tháng trước kỳ báo cáo đến ngày 14 của tháng cuối quý",
    ),
    "six_month": Regime(
        "six_month", "Báo cáo định kỳ 6 tháng",
        cutoff="Từ ngày 15 tháng 12 năm trước (hoặc 15 tháng 6) đến ngày 14 tháng cuối kỳ",
    ),
    "annual": Regime(
        "annual", "Báo cáo định kỳ hằng năm", due_day=15,
        cutoff="Từ ngày 15 tháng 12 năm trước đến ngày 14 tháng 12 năm báo cáo",
    ),
    "monthly": Regime(
        "monthly", "Báo cáo định kỳ hằng tháng",
        cutoff="Từ ngày 15 tháng trước đến ngày 14 tháng báo cáo", open_days=7,
    ),
    "internal_monthly": Regime(
        "internal_monthly", "Báo cáo hằng tháng của phòng, ban thuộc xã",
        content="Tình hình thực hiện các nhiệm vụ chuyển đổi số được UBND xã, phường giao",
        process_key="internal_report", reporters=(INTERNAL,), receiver="UBND xã, phường",
        method="Trên hệ thống quản lý kế hoạch chuyển đổi số", due_day=25, open_days=7,
        cutoff="Từ ngày 25 tháng trước đến ngày 24 tháng báo cáo",
    ),
    "internal_quarterly": Regime(
        "internal_quarterly", "Báo cáo hằng quý của phòng, ban thuộc xã",
        content="Tình hình thực hiện các nhiệm vụ chuyển đổi số được UBND xã, phường giao",
        process_key="internal_report", reporters=(INTERNAL,), receiver="UBND xã, phường",
        due_day=2, open_days=14,
        cutoff="Từ ngày 15 của tháng trước kỳ báo cáo đến ngày 14 của tháng trước tháng cuối quý",
    ),
}
DEFAULT_FREQUENCIES = ("quarterly",)


def regimes(plan: Plan) -> tuple[Regime, ...]:
    """Return the plan's regimes (the default quarterly regime when it states none)."""
    settings = plan.settings or {}
    stored = settings.get("regimes")
    if stored:
        return tuple(Regime.from_data(item) for item in stored)
    legacy = settings.get("quarterly_due")  # plans stored before regimes were data
    quarterly = PRESETS["quarterly"]
    if legacy and len(legacy) == 4:
        return (Regime.from_data({**quarterly.as_data(), "due_dates": list(legacy)}),)
    return (quarterly,)


def internal_regimes(plan: Plan) -> tuple[Regime, ...]:
    """Return the plan's regimes of communes' internal departments."""
    return tuple(r for r in regimes(plan) if r.internal)


def departments_round(plan: Plan, round_key: str) -> str:
    """Return the round in which a commune's departments report what feeds its report of
    `round_key`: the matching round of the plan's internal regime of the same period
    (`q2` → `iq2`), else the same round (asked inside the commune's report)."""
    found = find_round(plan, round_key)
    if found is None or found.regime.internal:
        return round_key
    prefix = FREQUENCIES[found.regime.frequency][0]
    matching = [r for r in internal_regimes(plan) if FREQUENCIES[r.frequency][0] == "i" + prefix]
    return f"i{round_key}" if matching else round_key


def with_frequencies(plan: Plan, frequencies: list[str]) -> list[dict[str, Any]]:
    """Return the stored regimes of `plan` for the chosen frequencies (existing regimes keep
    their settings; new ones start from the presets)."""
    current = {r.frequency: r for r in regimes(plan)}
    chosen = [f for f in FREQUENCY_ORDER if f in frequencies]
    return [(current.get(f) or PRESETS[f]).as_data() for f in chosen]


def reminder_days(plan: Plan, regime: Regime) -> int:
    """Working days before the deadline the units are reminded (the regime's, else the plan's)."""
    if regime.reminder_days_before is None:
        return plan.reminder_days_before
    return regime.reminder_days_before


def grace_days(plan: Plan, regime: Regime) -> int:
    """Working days after the deadline before escalation (the regime's, else the plan's)."""
    return plan.grace_days if regime.grace_days is None else regime.grace_days


def rounds_of(plan: Plan, regime: Regime) -> list[Round]:
    """Return the regime's rounds in the plan's year, in order."""
    prefix, count, months = FREQUENCIES[regime.frequency]
    result = []
    for index in range(1, count + 1):
        if len(regime.due_dates) == count:
            due = date.fromisoformat(regime.due_dates[index - 1])
        else:
            due = date(plan.year, index * months, min(max(regime.due_day, 1), 28))
        key = f"{prefix}{index}"
        result.append(Round(key, round_label(key), regime, index, due))
    return result


def report_rounds(plan: Plan) -> list[Round]:
    """Return every round of every regime of the plan, by deadline."""
    found = [r for regime in regimes(plan) for r in rounds_of(plan, regime)]
    return sorted(found, key=lambda r: (r.due, FREQUENCY_ORDER.index(r.regime.frequency)))


def find_round(plan: Plan, key: str) -> Round | None:
    """Return the round `key` of the plan, or None."""
    return next((r for r in report_rounds(plan) if r.key == key), None)


def previous_round(plan: Plan, key: str) -> Round | None:
    """Return the round before `key` in the same regime (None for the first)."""
    current = find_round(plan, key)
    if current is None or current.index == 1:
        return None
    return rounds_of(plan, current.regime)[current.index - 2]
