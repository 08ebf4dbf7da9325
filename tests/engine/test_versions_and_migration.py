"""Deployed versions are immutable; new instances use the newest; migration with preview and
refusals; support operations on instances."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.admin import instance_ops, migration
from engine.core import clock
from engine.core.errors import ConflictError, FieldErrors, PermissionDeniedError
from engine.core.paths import BPMN_DIR
from engine.core.permissions import Actor, Grant
from engine.demo.actors import act, ready_tasks
from engine.demo.bootstrap import at
from engine.processes import lifecycle, tasks
from engine.workflow import definitions, runtime
from models import AuditEvent, HumanTask, InstanceStatus, ProcessDefinition, Unit
from tests.engine.bpmn_edit import insert_user_task_after, remove_elements
from tests.scripted import instance_of

UNIT_PLAN = (BPMN_DIR / "unit_plan.bpmn").read_bytes()
REMINDERS = {"wait_reminder", "remind_before", "wait_due", "remind_due", "wait_grace",
             "escalate_late", "reminders_done"}


def admin(session: Session) -> Actor:
    return Actor(user_id=1, unit_id=1, grants=(Grant("admin", None),))


def unit(session: Session, code: str) -> Unit:
    return session.scalars(select(Unit).where(Unit.code == code)).one()


def with_office_check() -> bytes:
    return insert_user_task_after(UNIT_PLAN, "adapt_plan", "office_check",
                                  "Văn phòng rà soát kế hoạch", "unit_staff", "confirm")


def test_versions_are_numbered_and_identical_content_is_not_redeployed(session: Session,
                                                                      world) -> None:
    first = definitions.latest(session, "unit_plan")
    again = definitions.deploy(session, UNIT_PLAN, "unit_plan.bpmn")
    assert again.created is False and again.version == first.version
    second = definitions.deploy(session, with_office_check(), "unit_plan.bpmn", comment="Rà soát")
    assert (second.created, second.version) == (True, first.version + 1)
    assert second.version is not None
    assert session.get(ProcessDefinition, first.id).bpmn_xml == UNIT_PLAN.decode()
    deployed = session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "definition.deployed"))
    assert deployed is not None and deployed >= 2


def test_new_instances_use_the_newest_version_running_ones_stay(session: Session, world) -> None:
    plan, cast = world
    old = instance_of(session, "unit_plan", plan.id, unit(session, "muong-la").id)
    v2 = definitions.deploy(session, with_office_check(), "unit_plan.bpmn")
    extra = Unit(code="xa-moi", name="Xã Mới", kind="commune", active=True)
    session.add(extra)
    session.flush()
    from engine.processes import cascade

    cascade.run(session, plan.id, "unit_plan")
    new = instance_of(session, "unit_plan", plan.id, extra.id)
    assert new.definition_id == v2.id and old.definition.version == 1
    clock.set_now(at(date(2026, 1, 7), 9))
    for instance in (old, new):
        task = ready_tasks(session, unit_id=instance.unit_id, form_key="unit_plan_adapt")[0]
        from engine.demo.scripted_year import adaptation

        owner = session.get(Unit, instance.unit_id)
        assert owner is not None
        act(session, cast, task, adaptation(session, plan.id, owner))
    assert ready_tasks(session, unit_id=old.unit_id, form_key="unit_plan_approve")
    assert ready_tasks(session, unit_id=extra.id, form_key="confirm")


def test_preview_then_migrate_moves_the_current_step(session: Session, world) -> None:
    plan, cast = world
    muong_la = instance_of(session, "unit_plan", plan.id, unit(session, "muong-la").id)
    v2 = definitions.deploy(session, with_office_check(), "unit_plan.bpmn")
    [shown] = migration.preview(session, [muong_la.id], v2.id)
    assert shown.can_migrate and shown.from_version == 1 and shown.to_version == 2
    assert "adapt_plan" in {e.id for e in shown.current}
    assert "adapt_plan" in {e.id for e in shown.goes_to}
    assert {e.id for e in shown.added} == {"office_check"}
    assert muong_la.definition_id != v2.id  # a preview changes nothing
    with pytest.raises(PermissionDeniedError):
        migration.migrate(session, cast.actor("dost_staff", None), [muong_la.id], v2.id)
    result = migration.migrate(session, admin(session), [muong_la.id], v2.id)
    assert result.migrated == [muong_la.id]
    session.commit()
    assert muong_la.definition_id == v2.id
    assert session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "instance.migrated", AuditEvent.instance_id == muong_la.id)) == 1
    clock.set_now(at(date(2026, 1, 7), 9))
    from engine.demo.scripted_year import adaptation

    task = ready_tasks(session, unit_id=muong_la.unit_id, form_key="unit_plan_adapt")[0]
    act(session, cast, task, adaptation(session, plan.id, unit(session, "muong-la")))
    assert ready_tasks(session, unit_id=muong_la.unit_id, form_key="confirm")


def renamed_adapt_step() -> bytes:
    return UNIT_PLAN.decode().replace('name="Xây dựng kế hoạch của đơn vị"',
                                      'name="Điều chỉnh kế hoạch của đơn vị"').encode()


def test_migration_gives_the_open_task_the_new_versions_step_name(session: Session,
                                                                  world) -> None:
    plan, _ = world
    muong_la = instance_of(session, "unit_plan", plan.id, unit(session, "muong-la").id)
    v1 = muong_la.definition
    v2 = definitions.deploy(session, renamed_adapt_step(), "unit_plan.bpmn", comment="Đổi tên")
    newer = session.get(ProcessDefinition, v2.id)
    assert newer is not None
    renamed = {e.id: e for e in migration.diff_definitions(v1, newer).changed}
    assert renamed["adapt_plan"].old_name == "Xây dựng kế hoạch của đơn vị"
    assert renamed["adapt_plan"].name == "Điều chỉnh kế hoạch của đơn vị"
    [shown] = migration.preview(session, [muong_la.id], v2.id)
    promised = {e.id: e.name for e in shown.goes_to}["adapt_plan"]
    open_task = session.scalars(select(HumanTask).where(
        HumanTask.instance_id == muong_la.id, HumanTask.task_name == "adapt_plan")).one()
    assert open_task.title == "Xây dựng kế hoạch của đơn vị"
    migration.migrate(session, admin(session), [muong_la.id], v2.id)
    session.commit()
    session.refresh(open_task)
    assert (open_task.title, open_task.status) == (promised, "ready")
    assert open_task.title == "Điều chỉnh kế hoạch của đơn vị"


def test_migration_refusals_leave_instances_untouched(session: Session, world) -> None:
    plan, _ = world
    muong_la = instance_of(session, "unit_plan", plan.id, unit(session, "muong-la").id)
    state_before = muong_la.state
    without_reminders = definitions.deploy(session, remove_elements(UNIT_PLAN, REMINDERS),
                                           "unit_plan.bpmn", comment="Bỏ nhắc việc")
    [shown] = migration.preview(session, [muong_la.id], without_reminders.id)
    assert not shown.can_migrate and "Trước hạn" in (shown.reason or "")
    result = migration.migrate(session, admin(session), [muong_la.id], without_reminders.id)
    assert result.migrated == [] and muong_la.id in result.refused
    assert muong_la.state == state_before and muong_la.definition.version == 1
    province = definitions.latest(session, "province_plan")
    [other] = migration.preview(session, [muong_la.id], province.id)
    assert other.reason == "Phiên bản đích thuộc quy trình khác"


def test_suspend_resume_cancel(session: Session, world) -> None:
    plan, cast = world
    instance = instance_of(session, "unit_plan", plan.id, unit(session, "to-hieu").id)
    task = ready_tasks(session, unit_id=instance.unit_id, form_key="unit_plan_adapt")[0]
    with pytest.raises(PermissionDeniedError):
        instance_ops.suspend(session, cast.actor("dost_leader", None), instance.id)
    instance_ops.suspend(session, admin(session), instance.id, "Kiểm tra dữ liệu")
    with pytest.raises(ConflictError):
        tasks.complete(session, cast.actor("unit_staff", instance.unit_id), task.id, {})
    instance_ops.resume(session, admin(session), instance.id)
    assert instance.status == InstanceStatus.RUNNING
    with pytest.raises(FieldErrors):
        instance_ops.cancel(session, admin(session), instance.id, "  ")
    instance_ops.cancel(session, admin(session), instance.id, "Đơn vị sáp nhập")
    assert instance.status == InstanceStatus.CANCELLED
    assert session.scalar(select(func.count(HumanTask.id)).where(
        HumanTask.instance_id == instance.id, HumanTask.status == "ready")) == 0
    actions = session.scalars(select(AuditEvent.action).where(
        AuditEvent.instance_id == instance.id)).all()
    assert {"instance.suspended", "instance.resumed", "instance.cancelled"} <= set(actions)


def test_retry_a_task_in_error_after_fixing_data(session: Session, world) -> None:
    plan, _ = world
    instance = instance_of(session, "unit_plan", plan.id, unit(session, "muong-la").id)
    workflow = runtime.load(instance)
    # A gateway fed an unexpected decision fails: the instance goes to ERROR, nothing is lost.
    task = runtime.ready_user_tasks(workflow)[0]
    task.data["decision"] = "?"
    task.run()
    leader = [t for t in runtime.ready_user_tasks(workflow)]
    assert leader
    leader[0].data["decision"] = "maybe"
    leader[0].run()
    lifecycle.advance(session, instance, workflow)
    assert instance.status == InstanceStatus.ERROR and instance.error_message
    workflow = runtime.load(instance)
    from SpiffWorkflow.util.task import TaskState

    failed = workflow.get_tasks(state=TaskState.ERROR)
    failed[0].data["decision"] = "return"
    runtime.save(session, instance, workflow)
    assert instance_ops.retry(session, admin(session), instance.id) == 1
    assert instance.status == InstanceStatus.RUNNING
    assert ready_tasks(session, unit_id=instance.unit_id, form_key="unit_plan_adapt")
