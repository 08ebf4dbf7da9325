"""The scripted actors' decisions for a whole year: who submits when, what they enter.

A seeded generator chooses, for every stage (adoption, q1–q4, inspection remediation), which
units are late and on which day each unit acts; the same seed always tells the same story.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from engine.core.workcalendar import WorkCalendar
from engine.demo import texts, unit_reports
from engine.domain import unit_plans
from models import HumanTask, Plan, ProcessInstance, Unit

STAFF_FORMS = (
    "unit_plan_adapt",
    "quarterly_report_fill",
    "internal_report_fill",
    "inspection_remediation",
)
LEADER_FORMS = {"unit_plan_approve", "quarterly_report_approve"}
REVIEW_FORMS = {"unit_plan_review", "quarterly_report_review"}


@dataclass
class YearScript:
    """Seeded decisions of every scripted actor."""

    rng: random.Random
    late_fraction: float
    calendar: WorkCalendar
    grace_days: int
    seed: int = 0  # what the texts, figures and numbers are drawn from (not `rng`'s state)
    act_on: dict[tuple[str, int], date] = field(default_factory=dict)
    late: dict[str, set[int]] = field(default_factory=dict)
    returned_once: set[tuple[str, int]] = field(default_factory=set)
    done: set[tuple[str, int]] = field(default_factory=set)

    def schedule_stage(self, stage: str, units: list[Unit], opened: date, due: date) -> None:
        """Choose the late units of a stage and the day each unit submits."""
        if stage in self.late:
            return
        count = round(len(units) * self.late_fraction)
        late = {u.id for u in self.rng.sample(units, count)}
        self.late[stage] = late
        escalation = self.calendar.add_working_days(due, self.grace_days)
        window = max((due - opened).days, 1)
        for unit in units:
            if unit.id in late:
                day = escalation + timedelta(days=self.rng.randint(1, 6))
            else:
                day = opened + timedelta(days=self.rng.randint(1, window))
                if self.rng.random() < 0.08:
                    self.returned_once.add((stage, unit.id))
            self.act_on[(stage, unit.id)] = day

    def state(self) -> dict[str, Any]:
        """Return the script as JSON data: its generator's state and every decision so far."""
        version, internal, gauss = self.rng.getstate()
        return {
            "rng": [version, list(internal), gauss],
            "late_fraction": self.late_fraction,
            "grace_days": self.grace_days,
            "seed": self.seed,
            "act_on": sorted([s, u, day.isoformat()] for (s, u), day in self.act_on.items()),
            "late": {stage: sorted(ids) for stage, ids in self.late.items()},
            "returned_once": sorted([s, u] for s, u in self.returned_once),
            "done": sorted([s, u] for s, u in self.done),
        }

    @classmethod
    def from_state(cls, state: dict[str, Any], calendar: WorkCalendar) -> YearScript:
        """Rebuild a script from `state()`: it goes on exactly where that one stood."""
        rng = random.Random()
        version, internal, gauss = state["rng"]
        rng.setstate((version, tuple(internal), gauss))
        return cls(
            rng,
            state["late_fraction"],
            calendar,
            state["grace_days"],
            seed=int(state.get("seed", 0)),
            act_on={(s, u): date.fromisoformat(day) for s, u, day in state["act_on"]},
            late={stage: set(ids) for stage, ids in state["late"].items()},
            returned_once={(s, u) for s, u in state["returned_once"]},
            done={(s, u) for s, u in state["done"]},
        )

    def due_units(self, today: date) -> list[int]:
        """Return the units whose staff have a scripted submission due by `today`."""
        return sorted({u for (s, u), day in self.act_on.items()
                       if day <= today and (s, u) not in self.done})

    def mark_done(self, stage: str, unit_id: int) -> None:
        """Remember that the unit's staff submitted the stage."""
        self.done.add((stage, unit_id))

    def staff_acts_today(self, stage: str, unit_id: int, today: date) -> bool:
        """Tell whether the unit's staff works on `stage` today."""
        when = self.act_on.get((stage, unit_id))
        return when is not None and when <= today

    def review(self, stage: str, unit_id: int) -> dict[str, Any]:
        """Return Sở KHCN's decision on a unit's submission (return it once when scripted)."""
        if (stage, unit_id) in self.returned_once:
            self.returned_once.discard((stage, unit_id))
            self.done.discard((stage, unit_id))  # the staff will work on it again
            comment = texts.return_comment(self.seed, f"{stage}/{unit_id}/return", stage)
            return {"decision": "return", "comments": comment}
        return {"decision": "accept"}

    def report_data(
        self, session: Session, task: HumanTask, instance: ProcessInstance, unit: Unit
    ) -> dict[str, Any]:
        """Return what a unit enters in its quarterly (or internal) report."""
        plan = session.get_one(Plan, instance.plan_id)
        return unit_reports.fill(session, self.seed, plan, unit, str(instance.round_key))


def adaptation(session: Session, plan_id: int, unit: Unit) -> dict[str, Any]:
    """Return a unit's adapted plan: the template, each task given to one of its departments."""
    content = unit_plans.default_content(session, plan_id, unit)
    names = [c.name for c in sorted(unit.children, key=lambda c: c.id)] or [
        "Văn phòng" if unit.kind == "department" else "Phòng Văn hóa - Xã hội"
    ]
    for index, item in enumerate(content["tasks"]):
        item["responsible"] = names[index % len(names)]
    return content
