"""The unit_plan process end to end under the simulated clock, through every branch."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.core import clock
from engine.core.errors import ConflictError, FieldErrors, NotFoundError, PermissionDeniedError
from engine.core.permissions import Actor, Grant
from engine.demo.actors import act, ready_tasks
from engine.demo.bootstrap import at
from engine.processes import tasks, timers
from engine.queries import task_views
from models import (
    AuditEvent,
    HumanTask,
    HumanTaskStatus,
    InstanceStatus,
    Notification,
    ProcessInstance,
    Unit,
    UnitPlan,
    UnitPlanStatus,
)
from tests.scripted import adopt_plan, instance_of

# Notices about a deadline (new tasks, returns and acceptances are told by decision notices).
DEADLINE_KINDS = ("reminder_before", "due", "escalation")


def unit(session: Session, code: str) -> Unit:
    return session.scalars(select(Unit).where(Unit.code == code)).one()


def record(session: Session, u: Unit) -> UnitPlan:
    return session.scalars(select(UnitPlan).where(UnitPlan.unit_id == u.id)).one()


def one_task(session: Session, u: Unit | None, form_key: str) -> HumanTask:
    found = ready_tasks(session, unit_id=u.id if u else None, form_key=form_key)
    assert len(found) >= 1, f"no ready {form_key}"
    return found[0]


def test_cascade_starts_one_instance_per_unit_with_its_template(session: Session, world) -> None:
    plan, _ = world
    count = session.scalar(select(func.count(ProcessInstance.id)).where(
        ProcessInstance.process_key == "unit_plan"))
    assert count == 90
    assert session.scalar(select(func.count(HumanTask.id)).where(
        HumanTask.form_key == "unit_plan_adapt", HumanTask.status == "ready")) == 90
    commune = unit(session, "muong-la")
    task = one_task(session, commune, "unit_plan_adapt")
    assert task.role == "unit_staff" and task.due_date == date(2026, 1, 10)
    actor = Actor(user_id=1, unit_id=commune.id, grants=(Grant("unit_staff", commune.id),))
    _, data = task_views.get(session, actor, task.id)
    assert len(data["kpis"]) == 29
    assert len(data["tasks"]) == 24
    department = unit(session, "so-tai-chinh")
    dept_task = one_task(session, department, "unit_plan_adapt")
    dept_actor = Actor(user_id=1, unit_id=department.id,
                       grants=(Grant("unit_staff", department.id),))
    assert len(task_views.get(session, dept_actor, dept_task.id)[1]["tasks"]) == 34


def test_adoption_on_time(session: Session, world) -> None:
    plan, cast = world
    commune = unit(session, "muong-la")
    clock.set_now(at(date(2026, 1, 7), 9))
    assert adopt_plan(session, cast, commune, "12/KH-UBND")
    act(session, cast, one_task(session, commune, "unit_plan_review"), {"decision": "accept"})
    session.commit()
    rec = record(session, commune)
    assert rec.status == UnitPlanStatus.ACCEPTED and rec.late is False
    assert rec.plan_number == "12/KH-UBND"
    instance = instance_of(session, "unit_plan", plan.id, commune.id)
    assert instance is not None and instance.status == InstanceStatus.COMPLETED
    actions = session.scalars(select(AuditEvent.action).where(
        AuditEvent.instance_id == instance.id).order_by(AuditEvent.id)).all()
    assert actions.count("task.completed") == 3
    assert actions[-1] == "instance.completed"
    # the reminder branch was terminated with the work: nothing left to fire
    clock.set_now(at(date(2026, 1, 30), 9))
    timers.tick(session)
    assert session.scalar(select(func.count(Notification.id)).where(
        Notification.unit_id == commune.id, Notification.kind.in_(DEADLINE_KINDS))) == 0


def test_returned_for_revision_and_resubmitted(session: Session, world) -> None:
    plan, cast = world
    commune = unit(session, "chieng-an")
    clock.set_now(at(date(2026, 1, 7), 9))
    adopt_plan(session, cast, commune, "05/KH-UBND")
    act(session, cast, one_task(session, commune, "unit_plan_review"),
        {"decision": "return", "comments": "Bổ sung chỉ tiêu VNeID"})
    rec = record(session, commune)
    assert rec.status == UnitPlanStatus.RETURNED and rec.review_comments == "Bổ sung chỉ tiêu VNeID"
    adapt = one_task(session, commune, "unit_plan_adapt")
    actor = cast.actor("unit_staff", commune.id)
    _, data = task_views.get(session, actor, adapt.id)
    assert data["tasks"][0]["responsible"]  # the unit's earlier work comes back, not the template
    leader = cast.actor("unit_leader", commune.id)
    tasks.complete(session, actor, adapt.id, data)
    tasks.complete(session, leader, one_task(session, commune, "unit_plan_approve").id,
                   {"decision": "return", "comments": "Sửa lại mục tiêu"})
    tasks.complete(session, actor, one_task(session, commune, "unit_plan_adapt").id, data)
    tasks.complete(session, leader, one_task(session, commune, "unit_plan_approve").id,
                   {"decision": "approve", "plan_number": "05/KH-UBND", "plan_date": "2026-01-07"})
    act(session, cast, one_task(session, commune, "unit_plan_review"), {"decision": "accept"})
    session.commit()
    assert record(session, commune).status == UnitPlanStatus.ACCEPTED
    assert instance_of(session, "unit_plan", plan.id, commune.id).status == "completed"


def test_late_unit_is_reminded_then_escalated_and_still_accepted(session: Session, world) -> None:
    plan, cast = world
    commune = unit(session, "muong-la")
    instance = instance_of(session, "unit_plan", plan.id, commune.id)
    assert instance is not None

    def notes() -> list[tuple[str, str]]:
        return [(n.kind, n.recipient_role) for n in session.scalars(
            select(Notification).where(Notification.unit_id == commune.id,
                                       Notification.kind.in_(DEADLINE_KINDS))
            .order_by(Notification.id))]

    clock.set_now(at(date(2026, 1, 8), 7, 59))
    timers.tick(session)
    assert notes() == []
    clock.set_now(at(date(2026, 1, 8), 8, 1))
    timers.tick(session)
    assert notes() == [("reminder_before", "unit_staff"), ("reminder_before", "unit_leader")]
    clock.set_now(at(date(2026, 1, 10), 8, 1))
    timers.tick(session)
    assert notes()[2:] == [("due", "unit_leader")]
    # grace period: 5 working days after Saturday 10/01 is Friday 16/01
    clock.set_now(at(date(2026, 1, 16), 7, 59))
    timers.tick(session)
    assert len(notes()) == 3
    clock.set_now(at(date(2026, 1, 16), 8, 1))
    timers.tick(session)
    assert notes()[3:] == [("escalation", "province_leader")]
    session.refresh(instance)
    assert instance.escalated_at is not None
    message = session.scalars(select(Notification.message).where(
        Notification.kind == "escalation", Notification.unit_id == commune.id)).one()
    assert "Xã Mường La" in message and "10/01/2026" in message
    # a second tick fires nothing twice
    timers.tick(session)
    assert len(notes()) == 4
    # late submission is still accepted, and marked late
    clock.set_now(at(date(2026, 1, 19), 9))
    adopt_plan(session, cast, commune, "20/KH-UBND")
    act(session, cast, one_task(session, commune, "unit_plan_review"), {"decision": "accept"})
    session.commit()
    rec = record(session, commune)
    assert rec.status == UnitPlanStatus.ACCEPTED and rec.late is True


def test_submitted_unit_waiting_for_review_is_not_escalated(session: Session, world) -> None:
    plan, cast = world
    commune = unit(session, "to-hieu")
    clock.set_now(at(date(2026, 1, 7), 9))
    adopt_plan(session, cast, commune, "01/KH-UBND")
    session.commit()
    clock.set_now(at(date(2026, 1, 20), 9))
    timers.tick(session)
    assert session.scalar(select(func.count(Notification.id)).where(
        Notification.unit_id == commune.id, Notification.kind.in_(DEADLINE_KINDS))) == 0
    assert instance_of(session, "unit_plan", plan.id, commune.id).escalated_at is None


def test_submission_on_the_due_date_evening_is_on_time(session: Session, world) -> None:
    _, cast = world
    commune = unit(session, "muong-la")
    clock.set_now(clock.end_of_day(date(2026, 1, 10)))
    adopt_plan(session, cast, commune, "02/KH-UBND")
    assert record(session, commune).late is False


def test_concurrent_double_completion_exactly_one_wins(session_factory, world) -> None:
    _, cast = world
    with session_factory() as first, session_factory() as second:
        commune = unit(first, "muong-la")
        task_id = one_task(first, commune, "unit_plan_adapt").id
        actor = cast.actor("unit_staff", commune.id)
        data = task_views.get(first, actor, task_id)[1]
        for item in data["tasks"]:
            item["responsible"] = "Phòng Văn hóa - Xã hội"
        task_views.get(second, actor, task_id)  # the second user opened the same task
        second_task = second.get(HumanTask, task_id)
        second_instance = second_task.instance
        _ = second_instance.lock_version
        tasks.complete(first, actor, task_id, data)
        first.commit()
        with pytest.raises(ConflictError):
            tasks.complete(second, actor, task_id, data)
        second.rollback()
    with session_factory() as check:
        done = check.get(HumanTask, task_id)
        assert done.status == HumanTaskStatus.COMPLETED
        approvals = check.scalar(select(func.count(HumanTask.id)).where(
            HumanTask.unit_id == done.unit_id, HumanTask.form_key == "unit_plan_approve"))
        assert approvals == 1


def test_completing_a_completed_task_is_refused(session: Session, world) -> None:
    _, cast = world
    commune = unit(session, "muong-la")
    clock.set_now(at(date(2026, 1, 7), 9))
    task = one_task(session, commune, "unit_plan_adapt")
    adopt_plan(session, cast, commune, "1/KH")
    from engine.core.errors import TaskNotReadyError

    with pytest.raises(TaskNotReadyError):
        tasks.complete(session, cast.actor("unit_staff", commune.id), task.id, {})


def test_other_units_and_other_roles_are_refused(session: Session, world) -> None:
    _, cast = world
    commune = unit(session, "muong-la")
    task = one_task(session, commune, "unit_plan_adapt")
    stranger = cast.actor("unit_staff", unit(session, "to-hieu").id)
    with pytest.raises(NotFoundError):
        tasks.complete(session, stranger, task.id, {})
    leader = cast.actor("unit_leader", commune.id)
    with pytest.raises(PermissionDeniedError):
        tasks.complete(session, leader, task.id, {})


def test_form_errors_are_in_vietnamese_and_change_nothing(session: Session, world) -> None:
    _, cast = world
    commune = unit(session, "muong-la")
    task = one_task(session, commune, "unit_plan_adapt")
    actor = cast.actor("unit_staff", commune.id)
    data = task_views.get(session, actor, task.id)[1]
    data["kpis"][0]["target_value"] = "abc"
    data["kpis"][1]["target_value"] = 150
    with pytest.raises(FieldErrors) as caught:
        tasks.complete(session, actor, task.id, data)
    assert caught.value.errors["kpis.0.target_value"] == "Phải là một số"
    assert caught.value.errors["kpis.1.target_value"] == "Giá trị phải nhỏ hơn hoặc bằng 100"
    assert caught.value.errors["tasks.0.responsible"] == "Không được để trống"
    assert session.get(HumanTask, task.id).status == HumanTaskStatus.READY
