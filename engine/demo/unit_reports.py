"""What a scripted unit enters in a report (quarterly or internal): its KPI figures drawn
around its own targets (engine.demo.actuals), each task's status moving forward through the
year with a line on its progress, and its difficulties and proposals (engine.demo.texts).

Everything is a pure function of the seed, the unit, the round and the database, so a
resumed or repeated year enters the same report.
"""

from __future__ import annotations

import random
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.formatting import format_number
from engine.core.labels import round_phrase
from engine.demo import texts
from engine.demo.actuals import Goal, draw, note, read_baseline, unit_pace
from engine.domain import regimes, reports
from engine.domain.kpis import target_text
from models import Plan, PlanKpi, Unit

STARTED_BEFORE_DONE = 0.45  # a task is under way for this share of the year before it is done


def round_position(plan: Plan, round_key: str) -> tuple[int, int]:
    """Return the round's place in its regime (1-based) and how many rounds the regime has."""
    for regime in (*regimes.regimes(plan), *regimes.internal_regimes(plan)):
        rounds = regimes.rounds_of(plan, regime)
        for found in rounds:
            if found.key == round_key:
                return found.index, len(rounds)
    return 1, 1


class Kpi(NamedTuple):
    """A unit's KPI: its goal, its name and who leads it in the province's annex."""

    goal: Goal
    name: str
    lead: str


def goals(session: Session, plan_id: int, unit: Unit) -> dict[str, Kpi]:
    """Return the unit's KPIs, by code: each as a goal (its own target, the plan's unit and
    2025 result) with the KPI's name and lead."""
    adopted = reports.targets_of(reports.plan_content(session, plan_id, unit))
    found: dict[str, Kpi] = {}
    for kpi in session.scalars(select(PlanKpi).where(PlanKpi.plan_id == plan_id)):
        own = adopted.get(kpi.code, {})
        target = own.get("target_value", kpi.target_value)
        if target is None:
            continue
        goal = Goal(kpi.code, float(target), own.get("comparator") or kpi.comparator or ">=",
                    kpi.target_unit or "%", read_baseline(kpi.baseline_text))
        found[kpi.code] = Kpi(goal, kpi.name, kpi.lead or "")
    return found


def concerns(unit: Unit, lead: str) -> int:
    """Return how closely a KPI's lead concerns the unit: 2 named, 1 its kind, 0 neither."""
    if unit.name in lead:
        return 2
    kind = "UBND cấp xã" if unit.kind == "commune" else "sở, ban, ngành"
    return 1 if kind.lower() in lead.lower() else 0


def figure_text(goal: Goal, value: float | None) -> str:
    """Return a figure as a report writes it ("38,2%", "12 hồ sơ")."""
    if value is None:
        return ""
    return f"{format_number(value)}%" if goal.percent else f"{format_number(value)} {goal.unit}"


def _previous_figures(session: Session, plan: Plan, unit: Unit, round_key: str
                      ) -> dict[str, float]:
    """Return the figures the unit reported in the round before (none for a first round)."""
    earlier = regimes.previous_round(plan, round_key)
    report = reports.find(session, plan.id, unit.id, earlier.key) if earlier else None
    rows = report.kpi_results if report is not None else []
    return {r["code"]: r["actual_value"] for r in rows if r.get("actual_value") is not None}


def _fill_kpis(session: Session, data: dict[str, Any], seed: int, unit: Unit, plan: Plan,
               round_key: str) -> list[texts.Shortfall]:
    """Enter each KPI's figure and remark; return the KPIs below target: those the unit leads
    (or its kind does) first, then the furthest behind."""
    known = goals(session, plan.id, unit)
    index, count = round_position(plan, round_key)
    earlier = regimes.previous_round(plan, round_key)
    before = _previous_figures(session, plan, unit, round_key)
    behind: list[tuple[tuple[int, float], texts.Shortfall]] = []
    for item in data["kpi_results"]:
        if item["code"] not in known:
            continue
        goal, name, lead = known[item["code"]]
        previous = before.get(goal.code)
        value = draw(goal, seed=seed, unit_code=unit.code, round_index=index - 1,
                     rounds=count, previous=previous)
        item["actual_value"] = value
        since = round_phrase(earlier.key) if earlier and previous is not None else (
            f"năm {plan.year - 1}")
        item["actual_text"] = note(goal, value, seed=seed, unit_code=unit.code,
                                   previous=previous, since=since)
        if value < goal.target and goal.comparator in (">=", ">"):
            gap = (goal.target - value) / max(abs(goal.target), 1e-9)
            shortfall = texts.Shortfall(goal.code, name, figure_text(goal, value),
                                        target_text(goal.target, goal.comparator))
            behind.append(((concerns(unit, lead), gap), shortfall))
    return [s for _rank, s in sorted(behind, key=lambda pair: pair[0], reverse=True)]


def _task_status(seed: int, unit_code: str, task_code: str, share: float) -> str:
    """Return a task's status at `share` of the year: it starts, then is done, at points of
    its own (sooner in a unit that keeps a good pace); it never moves back."""
    finish = random.Random(f"{seed}/task/{unit_code}/{task_code}").uniform(0.1, 1.15)
    finish /= unit_pace(seed, unit_code)
    if share >= finish:
        return "done"
    return "in_progress" if share >= finish - STARTED_BEFORE_DONE else "not_started"


def _fill_tasks(data: dict[str, Any], seed: int, unit: Unit, plan: Plan, round_key: str,
                products: dict[str, str]) -> None:
    index, count = round_position(plan, round_key)
    for item in data["task_statuses"]:
        status = _task_status(seed, unit.code, item["code"], index / count)
        item["status"] = status
        key = f"{unit.code}/{round_key}/task/{item['code']}/{status}"
        item["description"] = texts.task_description(
            seed, key, status, products.get(item["code"], ""))


def fill(session: Session, seed: int, plan: Plan, unit: Unit, round_key: str) -> dict[str, Any]:
    """Return the report a unit's staff submit for `round_key` (prefilled, then entered)."""
    report = reports.find(session, plan.id, unit.id, round_key)
    assert report is not None
    data = reports.prefill_fill(session, report, unit)
    content = reports.plan_content(session, plan.id, unit)
    products = {t["code"]: t.get("product") or "" for t in content["tasks"]}
    shortfalls = _fill_kpis(session, data, seed, unit, plan, round_key)
    _fill_tasks(data, seed, unit, plan, round_key, products)
    key = f"{unit.code}/{round_key}"
    data["notes"] = texts.difficulties(seed, key, unit.kind, plan.year, shortfalls)
    if unit.kind != "internal":
        data["proposals"] = texts.proposals(seed, key, unit.kind, plan.year)
    return data
