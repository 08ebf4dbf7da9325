"""Domain side of inspections: selection by Sở KHCN's leader, findings, conclusion, remediation."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import calendars, clock
from engine.core.errors import FieldErrors, NotFoundError
from engine.core.workcalendar import business_date
from engine.domain import deadlines, rounds
from models import HumanTask, Inspection, Plan, ProcessInstance, Unit


def find(session: Session, plan_id: int, unit_id: int) -> Inspection | None:
    """Return the inspection of a unit under a plan, if selected."""
    return session.scalars(
        select(Inspection).where(Inspection.plan_id == plan_id, Inspection.unit_id == unit_id)
    ).first()


def select_units(session: Session, plan: Plan, codes: list[str], due: date) -> list[Inspection]:
    """Record the units chosen for inspection (idempotent per unit)."""
    units = {u.code: u for u in session.scalars(select(Unit).where(Unit.code.in_(codes)))}
    unknown = [c for c in codes if c not in units]
    if unknown:
        raise FieldErrors({"unit_codes": "Không có đơn vị: " + ", ".join(unknown)})
    chosen = []
    for code in codes:
        inspection = find(session, plan.id, units[code].id)
        if inspection is None:
            inspection = Inspection(
                plan_id=plan.id, unit_id=units[code].id, due_date=due, updated_at=clock.now()
            )
            session.add(inspection)
        chosen.append(inspection)
    session.flush()
    return chosen


def pending_units(session: Session, plan_id: int) -> list[Unit]:
    """Return the selected units that have no inspection instance yet."""
    started = select(ProcessInstance.unit_id).where(
        ProcessInstance.plan_id == plan_id, ProcessInstance.process_key == "inspection"
    )
    return list(
        session.scalars(
            select(Unit)
            .join(Inspection, Inspection.unit_id == Unit.id)
            .where(Inspection.plan_id == plan_id, Unit.id.not_in(started))
            .order_by(Unit.id)
        )
    )


def start_data(session: Session, plan: Plan, unit: Unit, *_: Any) -> dict[str, Any]:
    """Return the start data of an inspection instance."""
    inspection = find(session, plan.id, unit.id)
    due = inspection.due_date if inspection else rounds.inspection_due(plan)
    return {"plan_id": plan.id, "unit_id": unit.id, "due_date": due.isoformat()}


def _inspection_of(session: Session, task: HumanTask) -> Inspection:
    inspection = find(session, task.instance.plan_id, task.instance.unit_id)
    if inspection is None:
        raise NotFoundError("Không tìm thấy cuộc kiểm tra")
    return inspection


def _plan(session: Session, task: HumanTask) -> Plan:
    plan = session.get(Plan, task.instance.plan_id)
    assert plan is not None
    return plan


def prefill_select(session: Session, task: HumanTask) -> dict[str, Any]:
    """Return the selection form's data: no unit chosen yet, the plan's inspection due date."""
    return {"unit_codes": [], "due_date": rounds.inspection_due(_plan(session, task)).isoformat()}


def prefill_findings(session: Session, task: HumanTask) -> dict[str, Any]:
    """Return the findings form's data: what the inspectors recorded so far."""
    inspection = _inspection_of(session, task)
    return {
        "findings": inspection.findings or "",
        "recommendations": inspection.recommendations or "",
    }


def prefill_conclusion(session: Session, task: HumanTask) -> dict[str, Any]:
    """Return the conclusion form's data: the conclusion so far, no remediation asked yet."""
    inspection = _inspection_of(session, task)
    return {
        "conclusion_number": inspection.conclusion_number or "",
        "conclusion": inspection.conclusion or "",
        "remediation_required": False,
    }


def prefill_remediation(session: Session, task: HumanTask) -> dict[str, Any]:
    """Return the remediation form's data: the unit's report so far."""
    return {"remediation_report": _inspection_of(session, task).remediation_report or ""}


def _remediation_schedule(session: Session, plan: Plan, due: date) -> dict[str, str]:
    schedule = calendars.deadline_schedule(calendars.load(session), due, 0, plan.grace_days)
    return {
        "remediation_due_at": schedule["due_at"],
        "remediation_escalate_at": schedule["escalate_at"],
    }


def _touched(session: Session, task: HumanTask) -> Inspection:
    """Return the task's inspection, stamped as updated now."""
    inspection = _inspection_of(session, task)
    inspection.updated_at = clock.now()
    return inspection


def apply_select(session: Session, task: HumanTask, data: Mapping[str, Any]) -> dict[str, Any]:
    """Record the units the leader chose for inspection (nothing to route)."""
    plan = _plan(session, task)
    due = date.fromisoformat(data["due_date"])
    deadlines.check_deadline(due, plan.year, "due_date", "Hạn ký kết luận kiểm tra")
    select_units(session, plan, list(data["unit_codes"]), due)
    return {}


def apply_findings(session: Session, task: HumanTask, data: Mapping[str, Any]) -> dict[str, Any]:
    """Record the inspectors' findings and recommendations (nothing to route)."""
    inspection = _touched(session, task)
    inspection.findings = data["findings"]
    inspection.recommendations = data.get("recommendations")
    return {}


def apply_conclusion(session: Session, task: HumanTask, data: Mapping[str, Any]) -> dict[str, Any]:
    """Record the signed conclusion; route whether remediation is due, and its timers."""
    plan = _plan(session, task)
    required = bool(data["remediation_required"])
    due = date.fromisoformat(data["remediation_due"]) if required else None
    deadlines.check_deadline(due, plan.year, "remediation_due", "Hạn khắc phục")
    inspection = _touched(session, task)
    inspection.conclusion_number = data["conclusion_number"]
    inspection.conclusion = data["conclusion"]
    inspection.signed_at = clock.now()
    inspection.remediation_required = required
    routed: dict[str, Any] = {"remediation_required": required}
    if due is not None:
        inspection.remediation_due = due
        task.instance.due_date = due
        routed.update(_remediation_schedule(session, plan, due))
    return routed


def apply_remediation(session: Session, task: HumanTask, data: Mapping[str, Any]) -> dict[str, Any]:
    """Record the unit's remediation report; the first one decides whether it was late."""
    inspection = _touched(session, task)
    inspection.remediation_report = data["remediation_report"]
    if inspection.remediation_submitted_at is None:
        inspection.remediation_submitted_at = clock.now()
        due = inspection.remediation_due
        inspection.remediation_late = bool(due and business_date(clock.now()) > due)
    return {}
