"""Extension requests (gia hạn): a unit asks for a later deadline; Sở KHCN decides; an approval
moves the instance's waiting timers and due dates. Everything is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import audit, calendars, clock
from engine.core.errors import ConflictError, FieldErrors, NotFoundError, PermissionDeniedError
from engine.core.formatting import format_date
from engine.core.permissions import (
    Actor,
    can_see_unit,
    may_decide_extension,
    may_request_extension,
)
from engine.domain import deadlines
from engine.workflow import runtime
from models import (
    ExtensionRequest,
    ExtensionStatus,
    HumanTask,
    HumanTaskStatus,
    InstanceStatus,
    Plan,
    ProcessInstance,
    Report,
    UnitPlan,
)

TIMER_VARIABLES = ("reminder_at", "due_at", "escalate_at")


@dataclass(frozen=True)
class ExtensionView:
    """An extension request as pages show it."""

    id: int
    instance_id: int
    unit_id: int
    reason: str
    current_due: date
    requested_due: date
    status: str


def _view(row: ExtensionRequest) -> ExtensionView:
    return ExtensionView(
        row.id,
        row.instance_id,
        row.unit_id,
        row.reason,
        row.current_due,
        row.requested_due,
        row.status,
    )


def _new_due_errors(
    session: Session, instance: ProcessInstance, requested_due: date
) -> dict[str, str]:
    """Return why `requested_due` cannot be the instance's new deadline (empty when it can)."""
    plan = session.get(Plan, instance.plan_id)
    assert plan is not None
    return deadlines.deadline_errors(
        requested_due, plan.year, "requested_due", "Hạn mới", extension=True
    )


def _check_request(
    session: Session, instance: ProcessInstance, requested_due: date, reason: str
) -> None:
    if instance.status != InstanceStatus.RUNNING or instance.due_date is None:
        raise ConflictError("Quy trình đã kết thúc hoặc không có hạn để gia hạn")
    errors = _new_due_errors(session, instance, requested_due)
    if not reason.strip():
        errors["reason"] = "Cần nêu lý do đề nghị gia hạn"
    if requested_due <= instance.due_date:
        errors["requested_due"] = "Hạn mới phải sau hạn hiện tại " + format_date(instance.due_date)
    if errors:
        raise FieldErrors(errors)


def request(
    session: Session, actor: Actor, instance_id: int, requested_due: date, reason: str
) -> ExtensionView:
    """File a unit's request for a later deadline on one of its running instances."""
    instance = session.get(ProcessInstance, instance_id)
    if instance is None or not can_see_unit(actor, instance.unit_id):
        raise NotFoundError("Không tìm thấy quy trình")
    if not may_request_extension(actor, instance.unit_id):
        raise PermissionDeniedError("Chỉ cán bộ của đơn vị mới được đề nghị gia hạn")
    _check_request(session, instance, requested_due, reason)
    pending = session.scalars(
        select(ExtensionRequest).where(
            ExtensionRequest.instance_id == instance.id,
            ExtensionRequest.status == ExtensionStatus.PENDING,
        )
    ).first()
    if pending is not None:
        raise ConflictError("Đơn vị đã có một đề nghị gia hạn đang chờ xử lý")
    row = ExtensionRequest(
        instance_id=instance.id,
        unit_id=instance.unit_id,
        requested_by_id=actor.user_id,
        reason=reason.strip(),
        current_due=instance.due_date,
        requested_due=requested_due,
        status=ExtensionStatus.PENDING,
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        "extension.requested",
        actor_id=actor.user_id,
        instance_id=instance.id,
        unit_id=instance.unit_id,
        requested_due=requested_due.isoformat(),
        reason=reason,
    )
    return _view(row)


def _move_timers(session: Session, instance: ProcessInstance, new_due: date) -> None:
    """Recompute the deadline's timer moments and move the instance's waiting timers to them."""
    plan = session.get(Plan, instance.plan_id)
    assert plan is not None
    schedule = calendars.deadline_schedule(
        calendars.load(session), new_due, plan.reminder_days_before, plan.grace_days
    )
    workflow = runtime.load(instance)
    # Waiting tasks re-inherit their parent's data when they fire, so every task (finished ones
    # included) must carry the new moments, not only the waiting ones.
    for task in workflow.get_tasks(max_depth=runtime.MAX_DEPTH):
        if any(key in task.data for key in TIMER_VARIABLES):
            task.data.update(schedule)
        definition = getattr(task.task_spec, "event_definition", None)
        expression = str(getattr(definition, "expression", "") or "").strip()
        if task.state == TaskState.WAITING and expression in TIMER_VARIABLES:
            task._set_internal_data(event_value=schedule[expression])
    instance.due_date = new_due
    for human in session.scalars(
        select(HumanTask).where(
            HumanTask.instance_id == instance.id, HumanTask.status == HumanTaskStatus.READY
        )
    ):
        human.due_date = new_due
    _move_record(session, instance, new_due)
    runtime.save(session, instance, workflow)


def _move_record(session: Session, instance: ProcessInstance, new_due: date) -> None:
    record: Any
    if instance.process_key == "unit_plan":
        record = session.scalars(
            select(UnitPlan).where(
                UnitPlan.plan_id == instance.plan_id, UnitPlan.unit_id == instance.unit_id
            )
        ).first()
    else:
        record = session.scalars(
            select(Report).where(
                Report.plan_id == instance.plan_id,
                Report.unit_id == instance.unit_id,
                Report.round_key == instance.round_key,
            )
        ).first()
    if record is not None:
        record.due_date = new_due


def decide(
    session: Session, actor: Actor, request_id: int, approve: bool, comment: str = ""
) -> ExtensionView:
    """Approve (moving the deadline and its timers) or refuse an extension request."""
    row = session.get(ExtensionRequest, request_id)
    if row is None:
        raise NotFoundError("Không tìm thấy đề nghị gia hạn")
    if not may_decide_extension(actor):
        raise PermissionDeniedError("Chỉ Sở KHCN mới được quyết định gia hạn")
    if row.status != ExtensionStatus.PENDING:
        raise ConflictError("Đề nghị này đã được xử lý")
    if not approve and not comment.strip():
        raise FieldErrors({"comment": "Cần nêu lý do từ chối"})
    instance = session.get(ProcessInstance, row.instance_id)
    assert instance is not None
    late = _new_due_errors(session, instance, row.requested_due) if approve else {}
    if late:  # approving a date already past (or beyond the plan) would fire every timer now
        raise FieldErrors(late)
    row.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    row.decided_by_id = actor.user_id
    row.decided_at = clock.now()
    row.decision_comment = comment.strip() or None
    if approve:
        _move_timers(session, instance, row.requested_due)
    audit.record(
        session,
        "extension.approved" if approve else "extension.refused",
        actor_id=actor.user_id,
        instance_id=row.instance_id,
        unit_id=row.unit_id,
        requested_due=row.requested_due.isoformat(),
        comment=comment,
    )
    return _view(row)
