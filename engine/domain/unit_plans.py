"""Domain side of the unit_plan process: prefill the forms and record what each step decides."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import calendars, clock
from engine.core.errors import FieldErrors
from engine.core.workcalendar import WorkCalendar
from engine.domain import deadlines, submissions
from models import HumanTask, Plan, PlanKpi, TemplateTask, Unit, UnitPlan, UnitPlanStatus


def ensure(session: Session, plan: Plan, unit: Unit) -> UnitPlan:
    """Return the unit's plan record for `plan`, creating an empty one."""
    record = session.scalars(
        select(UnitPlan).where(UnitPlan.plan_id == plan.id, UnitPlan.unit_id == unit.id)
    ).first()
    if record is None:
        record = UnitPlan(
            plan_id=plan.id,
            unit_id=unit.id,
            due_date=plan.adoption_due_date,
            status=UnitPlanStatus.NOT_STARTED,
            kpis=[],
            tasks=[],
            updated_at=clock.now(),
        )
        session.add(record)
    return record


def start_data(session: Session, plan: Plan, unit: Unit, calendar: WorkCalendar) -> dict[str, Any]:
    """Return the start data of a unit_plan instance: ids and the deadline's timer moments."""
    ensure(session, plan, unit)
    schedule = calendars.deadline_schedule(
        calendar, plan.adoption_due_date, plan.reminder_days_before, plan.grace_days
    )
    return {"plan_id": plan.id, "unit_id": unit.id, **schedule}


def _record(session: Session, task: HumanTask) -> UnitPlan:
    instance = task.instance
    record = session.scalars(
        select(UnitPlan).where(
            UnitPlan.plan_id == instance.plan_id, UnitPlan.unit_id == instance.unit_id
        )
    ).one()
    return record


def template_kind(unit: Unit) -> str:
    """Return which template a unit starts from: the department or the commune one."""
    return "commune" if unit.kind == "commune" else "department"


def default_content(session: Session, plan_id: int, unit: Unit) -> dict[str, Any]:
    """Return where an adaptation starts: every KPI at the province target, the template."""
    kpis = session.scalars(
        select(PlanKpi)
        .where(PlanKpi.plan_id == plan_id, PlanKpi.measurable.is_(True))
        .order_by(PlanKpi.position)
    )
    tasks = session.scalars(
        select(TemplateTask)
        .where(TemplateTask.plan_id == plan_id, TemplateTask.unit_kind == template_kind(unit))
        .order_by(TemplateTask.position)
    )
    return {
        "kpis": [
            {
                "code": k.code,
                "selected": True,
                "target_value": k.target_value,
                "comparator": k.comparator or ">=",
            }
            for k in kpis
        ],
        "tasks": [
            {
                "code": t.code,
                "name": t.name,
                "kept": True,
                "responsible": "",
                "product": t.product or "",
                "deadline_text": t.deadline_text or "",
                "added": False,
            }
            for t in tasks
        ],
    }


def prefill_adapt(session: Session, task: HumanTask) -> dict[str, Any]:
    """Return the adaptation form's data: the unit's saved plan, else the province defaults."""
    record = _record(session, task)
    if record.kpis or record.tasks:
        return {"kpis": record.kpis, "tasks": record.tasks}
    unit = session.get(Unit, task.unit_id)
    assert unit is not None
    return default_content(session, record.plan_id, unit)


def prefill_approve(session: Session, task: HumanTask) -> dict[str, Any]:
    """Return the leader's approval form's data: the plan's number and date, if already set."""
    record = _record(session, task)
    return {
        "plan_number": record.plan_number or "",
        "plan_date": record.plan_date.isoformat() if record.plan_date else "",
    }


def _check_adaptation(session: Session, plan_id: int, data: Mapping[str, Any]) -> None:
    """Refuse KPI codes the plan does not have and duplicated codes."""
    known = set(session.scalars(select(PlanKpi.code).where(PlanKpi.plan_id == plan_id)))
    errors: dict[str, str] = {}
    seen: set[str] = set()
    for index, kpi in enumerate(data.get("kpis", [])):
        if kpi["code"] not in known:
            errors[f"kpis.{index}.code"] = "Chỉ tiêu không có trong kế hoạch của tỉnh"
        elif kpi["code"] in seen:
            errors[f"kpis.{index}.code"] = "Chỉ tiêu bị lặp"
        seen.add(kpi["code"])
    task_codes: set[str] = set()
    for index, item in enumerate(data.get("tasks", [])):
        if item["code"] in task_codes:
            errors[f"tasks.{index}.code"] = "Mã nhiệm vụ bị lặp"
        task_codes.add(item["code"])
    if not any(k.get("selected") for k in data.get("kpis", [])):
        errors["kpis"] = "Cần chọn ít nhất một chỉ tiêu"
    if not any(t.get("kept") for t in data.get("tasks", [])):
        errors["tasks"] = "Cần thực hiện ít nhất một nhiệm vụ"
    if errors:
        raise FieldErrors(errors)


def _touched(session: Session, task: HumanTask) -> UnitPlan:
    """Return the task's unit plan, stamped as updated now."""
    record = _record(session, task)
    record.updated_at = clock.now()
    return record


def apply_adapt(session: Session, task: HumanTask, data: Mapping[str, Any]) -> dict[str, Any]:
    """Record the unit's adapted KPIs and tasks as a draft (nothing to route)."""
    _check_adaptation(session, task.instance.plan_id, data)  # before the record is touched
    record = _touched(session, task)
    record.kpis = list(data["kpis"])
    record.tasks = list(data["tasks"])
    record.status = UnitPlanStatus.DRAFT
    return {}


def apply_approve(session: Session, task: HumanTask, data: Mapping[str, Any]) -> dict[str, Any]:
    """Record the leader's decision: number, date and send the plan, or return it to staff."""
    record = _touched(session, task)
    if data["decision"] == "approve":
        issued = date.fromisoformat(data["plan_date"])
        plan = session.get(Plan, record.plan_id)
        assert plan is not None
        deadlines.check_past_date(issued, plan.year, "plan_date", "Ngày ban hành")
        record.plan_number = data["plan_number"]
        record.plan_date = issued
    return submissions.approve(record, data)


def apply_review(session: Session, task: HumanTask, data: Mapping[str, Any]) -> dict[str, Any]:
    """Record Sở KHCN's review of the sent plan (accept or return)."""
    return submissions.review(_touched(session, task), data)
