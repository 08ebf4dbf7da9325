"""What the scripted actors write: difficulties, proposals, task progress, return reasons,
findings, conclusions, remediation reports — composed from the phrase banks of
`data/phrases.json` and the unit's own figures.

Every choice is a pure function of the seed and what it is about (the unit, the round, the
task), so a repeated or resumed year writes the same words.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from engine.demo.seed_data import read_json

BANK_KIND = {"department": "department", "commune": "commune", "internal": "internal"}


@cache
def phrases() -> dict[str, Any]:
    """Return the phrase banks (read once)."""
    data: dict[str, Any] = read_json("phrases.json")
    return data


def pick(seed: int, key: str, bank: Sequence[str]) -> str:
    """Return the phrase of `bank` that `key` draws."""
    return random.Random(f"{seed}/{key}").choice(list(bank))


def pick_some(seed: int, key: str, bank: Sequence[str], count: int) -> list[str]:
    """Return `count` distinct phrases of `bank` that `key` draws, in the bank's order."""
    chosen = random.Random(f"{seed}/{key}").sample(range(len(bank)), min(count, len(bank)))
    return [bank[i] for i in sorted(chosen)]


def _kind(unit_kind: str) -> str:
    return BANK_KIND.get(str(unit_kind), "commune")


@dataclass(frozen=True)
class Shortfall:
    """A KPI below the unit's target: its code and name, and the figure and target as written."""

    code: str
    name: str
    value: str
    target: str


def kpi_name(code: str, name: str) -> str:
    """Return the KPI's name as a sentence names it (a short form for the longest names)."""
    note = phrases()["kpi_notes"].get(code, {})
    return str(note.get("short") or name)


def kpi_difficulty(seed: int, key: str, item: Shortfall) -> str | None:
    """Return a sentence on why a KPI is behind, or None when the bank has no reason for it."""
    reasons = phrases()["kpi_notes"].get(item.code, {}).get("reasons", [])
    if not reasons:
        return None
    return str(phrases()["kpi_difficulty"]).format(
        name=kpi_name(item.code, item.name), value=item.value, target=item.target,
        reason=pick(seed, f"{key}/reason/{item.code}", reasons))


def difficulties(seed: int, key: str, unit_kind: str, year: int,
                 shortfalls: Sequence[Shortfall] = ()) -> str:
    """Return a report's "Khó khăn, vướng mắc": why its weakest KPI is behind, then one or
    two of the unit kind's usual difficulties."""
    bank = phrases()["difficulties"][_kind(unit_kind)]
    count = 1 + random.Random(f"{seed}/{key}/count").randint(0, 1)
    lines = [] if not shortfalls else [kpi_difficulty(seed, key, shortfalls[0])]
    lines += pick_some(seed, f"{key}/difficulties", bank, count)
    return " ".join(line.format(year=year) for line in lines if line)


def proposals(seed: int, key: str, unit_kind: str, year: int) -> str:
    """Return a report's "Đề xuất, kiến nghị" (one or two of its unit kind's)."""
    bank = phrases()["proposals"].get(_kind(unit_kind)) or phrases()["proposals"]["commune"]
    count = 1 + random.Random(f"{seed}/{key}/proposals-count").randint(0, 1)
    return " ".join(p.format(year=year) for p in pick_some(seed, f"{key}/proposals", bank, count))


def one_line(text: str) -> str:
    """Return a cell's listed items on one line ("- A - B" or "- A\n- B" → "A; B")."""
    listed = text.lstrip().startswith(("-", "–", "•", "+"))
    parts = re.split(r"\n|\s[-–•+]\s" if listed else r"\n", text)
    items = [part.strip().lstrip("-–•+ ").rstrip(".;, ") for part in parts]
    return "; ".join(item for item in items if item)


def task_description(seed: int, key: str, status: str, product: str) -> str:
    """Return what a unit writes beside a task's status ("Đã hoàn thành; sản phẩm: …")."""
    bank = phrases()[f"task_{status}"]
    if not product.strip():
        bank = [p for p in bank if "{product}" not in p]
    return pick(seed, key, bank).format(product=one_line(product))


def return_comment(seed: int, key: str, stage: str) -> str:
    """Return Sở KHCN's reason for returning a unit's plan or report."""
    bank = phrases()["plan_returns" if stage == "adoption" else "report_returns"]
    return pick(seed, key, bank)


def leader_comment(seed: int, key: str) -> str:
    """Return what a unit's leader writes when signing (often nothing)."""
    return pick(seed, key, phrases()["leader_comments"])


@dataclass(frozen=True)
class UnitFacts:
    """What an inspection finds in the data: tasks done, reports late, KPIs met or not."""

    unit_name: str
    unit_kind: str
    year: int
    done: int = 0
    total: int = 0
    late: int = 0
    kpis: int = 0
    shortfalls: tuple[Shortfall, ...] = field(default_factory=tuple)

    @property
    def open(self) -> int:
        """Return the tasks not yet done."""
        return self.total - self.done

    def values(self) -> dict[str, Any]:
        """Return the placeholders the banks use."""
        unmet = len(self.shortfalls)
        return {"unit": self.unit_name, "year": self.year, "done": self.done,
                "total": self.total, "open": self.open, "late": self.late, "kpis": self.kpis,
                "met": self.kpis - unmet, "unmet": unmet}


def fitting(bank: Sequence[str], values: dict[str, Any]) -> list[str]:
    """Return the phrases of `bank` that make sense for `values`: none that counts zero
    KPIs below target, tasks still open or late reports ("còn 0 chỉ tiêu chưa đạt")."""
    zero = [name for name in ("unmet", "open", "total", "kpis", "late") if not values.get(name)]
    kept = [p for p in bank if not any(f"{{{name}}}" in p for name in zero)]
    return kept or list(bank)


def findings(seed: int, key: str, facts: UnitFacts) -> str:
    """Return the inspection's findings: an opening, the tasks, the reports' timeliness, the
    KPIs below target and two things seen on the spot."""
    bank, values = phrases()["findings"], facts.values()
    lines = [pick(seed, f"{key}/opening", bank["openings"])]
    if facts.total:
        lines.append(bank["tasks"] if facts.open else bank["tasks_all_done"])
    lines.append(bank["late"] if facts.late else bank["on_time"])
    if facts.shortfalls:
        items = "; ".join(f"{kpi_name(s.code, s.name)} ({s.value}, chỉ tiêu {s.target})"
                          for s in facts.shortfalls[:4])
        lines.append(bank["shortfalls"].replace("{items}", items))
    lines += pick_some(seed, f"{key}/observations", bank["observations"], 2)
    return " ".join(line.format(**values) for line in lines)


def recommendations(seed: int, key: str, year: int) -> str:
    """Return the inspection team's recommendations (two of the bank's)."""
    chosen = pick_some(seed, f"{key}/recommendations", phrases()["recommendations"], 2)
    return " ".join(r.format(year=year) for r in chosen)


def conclusion(seed: int, key: str, facts: UnitFacts, remediation: bool) -> str:
    """Return the signed conclusion: the assessment, the shortcomings and what is required."""
    bank, values = phrases()["conclusions"], facts.values()
    assessments = bank["assessments"] + ([] if facts.late else bank["assessments_on_time"])
    lines = [pick(seed, f"{key}/assessment", fitting(assessments, values)),
             pick(seed, f"{key}/shortcoming", bank["shortcomings"])]
    lines.append(pick(seed, f"{key}/requirement", bank["requirements"]) if remediation
                 else bank["no_remediation"])
    return " ".join(line.format(**values) for line in lines)


def remediation(seed: int, key: str, year: int) -> str:
    """Return the unit's report on remedying what the inspection found."""
    count = random.Random(f"{seed}/{key}/count").randint(3, 40)
    return pick(seed, key, phrases()["remediation"]).format(count=count, year=year)


def aggregation_summary(seed: int, key: str, values: dict[str, Any]) -> tuple[str, str]:
    """Return Sở KHCN's summary of a round's (or, with `expected`, the year's) province report
    and its recommendations."""
    bank = phrases()["aggregation"]
    opening = bank["year_summary" if "expected" in values else "summary"]
    summary = " ".join([opening.format(**values),
                        *pick_some(seed, f"{key}/remarks", bank["remarks"], 2)])
    return summary, pick(seed, f"{key}/recommendations", bank["recommendations"])
