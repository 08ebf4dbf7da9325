"""Apply what scripts asked for during engine steps: reminders and escalations (the outbox),
cascades, aggregations and inspections — all in the caller's transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import audit, clock
from engine.core.notice_texts import message_for
from engine.workflow.sandbox import Effects
from models import (
    Inspection,
    Notification,
    Plan,
    ProcessInstance,
    Report,
    Unit,
    UnitPlan,
)


def already_submitted(session: Session, instance: ProcessInstance) -> bool:
    """Tell whether the unit already sent this stage (then it is neither reminded nor escalated)."""
    key = instance.process_key
    if key == "unit_plan":
        record = session.scalars(
            select(UnitPlan).where(
                UnitPlan.plan_id == instance.plan_id, UnitPlan.unit_id == instance.unit_id
            )
        ).first()
        return record is not None and record.submitted_at is not None
    if key in ("quarterly_report", "internal_report"):
        report = session.scalars(
            select(Report).where(
                Report.plan_id == instance.plan_id,
                Report.unit_id == instance.unit_id,
                Report.round_key == instance.round_key,
            )
        ).first()
        return report is not None and report.submitted_at is not None
    if key == "inspection":
        inspection = session.scalars(
            select(Inspection).where(
                Inspection.plan_id == instance.plan_id, Inspection.unit_id == instance.unit_id
            )
        ).first()
        return inspection is not None and inspection.remediation_submitted_at is not None
    return False


def _notify(
    session: Session, instance: ProcessInstance, unit_id: int, role: str, kind: str, text: str
) -> None:
    session.add(
        Notification(
            instance_id=instance.id,
            unit_id=unit_id,
            recipient_role=role,
            kind=kind,
            message=text,
            created_at=clock.now(),
        )
    )


def _reminders(session: Session, instance: ProcessInstance, effects: Effects) -> None:
    unit = session.get(Unit, instance.unit_id)
    assert unit is not None
    due = instance.due_date.strftime("%d/%m/%Y") if instance.due_date else "?"
    for roles, kind in effects.notifications:
        text = message_for(kind, unit.name, instance.process_key, due)
        for role in roles:
            _notify(session, instance, unit.id, role, kind, text)
        audit.record(
            session,
            "reminder.sent",
            instance_id=instance.id,
            unit_id=unit.id,
            kind=kind,
            roles=list(roles),
        )
    for role in effects.escalations:
        if role == "parent_leader" and unit.parent_id is not None:
            text = message_for("escalation_parent", unit.name, instance.process_key, due)
            _notify(session, instance, unit.parent_id, "unit_leader", "escalation", text)
        else:
            text = message_for("escalation", unit.name, instance.process_key, due)
            _notify(session, instance, unit.id, role, "escalation", text)
        instance.escalated_at = clock.now()
        audit.record(
            session, "instance.escalated", instance_id=instance.id, unit_id=unit.id, role=role
        )


def apply_effects(
    session: Session, instance: ProcessInstance, effects: Effects, *, actor_id: int | None = None
) -> None:
    """Apply every effect requested while `instance` ran.

    A unit that has already sent its stage (and waits for Sở KHCN) is neither reminded nor
    escalated: the delay is then Sở KHCN's, not the unit's.
    """
    if not effects:
        return
    if (effects.notifications or effects.escalations) and already_submitted(session, instance):
        audit.record(
            session,
            "reminder.skipped",
            instance_id=instance.id,
            unit_id=instance.unit_id,
            reason="submitted",
        )
        effects.notifications.clear()
        effects.escalations.clear()
    _reminders(session, instance, effects)
    if not (effects.cascades or effects.aggregations or effects.inspections):
        return
    from engine.domain import aggregation
    from engine.processes import cascade

    plan = session.get(Plan, instance.plan_id)
    assert plan is not None
    for process_key, round_key in effects.cascades:
        cascade.run(session, plan.id, process_key, round_key=round_key, actor_id=actor_id)
    for round_key in effects.aggregations:
        aggregation.store(session, plan, round_key)
        cascade.start_province_process(
            session, plan, "aggregation", round_key, {"plan_id": plan.id, "round": round_key}
        )
        audit.record(session, "aggregation.generated", instance_id=instance.id, round=round_key)
    if effects.inspections:
        cascade.run(session, plan.id, "inspection", actor_id=actor_id)
