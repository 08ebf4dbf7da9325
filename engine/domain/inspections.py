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
from engine.domain import rounds
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


def prefill(session: Session, task: HumanTask) -> dict[str, Any]:
    """Return the data an inspection form opens with."""
    if task.form_key == "inspection_select":
        plan = session.get(Plan, task.instance.plan_id)
        assert plan is not None
        return {"unit_codes": [], "due_date": rounds.inspection_due(plan).isoformat()}
    inspection = _inspection_of(session, task)
    if task.form_key == "inspection_findings":
        return {
            "findings": inspection.findings or "",
            "recommendations": inspection.recommendations or "",
        }
    if task.form_key == "inspection_conclusion":
        return {
            "conclusion_number": inspection.conclusion_number or "",
            "conclusion": inspection.conclusion or "",
            "remediation_required": False,
        }
    return {"remediation_report": inspection.remediation_report or ""}


def _remediation_schedule(session: Session, plan: Plan, due: date) -> dict[str, str]:
    schedule = calendars.deadline_schedule(calendars.load(session), due, 0, plan.grace_days)
    return {
        "remediation_due_at": schedule["due_at"],
        "remediation_escalate_at": schedule["escalate_at"],
    }


def apply(session: Session, task: HumanTask, data: Mapping[str, Any]) -> dict[str, Any]:
    """Record a completed inspection step; return what the workflow needs to route."""
    plan = session.get(Plan, task.instance.plan_id)
    assert plan is not None
    if task.form_key == "inspection_select":
        select_units(session, plan, list(data["unit_codes"]), date.fromisoformat(data["due_date"]))
        return {}
    inspection = _inspection_of(session, task)
    inspection.updated_at = clock.now()
    if task.form_key == "inspection_findings":
        inspection.findings = data["findings"]
        inspection.recommendations = data.get("recommendations")
        return {}
    if task.form_key == "inspection_conclusion":
        inspection.conclusion_number = data["conclusion_number"]
        inspection.conclusion = data["conclusion"]
        inspection.signed_at = clock.now()
        inspection.remediation_required = bool(data["remediation_required"])
        routed: dict[str, Any] = {"remediation_required": inspection.remediation_required}
        if inspection.remediation_required:
            inspection.remediation_due = date.fromisoformat(data["remediation_due"])
            task.instance.due_date = inspection.remediation_due
            routed.update(_remediation_schedule(session, plan, inspection.remediation_due))
        return routed
    inspection.remediation_report = data["remediation_report"]
    if inspection.remediation_submitted_at is None:
        inspection.remediation_submitted_at = clock.now()
        due = inspection.remediation_due
        inspection.remediation_late = bool(due and business_date(clock.now()) > due)
    return {}
