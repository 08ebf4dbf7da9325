"""The simulator's JSON summary of a played year, computed from the database: instances,
tasks, reminders, escalations, the late and escalated units of each stage, each round's counts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.domain import regimes
from engine.domain.targets import target_units
from models import (
    AuditEvent,
    HumanTask,
    HumanTaskStatus,
    Notification,
    Plan,
    ProcessInstance,
    Report,
    Unit,
    UnitPlan,
)


def _codes(session: Session, query: Any) -> list[str]:
    return sorted(session.scalars(query))


def stage_lists(session: Session, plan: Plan) -> dict[str, dict[str, list[str]]]:
    """Return, per stage, the codes of late units and of escalated units, from the database."""
    kinds = list(plan.target_kinds)
    result = {
        "adoption": {
            "late": _codes(
                session,
                select(Unit.code)
                .join(UnitPlan, UnitPlan.unit_id == Unit.id)
                .where(UnitPlan.plan_id == plan.id, UnitPlan.late.is_(True)),
            ),
            "escalated": _escalated(session, plan, "unit_plan", ""),
        }
    }
    for found in regimes.report_rounds(plan):
        key = found.key
        result[key] = {
            "late": _codes(
                session,
                select(Unit.code)
                .join(Report, Report.unit_id == Unit.id)
                .where(
                    Report.plan_id == plan.id,
                    Report.round_key == key,
                    Report.late.is_(True),
                    Unit.kind.in_(kinds),
                ),
            ),
            "escalated": _escalated(session, plan, found.process_key, key),
        }
    return result


def _escalated(session: Session, plan: Plan, process_key: str, round_key: str) -> list[str]:
    return _codes(
        session,
        select(Unit.code)
        .join(ProcessInstance, ProcessInstance.unit_id == Unit.id)
        .where(
            ProcessInstance.plan_id == plan.id,
            ProcessInstance.process_key == process_key,
            ProcessInstance.round_key == round_key,
            ProcessInstance.escalated_at.is_not(None),
        ),
    )


def summary(session: Session, plan: Plan, seconds: float) -> dict[str, Any]:
    """Return the simulator's JSON summary, computed from the database."""

    def count(query: Any) -> int:
        return int(session.scalar(query) or 0)

    stages = stage_lists(session, plan)

    def audit_count(action: str) -> int:
        return count(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))

    return {
        "units": len(target_units(session, plan)),
        "instances_started": count(select(func.count(ProcessInstance.id))),
        "tasks_completed": count(
            select(func.count(HumanTask.id)).where(HumanTask.status == HumanTaskStatus.COMPLETED)
        ),
        "reminders": audit_count("reminder.sent"),
        "escalations": audit_count("instance.escalated"),
        "notifications": count(select(func.count(Notification.id))),
        "late_units_by_stage": {k: len(v["late"]) for k, v in stages.items()},
        "late_unit_codes": {k: v["late"] for k, v in stages.items()},
        "escalated_unit_codes": {k: v["escalated"] for k, v in stages.items()},
        "rounds": {r.key: _round_counts(session, plan, r.key) for r in regimes.report_rounds(plan)},
        "inspections": count(
            select(func.count(ProcessInstance.id)).where(
                ProcessInstance.process_key == "inspection"
            )
        ),
        "aggregations": count(
            select(func.count(ProcessInstance.id)).where(
                ProcessInstance.process_key == "aggregation"
            )
        ),
        "seconds": round(seconds, 2),
    }


def _round_counts(session: Session, plan: Plan, key: str) -> dict[str, int]:
    rows = session.scalars(
        select(Report)
        .join(Unit, Unit.id == Report.unit_id)
        .where(
            Report.plan_id == plan.id,
            Report.round_key == key,
            Unit.kind.in_(list(plan.target_kinds)),
        )
    ).all()
    return {
        "started": len(rows),
        "submitted": sum(r.submitted_at is not None for r in rows),
        "late": sum(r.late for r in rows),
        "accepted": sum(r.accepted_at is not None for r in rows),
    }
