"""Notices of decisions and of work arriving, written through `outbox.notify` (so each also
queues its mails, sent at once: none of these kinds waits for the digest).

- `new_task`: a user task became ready for a role (one notice per role per instance run); for
  a province-wide role (Sở KHCN, inspectors) the day's new tasks of one step and stage are one
  bundle ("5 việc mới cần xử lý: … – Xã A, Xã B, …", `outbox.notify_bundled`);
- `returned`: the same, when a reviewer sent the work back (with the reviewer's comment) —
  instead of `new_task`, never both; a return by Sở KHCN also tells the unit's leader;
- `accepted` and `report_approved`: the decisions of `DECISION_NOTICES`;
- `extension_requested` to Sở KHCN's staff, and `extension_decided` to the unit's staff and
  leader: an extension approved (new deadline) or refused (reason). `decide_extension` is the
  one way to decide a request (web, CLI, demo and tests alike), so none goes untold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from engine.core import clock, notice_texts
from engine.core.permissions import Actor, acts_province_wide
from engine.domain import extensions
from engine.processes import outbox
from models import HumanTask, ProcessInstance, Unit

# (form key, decision) → (notice kind, roles notified in the instance's unit).
DECISION_NOTICES: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("unit_plan_review", "accept"): ("accepted", ("unit_staff", "unit_leader")),
    ("quarterly_report_review", "accept"): ("accepted", ("unit_staff", "unit_leader")),
    ("adhoc_report_review", "accept"): ("accepted", ("unit_staff", "unit_leader")),
    ("aggregation_approve", "approve"): ("report_approved", ("province_leader", "dost_staff")),
}
EXTENSION_ROLES = ("unit_staff", "unit_leader")
EXTENSION_DECIDERS = "dost_staff"
# a return by one of these roles (outside the unit) is told to the unit's leader as well
REVIEWING_ROLES = frozenset({"dost_staff", "dost_leader", "province_leader"})


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


def announce_tasks(
    session: Session, instance: ProcessInstance, ready: list[HumanTask], returned: Return | None
) -> None:
    """Notify each role that has a task in `ready` (the tasks that became ready in the run, in
    the order of their ids): `returned` when the run followed a return for revision, else
    `new_task`."""
    arrived: dict[str, HumanTask] = {}
    for task in ready:
        arrived.setdefault(task.role, task)
    if not arrived:
        return
    unit = session.get_one(Unit, instance.unit_id)
    if returned is not None:
        _announce_return(session, instance, unit, returned, set(arrived))
        return
    for role, task in arrived.items():
        if acts_province_wide(role):
            _bundle_new_task(session, instance, unit, task)
            continue
        text = notice_texts.new_task_message(
            task.title, instance.process_key, instance.round_key, unit.name, task.due_date
        )
        outbox.notify(
            session, unit_id=instance.unit_id, role=role, kind="new_task", message=text,
            instance=instance,
        )


def _announce_return(
    session: Session, instance: ProcessInstance, unit: Unit, returned: Return, roles: set[str]
) -> None:
    """Tell the roles whose tasks came back, and the unit's leader when Sở KHCN returned."""
    if returned.role in REVIEWING_ROLES and not any(acts_province_wide(r) for r in roles):
        roles = roles | {"unit_leader"}
    text = notice_texts.returned_message(
        instance.process_key, instance.round_key, unit.name, returned.role, returned.comment
    )
    for role in sorted(roles):
        outbox.notify(
            session, unit_id=instance.unit_id, role=role, kind="returned", message=text,
            instance=instance,
        )


def _bundle_new_task(
    session: Session, instance: ProcessInstance, unit: Unit, task: HumanTask
) -> None:
    """Add `task`'s unit to the day's bundle of new `task.form_key` tasks of its stage."""
    key = (f"new_task:{task.form_key}:{instance.plan_id}:{instance.round_key}:"
           f"{clock.today().isoformat()}")

    def render(names: list[str]) -> str:
        if len(names) == 1:
            return notice_texts.new_task_message(
                task.title, instance.process_key, instance.round_key, names[0], task.due_date
            )
        return notice_texts.new_tasks_message(
            task.title, instance.process_key, instance.round_key, names
        )

    outbox.notify_bundled(
        session, bundle_key=key, unit_id=unit.id, role=task.role, kind="new_task",
        unit_name=unit.name, render=render, instance=instance,
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


def announce_extension_request(session: Session, view: extensions.ExtensionView) -> None:
    """Tell Sở KHCN's staff that a unit asked for more time (they decide on *Gia hạn*)."""
    instance = session.get_one(ProcessInstance, view.instance_id)
    unit = session.get_one(Unit, view.unit_id)
    text = notice_texts.extension_requested_message(
        instance.process_key, instance.round_key, unit.name, view.requested_due, view.reason
    )
    outbox.notify(
        session, unit_id=view.unit_id, role=EXTENSION_DECIDERS, kind="extension_requested",
        message=text, instance=instance,
    )
