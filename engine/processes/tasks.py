"""User tasks: list an actor's inbox, open a task, claim, save a draft, complete."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine.core import audit, clock
from engine.core.errors import ConflictError, NotFoundError, TaskNotReadyError
from engine.core.permissions import Actor, can_see_unit, inbox_filter, require_can_complete
from engine.domain.form_handlers import handler_for
from engine.workflow import forms, runtime
from models import HumanTask, HumanTaskStatus, InstanceStatus, Unit


@dataclass(frozen=True)
class TaskView:
    """A human task as lists and pages show it."""

    id: int
    title: str
    process_key: str
    instance_id: int
    unit_id: int
    unit_code: str
    unit_name: str
    role: str
    form_key: str
    due_date: date | None
    status: str
    claimed_by_id: int | None
    created_at: datetime


def _view(task: HumanTask, unit: Unit) -> TaskView:
    return TaskView(
        id=task.id,
        title=task.title,
        process_key=task.process_key,
        instance_id=task.instance_id,
        unit_id=task.unit_id,
        unit_code=unit.code,
        unit_name=unit.name,
        role=task.role,
        form_key=task.form_key,
        due_date=task.due_date,
        status=task.status,
        claimed_by_id=task.claimed_by_id,
        created_at=task.created_at,
    )


def inbox(session: Session, actor: Actor, *, limit: int = 50, offset: int = 0) -> list[TaskView]:
    """Return the ready tasks offered to `actor`, earliest due first."""
    rows = session.execute(
        select(HumanTask, Unit)
        .join(Unit, Unit.id == HumanTask.unit_id)
        .where(HumanTask.status == HumanTaskStatus.READY, inbox_filter(actor))
        .where((HumanTask.claimed_by_id.is_(None)) | (HumanTask.claimed_by_id == actor.user_id))
        .order_by(HumanTask.due_date, HumanTask.id)
        .limit(limit)
        .offset(offset)
    )
    return [_view(task, unit) for task, unit in rows]


def inbox_count(session: Session, actor: Actor) -> int:
    """Return how many ready tasks are offered to `actor`."""
    return (
        session.scalar(
            select(func.count(HumanTask.id))
            .where(HumanTask.status == HumanTaskStatus.READY, inbox_filter(actor))
            .where((HumanTask.claimed_by_id.is_(None)) | (HumanTask.claimed_by_id == actor.user_id))
        )
        or 0
    )


def _visible(session: Session, actor: Actor, task_id: int) -> HumanTask:
    task = session.get(HumanTask, task_id)
    if task is None or not can_see_unit(actor, task.unit_id):
        raise NotFoundError("Không tìm thấy công việc")
    return task


def get(session: Session, actor: Actor, task_id: int) -> tuple[TaskView, dict[str, Any]]:
    """Return a task and the data its form opens with (draft, else prefilled)."""
    task = _visible(session, actor, task_id)
    unit = session.get(Unit, task.unit_id)
    assert unit is not None
    data = (
        task.draft if task.draft is not None else handler_for(task.form_key).prefill(session, task)
    )
    return _view(task, unit), data


def _ready_for(session: Session, actor: Actor, task_id: int) -> HumanTask:
    task = _visible(session, actor, task_id)
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


def complete(session: Session, actor: Actor, task_id: int, data: Mapping[str, Any]) -> TaskView:
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
        runtime.advance(session, instance, workflow, actor_id=actor.user_id)
    except (StaleDataError, OperationalError) as exc:
        raise ConflictError("Người khác vừa xử lý công việc này; vui lòng tải lại") from exc
    unit = session.get(Unit, task.unit_id)
    assert unit is not None
    return _view(task, unit)
