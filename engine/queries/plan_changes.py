"""What changed in a unit's plan since its previous submission: KPIs dropped (with the reason)
or taken back, targets changed (old → new), tasks added or removed — shown above the leader's and
Sở KHCN's decision. The previous submission is the unit's earlier completed adaptation in the same
instance (the round before a return); for the first submission, the province's template.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.formatting import format_datetime
from engine.domain.kpis import target_text
from engine.domain.unit_plans import default_content
from engine.queries.task_views import TaskView
from models import HumanTask, HumanTaskStatus, PlanKpi, ProcessInstance, Unit

ADAPT_FORM = "unit_plan_adapt"
NO_REASON = "chưa nêu lý do"


@dataclass(frozen=True)
class Item:
    """A KPI or task named in the summary, with what there is to say about it."""

    code: str
    name: str
    text: str = ""


@dataclass(frozen=True)
class TargetChange:
    """A KPI whose target the unit changed."""

    code: str
    name: str
    old: str
    new: str


@dataclass(frozen=True)
class PlanChanges:
    """The differences between two submissions of a unit's plan."""

    against: str  # what the plan is compared with, in Vietnamese
    dropped: tuple[Item, ...] = ()
    restored: tuple[Item, ...] = ()
    targets: tuple[TargetChange, ...] = ()
    tasks_added: tuple[Item, ...] = ()
    tasks_removed: tuple[Item, ...] = ()

    @property
    def empty(self) -> bool:
        """Tell whether nothing changed."""
        return not (self.dropped or self.restored or self.targets or self.tasks_added
                    or self.tasks_removed)


def _by_code(items: Any) -> dict[str, Mapping[str, Any]]:
    if not isinstance(items, list):
        return {}
    return {str(i["code"]): i for i in items if isinstance(i, Mapping) and "code" in i}


def _target(item: Mapping[str, Any]) -> str:
    value = item.get("target_value")
    return target_text(value if isinstance(value, int | float) else None, item.get("comparator"))


def _kpi_changes(old: Mapping[str, Any], new: Mapping[str, Any], names: Mapping[str, str]
                 ) -> tuple[list[Item], list[Item], list[TargetChange]]:
    before, after = _by_code(old.get("kpis")), _by_code(new.get("kpis"))
    dropped, restored, targets = [], [], []
    for code, item in after.items():
        was = before.get(code, {"selected": True})
        name = names.get(code, "")
        if was.get("selected", True) and not item.get("selected", True):
            note = item.get("note")
            dropped.append(Item(code, name, note.strip() if isinstance(note, str) and
                                note.strip() else NO_REASON))
        elif not was.get("selected", True) and item.get("selected", True):
            restored.append(Item(code, name))
        elif item.get("selected", True) and code in before and _target(was) != _target(item):
            targets.append(TargetChange(code, name, _target(was) or "—", _target(item) or "—"))
    return dropped, restored, targets


def _task_changes(old: Mapping[str, Any], new: Mapping[str, Any]
                  ) -> tuple[list[Item], list[Item]]:
    before, after = _by_code(old.get("tasks")), _by_code(new.get("tasks"))
    added, removed = [], []
    for code, item in after.items():
        was_kept = bool(before[code].get("kept")) if code in before else False
        if item.get("kept") and not was_kept:
            added.append(Item(code, str(item.get("name", ""))))
        elif was_kept and not item.get("kept"):
            removed.append(Item(code, str(item.get("name", ""))))
    removed += [Item(code, str(item.get("name", ""))) for code, item in before.items()
                if code not in after and item.get("kept")]
    return added, removed


def compare(previous: Mapping[str, Any], current: Mapping[str, Any], kpi_names: Mapping[str, str],
            against: str) -> PlanChanges:
    """Return what `current` (a plan's KPIs and tasks, as the adaptation form holds them)
    changes from `previous`."""
    dropped, restored, targets = _kpi_changes(previous, current, kpi_names)
    added, removed = _task_changes(previous, current)
    return PlanChanges(against, tuple(dropped), tuple(restored), tuple(targets), tuple(added),
                       tuple(removed))


def _submissions(session: Session, instance_id: int) -> Sequence[HumanTask]:
    """Return the instance's completed adaptations, oldest first."""
    return session.scalars(select(HumanTask).where(
        HumanTask.instance_id == instance_id, HumanTask.form_key == ADAPT_FORM,
        HumanTask.status == HumanTaskStatus.COMPLETED, HumanTask.draft.is_not(None))
        .order_by(HumanTask.completed_at, HumanTask.id)).all()


def _when(value: datetime | None) -> str:
    return f" ({format_datetime(value)})" if value else ""


def since_previous(session: Session, view: TaskView) -> PlanChanges | None:
    """Return what the unit's latest submitted plan changes from its previous submission (the
    province template for the first); None when the unit has submitted nothing yet."""
    instance = session.get(ProcessInstance, view.instance_id)
    unit = session.get(Unit, view.unit_id)
    if instance is None or unit is None or instance.process_key != "unit_plan":
        return None
    sent = _submissions(session, instance.id)
    if not sent:
        return None
    current = sent[-1].draft or {}
    if len(sent) > 1:
        previous, against = sent[-2].draft or {}, "lần gửi trước" + _when(sent[-2].completed_at)
    else:
        previous = default_content(session, instance.plan_id, unit)
        against = "kế hoạch mẫu của tỉnh"
    rows = session.execute(select(PlanKpi.code, PlanKpi.name)
                           .where(PlanKpi.plan_id == instance.plan_id))
    names = {code: name for code, name in rows}
    return compare(previous, current, names, against)
