"""The stages of a plan as the supervision matrix and the stage-status projection see them:
adoption, every report round of its regimes and every ad-hoc request (by deadline), then
inspection — with the process a unit runs for each and the units each applies to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from engine.core.labels import round_label
from engine.domain import adhoc, regimes
from models import Plan

ADOPTION, INSPECTION = "adoption", "inspection"


@dataclass(frozen=True)
class StageColumn:
    """A stage of the plan as the matrix shows it: its key, its Vietnamese name, the process a
    unit runs for it and the round key of that process's instances ("" for a one-off stage)."""

    key: str
    label: str
    process_key: str
    round_key: str
    due: date | None = None
    unit_ids: frozenset[int] | None = None  # the units asked (an ad-hoc request); None: all
    kinds: frozenset[str] | None = None  # the kinds of units that report (a regime); None: all

    def applies_to(self, unit_id: int, kind: str) -> bool:
        """Tell whether a unit of `kind` is asked this stage."""
        return (self.unit_ids is None or unit_id in self.unit_ids) and (
            self.kinds is None or kind in self.kinds
        )


def stages(plan: Plan) -> tuple[StageColumn, ...]:
    """Return the plan's stages in order: adoption, every report round of its regimes and every
    ad-hoc request (by deadline), then inspection. Rounds of communes' internal departments
    are not stages of the province: the departments report to their commune (unit page)."""
    reports = [
        StageColumn(
            r.key, r.label, r.process_key, r.key, r.due, kinds=frozenset(r.regime.reporters)
        )
        for r in regimes.report_rounds(plan)
        if not r.regime.internal
    ] + [
        StageColumn(
            q.round_key, adhoc.stage_label(q), "adhoc_report", q.round_key, q.due_date,
            frozenset(int(i) for i in q.unit_ids),
        )
        for q in plan.adhoc_requests
    ]
    return (
        StageColumn(ADOPTION, round_label(ADOPTION), "unit_plan", ""),
        *sorted(reports, key=lambda c: c.due or date.max),
        StageColumn(INSPECTION, round_label(INSPECTION), "inspection", ""),
    )


def stage_keys(plan: Plan) -> tuple[str, ...]:
    """Return the keys of the plan's stages, in order."""
    return tuple(s.key for s in stages(plan))
