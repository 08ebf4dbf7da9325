"""Commands on user tasks: claim, release, save a draft, complete (which advances the instance)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine.core import audit, clock
from engine.core.errors import ConflictError, TaskNotReadyError
from engine.core.permissions import Actor, require_can_complete, visible_task
from engine.domain.form_handlers import handler_for
from engine.processes import effects, lifecycle
from engine.workflow import forms, runtime
from models import HumanTask, HumanTaskStatus, InstanceStatus


def _ready_for(session: Session, actor: Actor, task_id: int) -> HumanTask:
    task = visible_task(session, actor, task_id)
    if task.status != HumanTaskStatus.READY:
        raise TaskNotReadyError("Công việc này đã được xử lý hoặc không còn hiệu lực")
    require_can_complete(actor, task)
    return task


def save_draft(session: Session, actor: Actor, task_id: int, data: Mapping[str, Any]) -> None:
    """Keep unfinished form data on the task without validating it."""
    task = _ready_for(session, actor, task_id)
    task.draft = dict(data)
    audit.record(
        session,
        "task.draft_saved",
        actor_id=actor.user_id,
        instance_id=task.instance_id,
        unit_id=task.unit_id,
        human_task_id=task.id,
    )


def claim(session: Session, actor: Actor, task_id: int) -> None:
    """Reserve a task for `actor` so colleagues see it is being handled."""
    task = _ready_for(session, actor, task_id)
    task.claimed_by_id = actor.user_id
    audit.record(
        session,
        "task.claimed",
        actor_id=actor.user_id,
        instance_id=task.instance_id,
        unit_id=task.unit_id,
        human_task_id=task.id,
    )


def release(session: Session, actor: Actor, task_id: int) -> None:
    """Hand a claimed task back to the pool."""
    task = _ready_for(session, actor, task_id)
    task.claimed_by_id = None
    audit.record(
        session,
        "task.released",
        actor_id=actor.user_id,
        instance_id=task.instance_id,
        unit_id=task.unit_id,
        human_task_id=task.id,
    )


def complete(
    session: Session, actor: Actor, task_id: int, data: Mapping[str, Any]
) -> HumanTask:
    """Validate and submit a ready user task, then run the instance to its next wait state."""
    task = _ready_for(session, actor, task_id)
    instance = task.instance
    if instance.status != InstanceStatus.RUNNING:
        raise ConflictError("Quy trình đang tạm dừng hoặc đã kết thúc")
    clean = forms.load(task.form_key).validate(data)
    try:
        workflow = runtime.load(instance)
        spiff = runtime.spiff_task(workflow, task.spiff_task_id)
        if spiff is None or spiff.state != TaskState.READY:
            raise ConflictError("Công việc đã thay đổi trong lúc bạn thao tác; vui lòng tải lại")
        routed = handler_for(task.form_key).apply(session, task, clean)
        spiff.data.update(routed)
        spiff.run()
        task.status = HumanTaskStatus.COMPLETED
        task.completed_at = clock.now()
        task.completed_by_id = actor.user_id
        task.draft = clean
        audit.record(
            session,
            "task.completed",
            actor_id=actor.user_id,
            instance_id=instance.id,
            unit_id=task.unit_id,
            human_task_id=task.id,
            task=task.task_name,
            **routed,
        )
        lifecycle.advance(session, instance, workflow, actor_id=actor.user_id)
        effects.settle(session)
    except (StaleDataError, OperationalError) as exc:
        raise ConflictError("Người khác vừa xử lý công việc này; vui lòng tải lại") from exc
    return task
