"""Domain side of the province_plan process: drafting, approval and issuing of the plan."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from engine.core import calendars
from engine.core.errors import NotFoundError
from engine.domain import rounds
from models import HumanTask, Plan, PlanStatus


def _plan(session: Session, task: HumanTask) -> Plan:
    plan = session.get(Plan, task.instance.plan_id)
    if plan is None:
        raise NotFoundError("Không tìm thấy kế hoạch")
    return plan


def prefill(session: Session, task: HumanTask) -> dict[str, Any]:
    """Return the data a province_plan form opens with."""
    plan = _plan(session, task)
    if task.form_key == "province_plan_draft":
        return {
            "title": plan.title,
            "adoption_due_date": plan.adoption_due_date.isoformat(),
            "target_kinds": list(plan.target_kinds),
            "reminder_days_before": plan.reminder_days_before,
            "grace_days": plan.grace_days,
        }
    return {
        "decision_number": plan.decision_number or "",
        "decision_date": plan.decision_date.isoformat() if plan.decision_date else "",
    }


def apply(session: Session, task: HumanTask, data: Mapping[str, Any]) -> dict[str, Any]:
    """Record a completed province_plan step; return what the workflow needs to route."""
    plan = _plan(session, task)
    if task.form_key == "province_plan_draft":
        plan.title = data["title"]
        plan.adoption_due_date = date.fromisoformat(data["adoption_due_date"])
        plan.target_kinds = list(data["target_kinds"])
        plan.reminder_days_before = int(data["reminder_days_before"])
        plan.grace_days = int(data["grace_days"])
        return {}
    decision = str(data["decision"])
    routed: dict[str, Any] = {"decision": decision}
    if decision == "approve":
        plan.decision_number = data["decision_number"]
        plan.decision_date = date.fromisoformat(data["decision_date"])
        plan.status = PlanStatus.ISSUED
        routed.update(rounds.province_schedule(plan, calendars.load(session)))
    return routed
