"""Support operations on instances: suspend, resume, retry a task in error, cancel. Admin only,
all audited."""

from __future__ import annotations

from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from engine.core import audit, clock
from engine.core.errors import ConflictError, FieldErrors, NotFoundError, PermissionDeniedError
from engine.core.permissions import Actor, may_administer
from engine.processes import effects, lifecycle
from engine.workflow import runtime
from models import InstanceStatus, ProcessInstance


def _admin_instance(session: Session, actor: Actor, instance_id: int) -> ProcessInstance:
    if not may_administer(actor):
        raise PermissionDeniedError("Chỉ quản trị hệ thống được thực hiện thao tác này")
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFoundError("Không tìm thấy quy trình")
    return instance


def suspend(session: Session, actor: Actor, instance_id: int, reason: str = "") -> None:
    """Pause a running instance: its tasks cannot be completed and its timers do not fire."""
    instance = _admin_instance(session, actor, instance_id)
    if instance.status != InstanceStatus.RUNNING:
        raise ConflictError("Chỉ tạm dừng được quy trình đang chạy")
    instance.status = InstanceStatus.SUSPENDED
    audit.record(
        session,
        "instance.suspended",
        actor_id=actor.user_id,
        instance_id=instance.id,
        unit_id=instance.unit_id,
        reason=reason,
    )
    session.flush()


def resume(session: Session, actor: Actor, instance_id: int) -> None:
    """Resume a suspended instance; timers that fell due meanwhile fire now."""
    instance = _admin_instance(session, actor, instance_id)
    if instance.status != InstanceStatus.SUSPENDED:
        raise ConflictError("Quy trình không ở trạng thái tạm dừng")
    workflow = runtime.load(instance)  # loaded while paused: its index rows are rewritten
    instance.status = InstanceStatus.RUNNING
    audit.record(
        session,
        "instance.resumed",
        actor_id=actor.user_id,
        instance_id=instance.id,
        unit_id=instance.unit_id,
    )
    lifecycle.advance(session, instance, workflow, actor_id=actor.user_id)
    effects.settle(session)


def retry(session: Session, actor: Actor, instance_id: int) -> int:
    """Re-run the tasks in ERROR (after the data was fixed); return how many were retried."""
    instance = _admin_instance(session, actor, instance_id)
    if instance.status != InstanceStatus.ERROR:
        raise ConflictError("Quy trình không có bước lỗi")
    workflow = runtime.load(instance)
    failed = workflow.get_tasks(state=TaskState.ERROR, max_depth=runtime.MAX_DEPTH)
    for task in failed:
        task._set_state(TaskState.READY)
    instance.status = InstanceStatus.RUNNING
    instance.error_message = None
    audit.record(
        session,
        "instance.retried",
        actor_id=actor.user_id,
        instance_id=instance.id,
        unit_id=instance.unit_id,
        tasks=[t.task_spec.name for t in failed],
    )
    lifecycle.advance(session, instance, workflow, actor_id=actor.user_id)
    effects.settle(session)
    return len(failed)


def cancel(session: Session, actor: Actor, instance_id: int, reason: str) -> None:
    """Cancel an instance for good, with a reason; its open tasks disappear from inboxes."""
    instance = _admin_instance(session, actor, instance_id)
    if not reason.strip():
        raise FieldErrors({"reason": "Cần nêu lý do hủy"})
    if instance.status in (InstanceStatus.COMPLETED, InstanceStatus.CANCELLED):
        raise ConflictError("Quy trình đã kết thúc")
    workflow = runtime.load(instance)
    workflow.cancel()
    instance.status = InstanceStatus.CANCELLED
    instance.completed_at = clock.now()
    audit.record(
        session,
        "instance.cancelled",
        actor_id=actor.user_id,
        instance_id=instance.id,
        unit_id=instance.unit_id,
        reason=reason.strip(),
    )
    runtime.save(session, instance, workflow)
