"""Commands on user tasks: claim, release, save a draft, complete (which advances the instance)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.exc import StaleDataError

from engine.core import audit, clock, db_faults
from engine.core.errors import ConflictError, FieldErrors, TaskNotReadyError
from engine.core.formatting import format_number
from engine.core.permissions import Actor, acting_for, require_can_complete, visible_task
from engine.domain.form_handlers import handler_for
from engine.processes import decision_notices, effects, lifecycle
from engine.workflow import forms, runtime
from models import HumanTask, HumanTaskStatus, InstanceStatus, ProcessInstance

# Measured on the demo plan: a unit's adaptation draft is 13–16 kB; with every text field at
# its maxLength, ~0,1 MB (ASCII) to ~0,3 MB (Vietnamese).
MAX_DRAFT_BYTES = 1_000_000


def _ready_for(session: Session, actor: Actor, task_id: int) -> HumanTask:
    task = visible_task(session, actor, task_id)
    if task.status != HumanTaskStatus.READY:
        raise TaskNotReadyError("Công việc này đã được xử lý hoặc không còn hiệu lực")
    require_can_complete(actor, task)
    return task


def _draft_of(data: Mapping[str, Any]) -> dict[str, Any]:
    """Return `data` as a draft may keep it: JSON without NaN or infinities, at most
    MAX_DRAFT_BYTES once serialized; raise FieldErrors otherwise."""
    not_finite = forms.non_finite_errors(data)
    if not_finite:
        raise FieldErrors(not_finite)
    size = len(json.dumps(data, ensure_ascii=False, allow_nan=False).encode("utf-8"))
    if size > MAX_DRAFT_BYTES:
        megabytes = format_number(round(size / 1_000_000, 1))
        raise FieldErrors(
            {
                "_form": f"Bản nháp quá lớn ({megabytes} MB); chỉ lưu được bản nháp tối đa "
                f"{MAX_DRAFT_BYTES // 1_000_000} MB. Vui lòng rút gọn nội dung rồi lưu lại."
            }
        )
    return dict(data)


def save_draft(session: Session, actor: Actor, task_id: int, data: Mapping[str, Any]) -> None:
    """Keep unfinished form data on the task without validating it against the form (only its
    size and that it is valid JSON are checked)."""
    task = _ready_for(session, actor, task_id)
    task.draft = _draft_of(data)
    audit.record(
        session,
        "task.draft_saved",
        actor_id=actor.user_id,
        instance_id=task.instance_id,
        unit_id=task.unit_id,
        human_task_id=task.id,
        on_behalf_of=acting_for(actor, task.role, task.unit_id),
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
        on_behalf_of=acting_for(actor, task.role, task.unit_id),
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
        on_behalf_of=acting_for(actor, task.role, task.unit_id),
    )


def complete(
    session: Session, actor: Actor, task_id: int, data: Mapping[str, Any]
) -> HumanTask:
    """Validate and submit a ready user task, then run the instance to its next wait state."""
    task = _ready_for(session, actor, task_id)
    # the instance with its version in one statement (the version's spec is cached)
    instance = session.get_one(ProcessInstance, task.instance_id,
                               options=[joinedload(ProcessInstance.definition)])
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
            on_behalf_of=acting_for(actor, task.role, task.unit_id),
            comment=clean.get("comments"),
            task=task.task_name,
            **routed,
        )
        lifecycle.advance(
            session, instance, workflow, actor_id=actor.user_id,
            returned=decision_notices.return_of(task, clean),
        )
        decision_notices.announce_decision(session, task, clean)
        effects.settle(session)
    except (StaleDataError, OperationalError, IntegrityError) as exc:
        if not db_faults.is_conflict(exc):
            raise  # the database cannot write (read-only, full, gone): web/ says so, not this
        raise ConflictError("Người khác vừa xử lý công việc này; vui lòng tải lại") from exc
    return task
