"""The message projections of an instance, written on every save: the messages it threw outward
(the outbox, with its plan as correlation key) and the messages it now waits for."""

from __future__ import annotations

from collections.abc import Iterable

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from sqlalchemy import delete
from sqlalchemy.orm import Session

from engine.core import clock
from models import BpmnMessage, MessageSubscription, ProcessInstance


def index_subscriptions(
    session: Session, instance: ProcessInstance, names: Iterable[str], *, written: bool = False
) -> None:
    """Replace the instance's subscriptions with `names`, the messages it now waits for
    (`written`: it has none to delete)."""
    if not written:
        session.execute(  # "fetch": see runtime._index_timers
            delete(MessageSubscription).where(MessageSubscription.instance_id == instance.id)
            .execution_options(synchronize_session="fetch")
        )
    for name in sorted(names):
        session.add(
            MessageSubscription(
                instance_id=instance.id, plan_id=instance.plan_id, message_name=name
            )
        )


def collect_thrown(session: Session, instance: ProcessInstance, workflow: BpmnWorkflow) -> int:
    """Store the messages the workflow threw outward; return how many."""
    count = 0
    for event in workflow.get_events():
        definition = event.event_definition
        if not isinstance(definition, MessageEventDefinition):
            continue
        payload = event.payload if isinstance(event.payload, dict) else {"value": event.payload}
        session.add(
            BpmnMessage(
                name=definition.name,
                plan_id=instance.plan_id,
                payload=payload,
                source_instance_id=instance.id,
                created_at=clock.now(),
            )
        )
        count += 1
    return count
