"""Quarterly reports, internal reports, inspections, aggregation rounds, messages, extensions."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.core import clock
from engine.core.errors import ConflictError, FieldErrors, PermissionDeniedError
from engine.demo.actors import act, ready_tasks
from engine.demo.bootstrap import at
from engine.demo.scripted_year import adaptation
from engine.domain import extensions
from engine.processes import plan_withdrawal, tasks, timers
from engine.queries import task_views
from models import (
    AggregateReport,
    HumanTask,
    Inspection,
    InstanceStatus,
    Notification,
    ProcessInstance,
    Report,
    ReportStatus,
    Unit,
)
from tests.scripted import instance_of


def unit(session: Session, code: str) -> Unit:
    return session.scalars(select(Unit).where(Unit.code == code)).one()


def task_of(session: Session, u: Unit | None, form_key: str) -> HumanTask:
    found = ready_tasks(session, unit_id=u.id if u else None, form_key=form_key)
    assert found, f"no ready {form_key}"
    return found[0]


def adopt_and_accept(session: Session, cast, u: Unit, content=None) -> None:  # type: ignore[no-untyped-def]
    act(session, cast, task_of(session, u, "unit_plan_adapt"),
        content or adaptation(session, task_of(session, u, "unit_plan_adapt").instance.plan_id, u))
    act(session, cast, task_of(session, u, "unit_plan_approve"),
        {"decision": "approve", "plan_number": "01/KH", "plan_date": clock.today().isoformat()})
    act(session, cast, task_of(session, u, "unit_plan_review"), {"decision": "accept"})


def open_q1(session: Session) -> None:
    clock.set_now(at(date(2026, 2, 19), 8, 1))
    timers.tick(session)


def test_q1_round_opens_on_schedule_for_every_unit(session: Session, world) -> None:
    plan, _ = world
    clock.set_now(at(date(2026, 2, 19), 7, 59))
    timers.tick(session)
    assert session.scalar(select(func.count(ProcessInstance.id)).where(
        ProcessInstance.process_key == "quarterly_report")) == 0
    open_q1(session)
    instances = session.scalars(select(ProcessInstance).where(
        ProcessInstance.process_key == "quarterly_report")).all()
    assert len(instances) == 90
    assert {i.due_date for i in instances} == {date(2026, 3, 5)}
    assert {i.round_key for i in instances} == {"q1"}
    # Mường La cascades inside: its departments report to it before 02/03
    internal = session.scalars(select(ProcessInstance).where(
        ProcessInstance.process_key == "internal_report")).all()
    assert len(internal) == 6 and {i.due_date for i in internal} == {date(2026, 3, 2)}
    muong_la_q1 = instance_of(session, "quarterly_report", plan.id, unit(session, "muong-la").id,
                              "q1")
    assert {i.parent_instance_id for i in internal} == {muong_la_q1.id}


def test_quarterly_report_every_branch_and_prefill(session: Session, world) -> None:
    plan, cast = world
    commune = unit(session, "to-hieu")
    clock.set_now(at(date(2026, 1, 7), 9))
    adopt_and_accept(session, cast, commune)
    open_q1(session)
    fill = task_of(session, commune, "quarterly_report_fill")
    staff = cast.actor("unit_staff", commune.id)
    _, data = task_views.get(session, staff, fill.id)
    assert len(data["kpi_results"]) == 29 and len(data["task_statuses"]) == 24
    data["kpi_results"][0]["actual_value"] = 50.0
    data["task_statuses"][0].update(status="done", description="Đã ban hành kế hoạch")
    tasks.complete(session, staff, fill.id, data)
    leader = cast.actor("unit_leader", commune.id)
    tasks.complete(session, leader, task_of(session, commune, "quarterly_report_approve").id,
                   {"decision": "return", "comments": "Bổ sung số liệu"})
    tasks.complete(session, staff, task_of(session, commune, "quarterly_report_fill").id, data)
    tasks.complete(session, leader, task_of(session, commune, "quarterly_report_approve").id,
                   {"decision": "approve", "report_number": "15/BC-UBND"})
    act(session, cast, task_of(session, commune, "quarterly_report_review"),
        {"decision": "return", "comments": "Thiếu mô tả nhiệm vụ"})
    again = task_of(session, commune, "quarterly_report_fill")
    assert task_views.get(session, staff, again.id)[1]["task_statuses"][0]["status"] == "done"
    tasks.complete(session, staff, again.id, data)
    tasks.complete(session, leader, task_of(session, commune, "quarterly_report_approve").id,
                   {"decision": "approve", "report_number": "15/BC-UBND"})
    act(session, cast, task_of(session, commune, "quarterly_report_review"), {"decision": "accept"})
    report = session.scalars(select(Report).where(Report.unit_id == commune.id)).one()
    assert report.status == ReportStatus.ACCEPTED and report.late is False
    first = report.kpi_results[0]
    assert (first["code"], first["target_value"], first["verdict"]) == ("I.1", 44.65, "dat")
    assert report.kpi_results[1]["verdict"] == "chua_dat"  # no figure entered
    instance = instance_of(session, "quarterly_report", plan.id, commune.id, "q1")
    assert instance.status == InstanceStatus.COMPLETED
    # Q2 is prefilled from Q1
    clock.set_now(at(date(2026, 5, 22), 8, 1))
    timers.tick(session)
    q2 = task_of(session, commune, "quarterly_report_fill")
    q2_data = task_views.get(session, staff, q2.id)[1]
    assert q2_data["task_statuses"][0]["status"] == "done"
    assert q2_data["kpi_results"][0]["actual_value"] == 50.0


def test_late_quarterly_report_is_reminded_escalated_and_marked_late(session: Session,
                                                                     world) -> None:
    plan, cast = world
    commune = unit(session, "muong-la")
    open_q1(session)
    clock.set_now(at(date(2026, 3, 13), 8, 1))  # 05/03 + 5 working days = 12/03
    timers.tick(session)
    kinds = [n.kind for n in session.scalars(select(Notification).where(
        Notification.unit_id == commune.id, Notification.instance_id.in_(select(
            ProcessInstance.id).where(ProcessInstance.process_key == "quarterly_report")))
        .order_by(Notification.id))]  # in the order written (PostgreSQL returns no set order)
    assert kinds == ["new_task", "reminder_before", "reminder_before", "due", "escalation"]
    act(session, cast, task_of(session, commune, "quarterly_report_fill"),
        task_views.get(session, cast.actor("unit_staff", commune.id),
                  task_of(session, commune, "quarterly_report_fill").id)[1])
    act(session, cast, task_of(session, commune, "quarterly_report_approve"),
        {"decision": "approve"})
    report = session.scalars(select(Report).where(Report.unit_id == commune.id)).one()
    assert report.late is True


def test_internal_department_escalates_to_its_commune(session: Session, world) -> None:
    _, cast = world
    open_q1(session)
    clock.set_now(at(date(2026, 3, 4), 8, 1))
    timers.tick(session)
    commune = unit(session, "muong-la")
    escalations = session.scalars(select(Notification).join(
        ProcessInstance, ProcessInstance.id == Notification.instance_id).where(
        ProcessInstance.process_key == "internal_report",
        Notification.kind == "escalation", Notification.unit_id == commune.id)).all()
    assert len(escalations) == 6
    assert {n.recipient_role for n in escalations} == {"unit_leader"}
    assert "UBND xã" in escalations[0].message


def test_inspection_with_remediation_late_is_escalated(session: Session, world) -> None:
    plan, cast = world
    clock.set_now(at(date(2026, 8, 1), 8, 1))
    timers.tick(session)
    select_task = task_of(session, None, "inspection_select")
    assert select_task.role == "dost_leader"
    with pytest.raises(FieldErrors):
        act(session, cast, select_task, {"unit_codes": ["khong-co"], "due_date": "2026-11-30"})
    session.rollback()
    act(session, cast, task_of(session, None, "inspection_select"),
        {"unit_codes": ["muong-la", "so-tai-chinh"], "due_date": "2026-11-30"})
    assert session.scalar(select(func.count(ProcessInstance.id)).where(
        ProcessInstance.process_key == "inspection")) == 2
    for code, required in (("muong-la", True), ("so-tai-chinh", False)):
        u = unit(session, code)
        act(session, cast, task_of(session, u, "inspection_findings"),
            {"findings": "Chưa ban hành quy chế", "recommendations": "Ban hành quy chế"})
        act(session, cast, task_of(session, u, "inspection_conclusion"),
            {"conclusion_number": "27/TB-ĐKT", "conclusion": "Yêu cầu khắc phục",
             "remediation_required": required, "remediation_due": "2026-09-15"})
    no_fix = instance_of(session, "inspection", plan.id, unit(session, "so-tai-chinh").id)
    assert no_fix.status == InstanceStatus.COMPLETED
    muong_la = unit(session, "muong-la")
    clock.set_now(at(date(2026, 9, 23), 8, 1))
    timers.tick(session)
    assert session.scalar(select(func.count(Notification.id)).join(
        ProcessInstance, ProcessInstance.id == Notification.instance_id).where(
        ProcessInstance.process_key == "inspection",
        Notification.unit_id == muong_la.id, Notification.kind == "escalation")) == 1
    act(session, cast, task_of(session, muong_la, "inspection_remediation"),
        {"remediation_report": "Đã ban hành quy chế"})
    inspection = session.scalars(select(Inspection).where(
        Inspection.unit_id == muong_la.id)).one()
    assert inspection.remediation_late is True and inspection.conclusion_number == "27/TB-ĐKT"


def test_province_instance_is_told_when_every_unit_plan_is_accepted(session: Session,
                                                                   world) -> None:
    plan, cast = world
    clock.set_now(at(date(2026, 1, 7), 9))
    units = session.scalars(select(Unit).where(Unit.kind.in_(["department", "commune"]))).all()
    for u in units[:-1]:
        adopt_and_accept(session, cast, u)
    session.commit()
    assert timers.tick(session).messages == 89
    leaders = select(Notification).where(Notification.recipient_role == "dost_leader",
                                         Notification.kind != "new_task")
    assert session.scalars(leaders).all() == []
    adopt_and_accept(session, cast, units[-1])
    session.commit()
    timers.tick(session)  # delivers the last acceptance, which derives the province message
    timers.tick(session)
    [note] = session.scalars(leaders).all()
    assert note.kind == "all_accepted" and "Tất cả các đơn vị" in note.message
    province = session.scalars(select(ProcessInstance).where(
        ProcessInstance.process_key == "province_plan")).one()
    assert province.status == InstanceStatus.RUNNING  # the year goes on


def test_withdrawn_plan_cancels_waiting_unit_instances(session: Session, world) -> None:
    plan, cast = world
    clock.set_now(at(date(2026, 1, 7), 9))
    adopt_and_accept(session, cast, unit(session, "muong-la"))
    with pytest.raises(PermissionDeniedError):
        plan_withdrawal.withdraw(session, cast.actor("dost_staff", None), plan.id, "Sai sót")
    with pytest.raises(FieldErrors):
        plan_withdrawal.withdraw(session, cast.actor("dost_leader", None), plan.id, " ")
    plan_withdrawal.withdraw(session, cast.actor("dost_leader", None), plan.id,
                            "Ban hành lại kế hoạch")
    session.commit()
    statuses = dict(session.execute(select(ProcessInstance.status, func.count()).where(
        ProcessInstance.process_key == "unit_plan").group_by(ProcessInstance.status)).all())
    assert statuses == {"cancelled": 89, "completed": 1}
    assert session.scalar(select(func.count(HumanTask.id)).where(
        HumanTask.status == "ready", HumanTask.process_key == "unit_plan")) == 0


def test_extension_moves_the_timers(session: Session, world) -> None:
    plan, cast = world
    commune = unit(session, "muong-la")
    instance = instance_of(session, "unit_plan", plan.id, commune.id)
    staff = cast.actor("unit_staff", commune.id)
    with pytest.raises(FieldErrors):
        extensions.request(session, staff, instance.id, date(2026, 1, 9), "")
    request = extensions.request(session, staff, instance.id, date(2026, 1, 20),
                                 "Chờ ý kiến Ban Chỉ đạo xã")
    with pytest.raises(ConflictError):
        extensions.request(session, staff, instance.id, date(2026, 1, 21), "Lần hai")
    with pytest.raises(PermissionDeniedError):
        extensions.decide(session, staff, request.id, True)
    extensions.decide(session, cast.actor("dost_staff", None), request.id, True, "Đồng ý")
    session.commit()
    assert instance_of(session, "unit_plan", plan.id, commune.id).due_date == date(2026, 1, 20)
    assert task_of(session, commune, "unit_plan_adapt").due_date == date(2026, 1, 20)
    # the old escalation moment (16/01) passes quietly; the new one is 27/01
    clock.set_now(at(date(2026, 1, 16), 9))
    timers.tick(session)
    mine = select(Notification.kind).where(Notification.unit_id == commune.id)
    assert "escalation" not in session.scalars(mine).all()
    assert "due" not in session.scalars(mine).all()
    clock.set_now(at(date(2026, 1, 27), 8, 1))
    timers.tick(session)
    assert session.scalars(mine).all().count("escalation") == 1
    with pytest.raises(ConflictError):
        extensions.decide(session, cast.actor("dost_staff", None), request.id, False, "x")


def test_refused_extension_changes_nothing(session: Session, world) -> None:
    plan, cast = world
    commune = unit(session, "to-hieu")
    instance = instance_of(session, "unit_plan", plan.id, commune.id)
    request = extensions.request(session, cast.actor("unit_leader", commune.id), instance.id,
                                 date(2026, 1, 30), "Thiếu nhân lực")
    with pytest.raises(FieldErrors):
        extensions.decide(session, cast.actor("dost_leader", None), request.id, False, "")
    extensions.decide(session, cast.actor("dost_leader", None), request.id, False, "Không có cơ sở")
    assert instance_of(session, "unit_plan", plan.id, commune.id).due_date == date(2026, 1, 10)


def test_aggregation_rounds_start_after_the_due_dates(session: Session, world) -> None:
    plan, cast = world
    open_q1(session)
    clock.set_now(at(date(2026, 3, 13), 8, 1))
    timers.tick(session)
    report = session.scalars(select(AggregateReport).where(
        AggregateReport.round_key == "q1")).one()
    assert report.data["who"]["counts"] == {"on_time": 0, "late": 0, "missing": 90}
    review = task_of(session, None, "aggregation_review")
    act(session, cast, review, {"summary": "Chưa đơn vị nào gửi báo cáo"})
    act(session, cast, task_of(session, None, "aggregation_approve"),
        {"decision": "return", "comments": "Bổ sung danh sách"})
    act(session, cast, task_of(session, None, "aggregation_review"), {"summary": "Đã bổ sung"})
    act(session, cast, task_of(session, None, "aggregation_approve"), {"decision": "approve"})
    session.refresh(report)
    assert report.approved_at is not None and report.reviewed_comments == "Đã bổ sung"
