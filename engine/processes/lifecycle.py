"""What moves one instance: start it, advance it after an event, and queue what it asked for.

`start` and `advance` run the instance through `engine.workflow.runtime` (engine steps, then
one save with its projections), write the reminders its scripts asked for and tell the roles
whose tasks became ready (`decision_notices`). Effects that start *other* instances
(cascades, aggregations, inspections) are not run here — that would make starting an instance
start instances, a cycle — but queued on the session; the command
that caused them drains the queue with `engine.processes.effects.settle` before it returns,
in the same transaction. A commit with undrained effects is refused (a programming error).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import event
from sqlalchemy.orm import Session

from engine.processes import decision_notices, reminders
from engine.workflow import runtime
from engine.workflow.sandbox import Effects
from models import ProcessInstance

PENDING_KEY = "plancascade.pending_effects"


@dataclass(frozen=True)
class Pending:
    """Effects of one instance's run that start other instances, waiting for `settle`."""

    instance_id: int
    plan_id: int
    actor_id: int | None
    effects: Effects


def start(session: Session, process_key: str, **fields: Any) -> ProcessInstance:
    """Create an instance of `process_key` and run it to its first wait.

    `fields` are `engine.workflow.runtime.create`'s keywords: plan_id, unit_id, data, and
    optionally round_key, due_date, actor_id, parent_instance_id, definition.
    """
    instance, workflow = runtime.create(session, process_key, **fields)
    advance(session, instance, workflow, actor_id=fields.get("actor_id"), fresh=True)
    return instance


def advance(
    session: Session,
    instance: ProcessInstance,
    workflow: BpmnWorkflow,
    *,
    actor_id: int | None = None,
    fresh: bool = False,
    returned: decision_notices.Return | None = None,
) -> Effects:
    """Run engine steps, write reminders, save, queue effects that start instances, and notify
    the roles whose tasks became ready (`returned`: the run follows a return for revision).

    `fresh` marks an instance created in this transaction: it has no projection rows yet.
    """
    effects = runtime.run(session, instance, workflow)
    reminders.send(session, instance, effects)
    if effects.cascades or effects.aggregations or effects.inspections or effects.rounds:
        pending(session).append(Pending(instance.id, instance.plan_id, actor_id, effects))
    arrived = runtime.save(session, instance, workflow, fresh=fresh)
    decision_notices.announce_tasks(session, instance, arrived, returned)
    return effects


def pending(session: Session) -> list[Pending]:
    """Return the session's queue of effects waiting for `settle` (created on first use)."""
    queue: list[Pending] = session.info.setdefault(PENDING_KEY, [])
    return queue


@event.listens_for(Session, "before_commit")
def _refuse_unsettled(session: Session) -> None:
    if session.info.get(PENDING_KEY):
        session.info[PENDING_KEY] = []
        raise RuntimeError("effects queued by an instance were not settled before commit")
