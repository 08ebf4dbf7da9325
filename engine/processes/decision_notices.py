"""Notices of decisions and of work arriving, written through `outbox.notify` (so each also
queues its mails, sent at once: none of these kinds waits for the digest).

- `new_task`: a user task became ready for a role (one notice per role per instance run);
- `returned`: the same, when a reviewer sent the work back (with the reviewer's comment) —
  instead of `new_task`, never both;
- `accepted` and `report_approved`: the decisions of `DECISION_NOTICES`;
- `extension_decided`: an extension request approved (new deadline) or refused (reason).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import notice_texts
from engine.core.permissions import Actor
from engine.domain import extensions
from engine.processes import outbox
from models import HumanTask, HumanTaskStatus, ProcessInstance, Unit

# (form key, decision) → (notice kind, roles notified in the instance's unit).
DECISION_NOTICES: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("unit_plan_review", "accept"): ("accepted", ("unit_staff",)),
    ("quarterly_report_review", "accept"): ("accepted", ("unit_staff",)),
    ("adhoc_report_review", "accept"): ("accepted", ("unit_staff",)),
    ("aggregation_approve", "approve"): ("report_approved", ("province_leader", "dost_staff")),
}
EXTENSION_ROLES = ("unit_staff", "unit_leader")


@dataclass(frozen=True)
class Return:
    """A step that sent its work back: the returning role and the reviewer's comment."""

    role: str
    comment: str


def return_of(task: HumanTask, data: Mapping[str, Any]) -> Return | None:
    """Return the return for revision a completed task's form data decides, if it does."""
    if data.get("decision") != "return":
        return None
    return Return(task.role, str(data.get("comments") or ""))


def ready_ids(session: Session, instance: ProcessInstance) -> set[int]:
    """Return the ids of the instance's ready user tasks (taken before it runs)."""
    return set(
        session.scalars(
            select(HumanTask.id).where(
                HumanTask.instance_id == instance.id, HumanTask.status == HumanTaskStatus.READY
            )
        )
    )


def announce_tasks(
    session: Session, instance: ProcessInstance, before: set[int], returned: Return | None
) -> None:
    """Notify each role that has a task ready now but not in `before`: `returned` when the run
    followed a return for revision, else `new_task`."""
    arrived: dict[str, HumanTask] = {}
    for task in session.scalars(
        select(HumanTask)
        .where(HumanTask.instance_id == instance.id, HumanTask.status == HumanTaskStatus.READY)
        .order_by(HumanTask.id)
    ):
        if task.id not in before:
            arrived.setdefault(task.role, task)
    if not arrived:
        return
    unit = session.get_one(Unit, instance.unit_id)
    for role, task in arrived.items():
        if returned is not None:
            kind = "returned"
            text = notice_texts.returned_message(
                instance.process_key, instance.round_key, unit.name, returned.role,
                returned.comment,
            )
        else:
            kind = "new_task"
            text = notice_texts.new_task_message(
                task.title, instance.process_key, instance.round_key, unit.name, task.due_date
            )
        outbox.notify(
            session, unit_id=instance.unit_id, role=role, kind=kind, message=text,
            instance=instance,
        )


def announce_decision(session: Session, task: HumanTask, data: Mapping[str, Any]) -> None:
    """Notify the roles `DECISION_NOTICES` names for a completed task's decision, if any."""
    found = DECISION_NOTICES.get((task.form_key, str(data.get("decision", ""))))
    if found is None:
        return
    kind, roles = found
    instance = task.instance
    if kind == "report_approved":
        text = notice_texts.report_approved_message(instance.round_key)
    else:
        unit = session.get_one(Unit, instance.unit_id)
        text = notice_texts.accepted_message(instance.process_key, instance.round_key, unit.name)
    for role in roles:
        outbox.notify(
            session, unit_id=instance.unit_id, role=role, kind=kind, message=text,
            instance=instance,
        )


def decide_extension(
    session: Session, actor: Actor, request_id: int, approve: bool, comment: str = ""
) -> extensions.ExtensionView:
    """Decide an extension request (`extensions.decide`) and tell the requesting unit's staff
    and leader: the new deadline, or the reason of the refusal."""
    view = extensions.decide(session, actor, request_id, approve, comment)
    instance = session.get_one(ProcessInstance, view.instance_id)
    unit = session.get_one(Unit, view.unit_id)
    due, reason = (view.requested_due, None) if approve else (view.current_due, comment)
    text = notice_texts.extension_message(
        instance.process_key, instance.round_key, unit.name, due, reason
    )
    for role in EXTENSION_ROLES:
        outbox.notify(
            session, unit_id=view.unit_id, role=role, kind="extension_decided", message=text,
            instance=instance,
        )
    return view
