"""Messages between instances, routed by the application.

A thrown message is stored (outbox) with its plan as correlation key; instances waiting for a
message are indexed in `message_subscription` on every save (like timers). Delivery loads only
the subscribed instances of the same plan — never a scan of all workflows.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.core import audit, clock
from engine.processes import effects, lifecycle
from engine.workflow import runtime
from models import (
    HOME_TENANT_ID,
    BpmnMessage,
    InstanceStatus,
    MessageSubscription,
    ProcessInstance,
)

CANCELLING_MESSAGES = frozenset({"plan_withdrawn"})
ALL_ACCEPTED = "all_unit_plans_accepted"


def throw(
    session: Session, plan_id: int, name: str, payload: dict[str, Any], actor_id: int | None = None
) -> BpmnMessage:
    """Queue a message from the application itself (e.g. a plan withdrawal)."""
    message = BpmnMessage(name=name, plan_id=plan_id, payload=payload, created_at=clock.now())
    session.add(message)
    session.flush()
    audit.record(session, "message.thrown", actor_id=actor_id, message=name, plan_id=plan_id)
    return message


def _deliver_to(session: Session, instance: ProcessInstance, message: BpmnMessage) -> bool:
    workflow = runtime.load(instance)
    event = BpmnEvent(MessageEventDefinition(message.name), payload=dict(message.payload))
    try:
        # send_event refuses a message nobody waits for (catch would echo it back outward)
        workflow.send_event(event)
    except WorkflowException:
        return False
    lifecycle.advance(session, instance, workflow)
    effects.settle(session)
    if message.name in CANCELLING_MESSAGES and instance.status == InstanceStatus.COMPLETED:
        instance.status = InstanceStatus.CANCELLED
    audit.record(
        session,
        "message.delivered",
        instance_id=instance.id,
        unit_id=instance.unit_id,
        message=message.name,
    )
    return True


def pending_owners(session: Session, *, limit: int = 1000) -> dict[int, int]:
    """Return the queued messages, oldest first: each id with its tenant's."""
    rows = session.execute(
        select(BpmnMessage.id, BpmnMessage.tenant_id)
        .where(BpmnMessage.delivered_at.is_(None))
        .order_by(BpmnMessage.id)
        .limit(limit)
    )
    return {message_id: int(tenant_id or HOME_TENANT_ID) for message_id, tenant_id in rows}


def deliver(session: Session, message: BpmnMessage) -> None:
    """Deliver one queued message to the instances of its plan waiting for it."""
    targets = list(
        session.scalars(
            select(ProcessInstance)
            .join(MessageSubscription, MessageSubscription.instance_id == ProcessInstance.id)
            .where(
                MessageSubscription.message_name == message.name,
                MessageSubscription.plan_id == message.plan_id,
                ProcessInstance.status == InstanceStatus.RUNNING,
            )
            .order_by(ProcessInstance.id)
        )
    )
    message.delivered_to = sum(_deliver_to(session, i, message) for i in targets)
    message.delivered_at = clock.now()
    _derive(session, message)
    session.flush()


def deliver_pending(session: Session, *, limit: int = 1000) -> int:
    """Deliver queued messages to the instances of the same plan waiting for them."""
    delivered = 0
    for message_id in pending_owners(session, limit=limit):
        message = session.get(BpmnMessage, message_id)
        if message is not None and message.delivered_at is None:
            deliver(session, message)
            delivered += 1
    return delivered


def _derive(session: Session, message: BpmnMessage) -> None:
    """Application rules on messages: the last accepted unit plan tells the province instance."""
    if message.name != "unit_plan_accepted":
        return
    open_plans = session.scalar(select(func.count(ProcessInstance.id)).where(
        ProcessInstance.plan_id == message.plan_id, ProcessInstance.process_key == "unit_plan",
        ProcessInstance.status.in_([InstanceStatus.RUNNING, InstanceStatus.SUSPENDED,
                                    InstanceStatus.ERROR])))
    already = session.scalar(select(func.count(BpmnMessage.id)).where(
        BpmnMessage.plan_id == message.plan_id, BpmnMessage.name == ALL_ACCEPTED))
    if open_plans == 0 and not already:
        accepted = session.scalar(select(func.count(ProcessInstance.id)).where(
            ProcessInstance.plan_id == message.plan_id,
            ProcessInstance.process_key == "unit_plan",
            ProcessInstance.status == InstanceStatus.COMPLETED))
        throw(session, message.plan_id, ALL_ACCEPTED, {"accepted": int(accepted or 0)})
