"""Apply what scripts asked for: reminders and escalations (the outbox), and cascades."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.sandbox import Effects
from models import Notification, ProcessInstance, Unit, UnitPlan

STAGE_NAMES = {
    "unit_plan": "kế hoạch chuyển đổi số của đơn vị",
    "quarterly_report": "báo cáo quý",
    "inspection": "báo cáo khắc phục sau kiểm tra",
    "province_plan": "kế hoạch chuyển đổi số của tỉnh",
}

KIND_TEMPLATES = {
    "reminder_before": "Nhắc việc: {unit} cần gửi {stage} trước ngày {due}.",
    "due": "Đến hạn: hôm nay ({due}) là hạn {unit} gửi {stage}; đề nghị lãnh đạo đơn vị chỉ đạo hoàn thành.",
    "escalation": "Báo cáo chậm trễ: {unit} chưa gửi {stage} (hạn {due}), đề nghị UBND tỉnh chỉ đạo.",
}


def message_for(kind: str, unit_name: str, process_key: str, due: str) -> str:
    """Return the Vietnamese text of a notification."""
    template = KIND_TEMPLATES.get(kind, "Thông báo về {stage} của {unit} (hạn {due}).")
    return template.format(unit=unit_name, stage=STAGE_NAMES.get(process_key, process_key), due=due)


def _notify(session: Session, instance: ProcessInstance, role: str, kind: str,
            text: str) -> None:
    session.add(Notification(instance_id=instance.id, unit_id=instance.unit_id,
                             recipient_role=role, kind=kind, message=text,
                             created_at=clock.now()))


def _already_submitted(session: Session, instance: ProcessInstance) -> bool:
    """Tell whether the unit already sent this stage (reminders then stop, escalation too)."""
    if instance.process_key == "unit_plan":
        record = session.scalars(select(UnitPlan).where(
            UnitPlan.plan_id == instance.plan_id, UnitPlan.unit_id == instance.unit_id)).first()
        return record is not None and record.submitted_at is not None
    return False


def apply_effects(session: Session, instance: ProcessInstance, effects: Effects, *,
                  actor_id: int | None = None) -> None:
    """Write notifications, mark escalations and run cascades requested during engine steps.

    A unit that has already sent its stage (and waits for Sở KHCN) is neither reminded nor
    escalated: the delay is then Sở KHCN's, not the unit's.
    """
    if not (effects.notifications or effects.escalations or effects.cascades):
        return
    if (effects.notifications or effects.escalations) and _already_submitted(session, instance):
        audit.record(session, "reminder.skipped", instance_id=instance.id,
                     unit_id=instance.unit_id, reason="submitted")
        effects.notifications.clear()
        effects.escalations.clear()
    unit = session.get(Unit, instance.unit_id)
    unit_name = unit.name if unit else "?"
    due = instance.due_date.strftime("%d/%m/%Y") if instance.due_date else "?"
    for roles, kind in effects.notifications:
        text = message_for(kind, unit_name, instance.process_key, due)
        for role in roles:
            _notify(session, instance, role, kind, text)
        audit.record(session, "reminder.sent", instance_id=instance.id, unit_id=instance.unit_id,
                     kind=kind, roles=list(roles))
    for role in effects.escalations:
        text = message_for("escalation", unit_name, instance.process_key, due)
        _notify(session, instance, role, "escalation", text)
        instance.escalated_at = clock.now()
        audit.record(session, "instance.escalated", instance_id=instance.id,
                     unit_id=instance.unit_id, role=role)
    for process_key in effects.cascades:
        from engine import cascade  # cascade starts instances, which import this module

        cascade.run(session, instance.plan_id, process_key, actor_id=actor_id)
