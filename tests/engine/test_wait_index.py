"""The `timer` and `message_subscription` rows mirror what each running instance waits for in
its stored state, though a save writes them only when a run changed it."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.admin import instance_ops
from engine.core.permissions import Actor, Grant
from engine.demo.actors import ready_tasks
from engine.domain.unit_plans import default_content
from engine.processes import tasks, timers
from engine.workflow import runtime
from models import MessageSubscription, ProcessInstance, Timer, Unit
from tests.scripted import instance_of


def admin() -> Actor:
    return Actor(user_id=1, unit_id=1, grants=(Grant("admin", None),))


Rows = tuple[set[tuple[str, datetime]], set[str]]


def rows_of(session: Session, instance_id: int) -> Rows:
    """Return the instance's timer rows (name, due) and subscription names."""
    stamped = {(name, due) for name, due in session.execute(
        select(Timer.event_name, Timer.due_at).where(Timer.instance_id == instance_id))}
    names = set(session.scalars(select(MessageSubscription.message_name).where(
        MessageSubscription.instance_id == instance_id)))
    return stamped, names


def expected(session: Session, instance: ProcessInstance) -> Rows:
    """Return what the rows must hold, from the stored state read afresh."""
    session.expire(instance)
    workflow = runtime.load(instance)
    timers_: set[tuple[str, datetime]] = set()
    names: set[str] = set()
    for event in workflow.waiting_events():
        due = runtime._due_at(event.value)
        if "Time" in str(event.event_type) and due is not None:
            timers_.add((str(event.name or ""), due))
        elif "Message" in str(event.event_type):
            names.add(str(event.name))
    return timers_, names


def test_rows_follow_each_step_of_an_instance(session: Session, world) -> None:
    plan, cast = world
    unit = session.scalars(select(Unit).where(Unit.code == "to-hieu")).one()
    instance = instance_of(session, "unit_plan", plan.id, unit.id)
    assert rows_of(session, instance.id) == expected(session, instance)
    assert rows_of(session, instance.id)[0]  # it waits for its deadline's reminders
    steps: list[tuple[str, str, dict[str, Any] | None]] = [
        ("unit_plan_adapt", "unit_staff", None),
        ("unit_plan_approve", "unit_leader", {"decision": "return", "comments": "Sửa lại"}),
    ]
    for form_key, role, data in steps:
        task = ready_tasks(session, unit_id=unit.id, form_key=form_key)[0]
        if data is None:
            data = default_content(session, plan.id, unit)
            for item in data["tasks"]:
                item["responsible"] = "Văn phòng"
        tasks.complete(session, cast.actor(role, unit.id), task.id, data)
        session.commit()
        assert rows_of(session, instance.id) == expected(session, instance)


def paused(session: Session, world: Any) -> tuple[ProcessInstance, Rows]:
    """Suspend a unit plan waiting for its reminders; return it and its index rows."""
    plan, _ = world
    unit = session.scalars(select(Unit).where(Unit.code == "muong-la")).one()
    instance = instance_of(session, "unit_plan", plan.id, unit.id)
    waiting = rows_of(session, instance.id)
    assert waiting[0]
    instance_ops.suspend(session, admin(), instance.id, "Kiểm tra")
    return instance, waiting


def test_a_paused_instance_keeps_its_timers_until_it_runs_again(session: Session,
                                                               world) -> None:
    instance, waiting = paused(session, world)
    session.commit()
    later = max(due for _, due in waiting[0]) + timedelta(days=1)
    assert instance.id not in timers.due_instances(session, later, 1000)
    assert timers.fire_instance(session, instance.id, later) == timers.SKIPPED
    session.commit()
    assert rows_of(session, instance.id) == waiting
    instance_ops.resume(session, admin(), instance.id)
    session.commit()
    assert rows_of(session, instance.id) == waiting == expected(session, instance)
    assert instance.id in timers.due_instances(session, later, 1000)


def test_rows_dropped_while_paused_are_written_again_on_resume(session: Session,
                                                              world) -> None:
    """Versions before 0.13 dropped a paused instance's timers when they fell due."""
    instance, waiting = paused(session, world)
    session.execute(delete(Timer).where(Timer.instance_id == instance.id))
    session.commit()
    instance_ops.resume(session, admin(), instance.id)
    session.commit()
    assert rows_of(session, instance.id) == waiting == expected(session, instance)
