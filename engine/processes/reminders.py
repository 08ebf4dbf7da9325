"""Reminders and escalations a running instance's scripts asked for, written as notices (and
their queued mails, `outbox.notify`) in the caller's transaction.

Each escalation to UBND tỉnh also puts the unit on the day's late list of its stage for Sở
KHCN's staff and leader (one bundled notice per stage and day, `outbox.notify_bundled`).

A unit that has already sent its stage (and waits for Sở KHCN) is neither reminded nor
escalated: the delay is then Sở KHCN's, not the unit's.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.core import audit, clock
from engine.core.formatting import format_date
from engine.core.notice_texts import late_list_message, message_for
from engine.domain.submissions import already_submitted
from engine.processes import outbox
from engine.workflow.sandbox import Effects
from models import ProcessInstance, Unit


def send(session: Session, instance: ProcessInstance, effects: Effects) -> None:
    """Write the reminders and escalations of `effects`, unless the unit already sent its stage."""
    if not (effects.notifications or effects.escalations):
        return
    if already_submitted(session, instance):
        audit.record(
            session,
            "reminder.skipped",
            instance_id=instance.id,
            unit_id=instance.unit_id,
            reason="submitted",
        )
        return
    _reminders(session, instance, effects)


def _notify(
    session: Session, instance: ProcessInstance, unit_id: int, role: str, kind: str, text: str
) -> None:
    outbox.notify(
        session, unit_id=unit_id, role=role, kind=kind, message=text, instance=instance
    )


def _reminders(session: Session, instance: ProcessInstance, effects: Effects) -> None:
    unit = session.get(Unit, instance.unit_id)
    assert unit is not None
    due = format_date(instance.due_date) if instance.due_date else "?"
    for roles, kind in effects.notifications:
        text = message_for(kind, unit.name, instance.process_key, due, instance.round_key)
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
            text = message_for(
                "escalation_parent", unit.name, instance.process_key, due, instance.round_key
            )
            _notify(session, instance, unit.parent_id, "unit_leader", "escalation", text)
        else:
            text = message_for(
                "escalation", unit.name, instance.process_key, due, instance.round_key
            )
            _notify(session, instance, unit.id, role, "escalation", text)
            if role == "province_leader":
                _add_to_late_list(session, instance, unit, due)
        instance.escalated_at = clock.now()
        audit.record(
            session, "instance.escalated", instance_id=instance.id, unit_id=unit.id, role=role
        )


LATE_LIST_ROLES = ("dost_staff", "dost_leader")


def _add_to_late_list(session: Session, instance: ProcessInstance, unit: Unit, due: str) -> None:
    """Add `unit` to Sở KHCN's late list of the instance's stage for today."""
    key = (f"late_list:{instance.process_key}:{instance.plan_id}:{instance.round_key}:"
           f"{clock.today().isoformat()}")

    def render(names: list[str]) -> str:
        return late_list_message(instance.process_key, instance.round_key, due, names)

    for role in LATE_LIST_ROLES:
        outbox.notify_bundled(
            session, bundle_key=key, unit_id=unit.id, role=role, kind="late_list",
            unit_name=unit.name, render=render,
        )
