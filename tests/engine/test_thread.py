"""engine.queries.thread and plan_changes: what people wrote travels with the instance, a
substitute's step reads "… ký thay …", and the next person sees what changed in the plan."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.admin import substitutions
from engine.core import clock
from engine.core.errors import NotFoundError
from engine.core.permissions import Actor, Grant, actor_for
from engine.demo.actors import Cast, act, ready_tasks
from engine.demo.bootstrap import at
from engine.domain import extensions, inspections, unit_plans
from engine.processes import cascade, tasks
from engine.queries import instance_views, plan_changes, task_pages, task_views, thread
from models import HumanTask, Unit, User

STAFF_NOTE = "Xã chưa có hạ tầng 5G; đề nghị điều chỉnh."
DROP_REASON = "Không có doanh nghiệp công nghệ số trên địa bàn"
RETURN_NOTE = "Đề nghị nâng chỉ tiêu III.14 lên 90%"
DOST_NOTE = "Đã kiểm tra, đề nghị đơn vị triển khai đúng tiến độ"


def _unit(session: Session, code: str) -> Unit:
    return session.scalars(select(Unit).where(Unit.code == code)).one()


def _user(session: Session, username: str) -> User:
    return session.scalars(select(User).where(User.username == username)).one()


def _one(session: Session, unit: Unit, form_key: str) -> HumanTask:
    return ready_tasks(session, unit_id=unit.id, form_key=form_key)[0]


def _kpi(content: dict[str, Any], code: str) -> dict[str, Any]:
    return next(k for k in content["kpis"] if k["code"] == code)


def _first_draft(session: Session, unit: Unit) -> dict[str, Any]:
    """The staff's first adaptation: I.2 dropped with a reason, III.14 at 85 %, a note."""
    task = _one(session, unit, "unit_plan_adapt")
    content = unit_plans.default_content(session, task.instance.plan_id, unit)
    for item in content["tasks"]:
        item["responsible"] = "Phòng Văn hóa - Xã hội"
    _kpi(content, "I.2").update(selected=False, note=DROP_REASON)
    _kpi(content, "III.14").update(target_value=85.0)
    return {**content, "notes": STAFF_NOTE}


def _approve(session: Session, cast: Cast, unit: Unit, actor: Actor | None = None) -> None:
    task = _one(session, unit, "unit_plan_approve")
    data = {"decision": "approve", "plan_number": "12/KH-UBND", "plan_date": "2026-01-07"}
    tasks.complete(session, actor or cast.actor("unit_leader", unit.id), task.id, data)


@pytest.fixture
def returned_once(session: Session, world: Any) -> tuple[Unit, Cast, dict[str, Any]]:
    """Mường La: staff drafts, the leader returns it with a comment, staff fixes and resends."""
    _, cast = world
    unit = _unit(session, "muong-la")
    clock.set_now(at(date(2026, 1, 7), 9))
    first = _first_draft(session, unit)
    act(session, cast, _one(session, unit, "unit_plan_adapt"), first)
    clock.set_now(at(date(2026, 1, 7), 10))
    act(session, cast, _one(session, unit, "unit_plan_approve"),
        {"decision": "return", "comments": RETURN_NOTE})
    clock.set_now(at(date(2026, 1, 7), 11))
    second = copy.deepcopy(first)
    _kpi(second, "III.14").update(target_value=90.0)
    second["tasks"][1]["kept"] = False
    second["tasks"].append({"code": "BS1", "name": "Tập huấn kỹ năng số cho cán bộ thôn",
                            "kept": True, "responsible": "Văn phòng", "product": "",
                            "deadline_text": "Quý II", "added": True})
    act(session, cast, _one(session, unit, "unit_plan_adapt"), second)
    session.flush()
    return unit, cast, second


def test_the_leaders_return_reaches_the_staff_and_sở_khcn_sees_everything(
        session: Session, returned_once: tuple[Unit, Cast, dict[str, Any]]) -> None:
    unit, cast, _ = returned_once
    staff = cast.actor("unit_staff", unit.id)
    # the staff's second submission is done: their task page shows the leader's comment
    adapt = session.scalars(select(HumanTask).where(
        HumanTask.unit_id == unit.id, HumanTask.form_key == "unit_plan_adapt")
        .order_by(HumanTask.id)).all()[-1]
    seen = thread.for_task(session, staff, adapt.id)
    assert [e.decision for e in seen.entries] == ["", "Trả lại để chỉnh sửa", ""]
    assert seen.entries[1].notes == (thread.Note("Ý kiến của lãnh đạo", RETURN_NOTE),)
    assert seen.entries[1].returned and seen.entries[1].author == "Lãnh đạo Xã Mường La"
    assert seen.completed_by == "Chuyên viên Xã Mường La"
    _approve(session, cast, unit)
    review = _one(session, unit, "unit_plan_review")
    entries = thread.for_task(session, cast.actor("dost_staff", None), review.id).entries
    assert [e.step for e in entries] == [
        "Xây dựng kế hoạch của đơn vị", "Lãnh đạo phê duyệt kế hoạch",
        "Xây dựng kế hoạch của đơn vị", "Lãnh đạo phê duyệt kế hoạch"]
    first = dict((n.label, n.text) for n in entries[0].notes)
    assert first["Ghi chú"] == STAFF_NOTE
    assert first["Chỉ tiêu không áp dụng"].startswith("I.2 – ")
    assert first["Chỉ tiêu không áp dụng"].endswith(": " + DROP_REASON)
    assert entries[3].decision == "Đồng ý" and entries[3].notes == ()
    assert [e.at for e in entries] == sorted(e.at for e in entries)


def test_sở_khcns_comment_reaches_the_unit_page(
        session: Session, world: Any, returned_once: tuple[Unit, Cast, dict[str, Any]]) -> None:
    unit, cast, _ = returned_once
    _approve(session, cast, unit)
    clock.set_now(at(date(2026, 1, 8), 9))
    act(session, cast, _one(session, unit, "unit_plan_review"),
        {"decision": "accept", "comments": DOST_NOTE})
    plan, _ = world
    threads = thread.for_unit(session, cast.actor("unit_staff", unit.id), unit.id, plan.id)
    assert [t.title for t in threads] == ["Kế hoạch của đơn vị"]
    latest = threads[0].entries
    assert len(latest) == 3 and threads[0].total == 5
    assert latest[-1].decision == "Tiếp nhận"
    assert latest[-1].notes == (thread.Note("Ý kiến của Sở KHCN", DOST_NOTE),)


def test_a_substitutes_step_reads_ký_thay_in_the_thread_and_the_history(
        session: Session, returned_once: tuple[Unit, Cast, dict[str, Any]]) -> None:
    unit, _, _ = returned_once
    staff, leader = _user(session, "muong-la.staff"), _user(session, "muong-la.leader")
    substitutions.create(session, leader.id, leader.id, staff.id, date(2026, 1, 7),
                         date(2026, 1, 20), today=date(2026, 1, 7))
    substitute = actor_for(session, staff, date(2026, 1, 7))
    task = _one(session, unit, "unit_plan_approve")
    tasks.complete(session, substitute, task.id, {
        "decision": "approve", "plan_number": "12/KH-UBND", "plan_date": "2026-01-07",
        "comments": "Ký thay lãnh đạo đi công tác"})
    signed = f"{staff.full_name} ký thay {leader.full_name}"
    done = thread.for_task(session, substitute, task.id)
    assert done.completed_by == signed and done.entries[-1].signed == signed
    assert done.entries[-1].on_behalf_of == leader.full_name
    history = instance_views.trail(session, task.instance_id)
    approvals = [h for h in history if "Lãnh đạo phê duyệt" in h.what]
    assert approvals[0].who == leader.full_name  # the leader's own return
    assert approvals[-1].who == signed
    assert approvals[-1].detail == "Ý kiến: đồng ý — Ký thay lãnh đạo đi công tác"
    assert approvals[0].detail == f"Ý kiến: trả lại để chỉnh sửa — {RETURN_NOTE}"


def test_extension_request_and_decision_join_the_thread(session: Session, world: Any) -> None:
    _, cast = world
    unit = _unit(session, "muong-la")
    task = _one(session, unit, "unit_plan_adapt")
    clock.set_now(at(date(2026, 1, 8), 9))
    row = extensions.request(session, cast.actor("unit_staff", unit.id), task.instance_id,
                             date(2026, 1, 20), "Chờ ý kiến Đảng ủy xã")
    extensions.decide(session, cast.actor("dost_staff", None), row.id, False,
                      "Hạn đã được thông báo từ đầu năm")
    entries = thread.for_instance(session, cast.actor("unit_staff", unit.id), task.instance_id)
    assert [(e.step, e.decision) for e in entries] == [
        ("Đề nghị gia hạn", ""), ("Sở KHCN xem xét đề nghị gia hạn", "Không chấp thuận")]
    assert entries[0].notes == (thread.Note("Hạn đề nghị", "20/01/2026"),
                                thread.Note("Lý do", "Chờ ý kiến Đảng ủy xã"))
    assert entries[1].returned
    assert thread.Note("Ý kiến", "Hạn đã được thông báo từ đầu năm") in entries[1].notes


def test_another_unit_cannot_read_the_thread(session: Session, world: Any) -> None:
    _, cast = world
    unit, other = _unit(session, "muong-la"), _unit(session, "to-hieu")
    task = _one(session, unit, "unit_plan_adapt")
    stranger = Actor(user_id=1, unit_id=other.id, grants=(Grant("unit_staff", other.id),))
    with pytest.raises(NotFoundError):
        thread.for_instance(session, stranger, task.instance_id)
    with pytest.raises(NotFoundError):
        thread.for_task(session, stranger, task.id)


def test_a_conclusion_travels_to_the_remediation_task() -> None:
    notes = thread.task_notes("inspection_conclusion", {
        "conclusion_number": "05/TB-SKHCN", "conclusion": "Đơn vị chưa cập nhật số liệu",
        "remediation_required": True, "remediation_due": "2026-10-15"}, {}, {})
    assert notes == (thread.Note("Kết luận", "Đơn vị chưa cập nhật số liệu"),
                     thread.Note("Yêu cầu đơn vị khắc phục", "Hạn báo cáo khắc phục: 15/10/2026"))
    findings = thread.task_notes("inspection_findings", {
        "findings": "Thiếu báo cáo quý I", "recommendations": "  "}, {}, {})
    assert findings == (thread.Note("Kết quả kiểm tra", "Thiếu báo cáo quý I"),)
    assert thread.task_notes("aggregation_review", None, {"comment": "Đã rà soát"}, {}) == (
        thread.Note("Ý kiến", "Đã rà soát"),)


def test_signed_by_names_the_absent_person() -> None:
    assert thread.signed_by("Nguyễn Văn B", None) == "Nguyễn Văn B"
    assert thread.signed_by("Nguyễn Văn B", "Trần Thị A") == "Nguyễn Văn B ký thay Trần Thị A"


# --- what changed since the previous submission ----------------------------------------------

def test_compare_lists_dropped_kpis_targets_and_tasks() -> None:
    before = {"kpis": [{"code": "A", "selected": True, "target_value": 50.0, "comparator": ">="},
                       {"code": "B", "selected": True, "target_value": 10.0},
                       {"code": "C", "selected": False, "target_value": 5.0}],
              "tasks": [{"code": "1", "name": "Một", "kept": True},
                        {"code": "2", "name": "Hai", "kept": True}]}
    after = {"kpis": [{"code": "A", "selected": True, "target_value": 60.0, "comparator": ">="},
                      {"code": "B", "selected": False, "note": "Không phù hợp"},
                      {"code": "C", "selected": True, "target_value": 5.0}],
             "tasks": [{"code": "1", "name": "Một", "kept": False},
                       {"code": "2", "name": "Hai", "kept": True},
                       {"code": "BS1", "name": "Ba", "kept": True, "added": True}]}
    changes = plan_changes.compare(before, after, {"A": "Chỉ tiêu A"}, "lần gửi trước")
    assert changes.dropped == (plan_changes.Item("B", "", "Không phù hợp"),)
    assert changes.restored == (plan_changes.Item("C", ""),)
    assert changes.targets == (plan_changes.TargetChange("A", "Chỉ tiêu A", "≥ 50%", "≥ 60%"),)
    assert changes.tasks_added == (plan_changes.Item("BS1", "Ba"),)
    assert changes.tasks_removed == (plan_changes.Item("1", "Một"),)
    assert not changes.empty
    assert plan_changes.compare(before, before, {}, "x").empty


def test_a_dropped_kpi_without_a_reason_says_so() -> None:
    changes = plan_changes.compare({"kpis": [{"code": "A", "selected": True}]},
                                   {"kpis": [{"code": "A", "selected": False, "note": " "}]},
                                   {}, "x")
    assert changes.dropped[0].text == "chưa nêu lý do"


def test_the_leader_sees_the_changes_since_the_returned_round(
        session: Session, returned_once: tuple[Unit, Cast, dict[str, Any]]) -> None:
    unit, cast, second = returned_once
    task = _one(session, unit, "unit_plan_approve")
    view = task_views.one(session, cast.actor("unit_leader", unit.id), task.id)
    changes = task_pages.changes_for(session, view)
    assert changes is not None and changes.against.startswith("lần gửi trước (07/01/2026 ")
    assert [(t.code, t.old, t.new) for t in changes.targets] == [("III.14", "≥ 85%", "≥ 90%")]
    assert changes.dropped == ()
    assert [t.code for t in changes.tasks_added] == ["BS1"]
    assert [t.code for t in changes.tasks_removed] == [second["tasks"][1]["code"]]


def test_the_first_submission_is_compared_with_the_province_template(
        session: Session, world: Any) -> None:
    _, cast = world
    unit = _unit(session, "muong-la")
    clock.set_now(at(date(2026, 1, 7), 9))
    act(session, cast, _one(session, unit, "unit_plan_adapt"), _first_draft(session, unit))
    task = _one(session, unit, "unit_plan_approve")
    view = task_views.one(session, cast.actor("unit_leader", unit.id), task.id)
    changes = task_pages.changes_for(session, view)
    assert changes is not None and changes.against == "kế hoạch mẫu của tỉnh"
    assert [(k.code, k.text) for k in changes.dropped] == [("I.2", DROP_REASON)]
    assert changes.dropped[0].name  # the KPI's name from the province plan
    assert [t.code for t in changes.targets] == ["III.14"]
    assert changes.tasks_added == () and changes.tasks_removed == ()


def test_nothing_to_compare_before_the_first_submission(session: Session, world: Any) -> None:
    _, cast = world
    unit = _unit(session, "muong-la")
    task = _one(session, unit, "unit_plan_adapt")
    view = task_views.one(session, cast.actor("unit_staff", unit.id), task.id)
    assert plan_changes.since_previous(session, view) is None
    assert task_pages.changes_for(session, view) is None  # the adaptation form shows none


def test_findings_reach_the_leader_and_the_conclusion_reaches_the_unit(
        session: Session, world: Any) -> None:
    plan, cast = world
    unit = _unit(session, "muong-la")
    clock.set_now(at(date(2026, 8, 3), 9))  # the leader's choice, without playing the year
    inspections.select_units(session, plan, ["muong-la"], date(2026, 11, 30))
    cascade.run(session, plan.id, "inspection")
    act(session, cast, _one(session, unit, "inspection_findings"),
        {"findings": "Chưa ban hành quy chế quản lý dữ liệu",
         "recommendations": "Ban hành trong quý IV"})
    conclusion = _one(session, unit, "inspection_conclusion")
    seen = thread.for_task(session, cast.actor("dost_leader", None), conclusion.id).entries
    assert [n.text for n in seen[-1].notes] == ["Chưa ban hành quy chế quản lý dữ liệu",
                                                "Ban hành trong quý IV"]
    act(session, cast, conclusion, {
        "conclusion_number": "27/TB-SKHCN", "conclusion": "Yêu cầu ban hành quy chế",
        "remediation_required": True, "remediation_due": "2026-10-15"})
    remediation = _one(session, unit, "inspection_remediation")
    entries = thread.for_task(session, cast.actor("unit_staff", unit.id), remediation.id).entries
    assert entries[-1].step == "Ký kết luận kiểm tra"
    assert entries[-1].notes == (
        thread.Note("Kết luận", "Yêu cầu ban hành quy chế"),
        thread.Note("Yêu cầu đơn vị khắc phục", "Hạn báo cáo khắc phục: 15/10/2026"))
    assert "Chưa ban hành quy chế quản lý dữ liệu" in entries[-2].notes[0].text
