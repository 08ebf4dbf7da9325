"""One user task as pages and the API show it, with its form's data (lists: queries.inbox)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from engine.core.permissions import Actor, visible_task
from engine.domain.form_handlers import handler_for
from models import HumanTask, Unit


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


def view(task: HumanTask, unit: Unit) -> TaskView:
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


def get(session: Session, actor: Actor, task_id: int) -> tuple[TaskView, dict[str, Any]]:
    """Return a task and the data its form opens with (draft, else prefilled)."""
    task = visible_task(session, actor, task_id)
    unit = session.get(Unit, task.unit_id)
    assert unit is not None
    data = (
        task.draft if task.draft is not None else handler_for(task.form_key).prefill(session, task)
    )
    return view(task, unit), data


def one(session: Session, actor: Actor, task_id: int) -> TaskView:
    """Return a task `actor` may see, without its form data."""
    task = visible_task(session, actor, task_id)
    unit = session.get(Unit, task.unit_id)
    assert unit is not None
    return view(task, unit)
