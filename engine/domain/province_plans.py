"""Domain side of the province_plan process: drafting, approval and issuing of the plan."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from engine.core import calendars
from engine.core.errors import FieldErrors, NotFoundError
from engine.domain import deadlines, regimes, rounds
from models import HumanTask, Plan, PlanStatus


def _plan(session: Session, task: HumanTask) -> Plan:
    plan = session.get(Plan, task.instance.plan_id)
    if plan is None:
        raise NotFoundError("Không tìm thấy kế hoạch")
    return plan


def prefill_draft(session: Session, task: HumanTask) -> dict[str, Any]:
    """Return the drafting form's data: the plan's title, adoption deadline, targets, timers."""
    plan = _plan(session, task)
    return {
        "title": plan.title,
        "adoption_due_date": plan.adoption_due_date.isoformat(),
        "target_kinds": list(plan.target_kinds),
        "reminder_days_before": plan.reminder_days_before,
        "grace_days": plan.grace_days,
        "report_regimes": [r.frequency for r in regimes.regimes(plan)],
    }


def prefill_approve(session: Session, task: HumanTask) -> dict[str, Any]:
    """Return the approval form's data: the decision's number and date, if already set."""
    plan = _plan(session, task)
    return {
        "decision_number": plan.decision_number or "",
        "decision_date": plan.decision_date.isoformat() if plan.decision_date else "",
    }


def apply_draft(session: Session, task: HumanTask, data: Mapping[str, Any]) -> dict[str, Any]:
    """Record the drafted plan's settings (nothing to route)."""
    plan = _plan(session, task)
    due = date.fromisoformat(data["adoption_due_date"])
    deadlines.check_deadline(due, plan.year, "adoption_due_date", "Hạn đơn vị gửi kế hoạch")
    plan.title = data["title"]
    plan.adoption_due_date = due
    plan.target_kinds = list(data["target_kinds"])
    plan.reminder_days_before = int(data["reminder_days_before"])
    plan.grace_days = int(data["grace_days"])
    if "report_regimes" in data:
        if not any(not regimes.PRESETS[f].internal for f in data["report_regimes"]):
            raise FieldErrors(
                {"report_regimes": "Chọn ít nhất một chế độ báo cáo định kỳ của các đơn vị"}
            )
        chosen = regimes.with_frequencies(plan, list(data["report_regimes"]))
        plan.settings = {**(plan.settings or {}), "regimes": chosen}
    return {}


def apply_approve(session: Session, task: HumanTask, data: Mapping[str, Any]) -> dict[str, Any]:
    """Record the leader's decision; an issued plan also routes the province's round schedule."""
    plan = _plan(session, task)
    decision = str(data["decision"])
    routed: dict[str, Any] = {"decision": decision}
    if decision == "approve":
        decided = date.fromisoformat(data["decision_date"])
        deadlines.check_past_date(decided, plan.year, "decision_date", "Ngày ban hành")
        plan.decision_number = data["decision_number"]
        plan.decision_date = decided
        plan.status = PlanStatus.ISSUED
        routed.update(rounds.province_schedule(plan, calendars.load(session)))
    return routed
