"""The task page: generated form, draft, added rows, field errors, completion, read-only views."""
from __future__ import annotations

from datetime import date

from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from engine.core import clock
from engine.demo.actors import act
from engine.demo.bootstrap import at
from models import HumanTask, HumanTaskStatus, Unit, UnitPlan
from tests.web.conftest import field_value, flashes, form_fields, set_field, task_id_of, text


def _adapt(client: FlaskClient, fresh) -> tuple[int, list[tuple[str, str]]]:
    task_id = task_id_of(fresh, "muong-la", "unit_plan_adapt")
    response = client.get(f"/tasks/{task_id}")
    assert response.status_code == 200
    return task_id, form_fields(text(response))


def _post(client: FlaskClient, task_id: int, fields: list[tuple[str, str]], action: str):
    return client.post(f"/tasks/{task_id}", data=MultiDict(fields + [("action", action)]))


def test_editor_shows_kpis_targets_and_template_tasks(signed_in, fresh) -> None:
    client = signed_in("muong-la.staff")
    task_id, fields = _adapt(client, fresh)
    body = text(client.get(f"/tasks/{task_id}"))
    assert "Tỷ lệ phủ sóng 5G trên địa bàn" in body and "PHÁT TRIỂN HẠ TẦNG SỐ" in body
    assert "Nhiệm vụ <span" in body and "Thêm nhiệm vụ" in body
    assert "Lưu nháp" in body and "Hoàn thành" in body
    assert field_value(fields, "kpis-0-code") == "I.1"
    assert field_value(fields, "kpis-0-target_value") == "44,65"
    assert field_value(fields, "kpis-0-selected") == "true"
    assert field_value(fields, "tasks-23-kept") == "true"
    assert field_value(fields, "tasks-24-code") is None  # the <template> row is not submitted


def test_save_draft_keeps_unvalidated_data(signed_in, fresh) -> None:
    client = signed_in("muong-la.staff")
    task_id, fields = _adapt(client, fresh)
    fields = set_field(fields, "kpis-1-target_value", "abc")
    fields = set_field(fields, "tasks-0-responsible", "Văn phòng HĐND và UBND")
    response = _post(client, task_id, fields, "draft")
    assert response.status_code == 302 and response.headers["Location"] == f"/tasks/{task_id}"
    assert flashes(client) == ["Đã lưu nháp."]
    with fresh() as session:
        draft = session.get(HumanTask, task_id).draft
    assert draft["kpis"][1]["target_value"] == "abc" and draft["kpis"][0]["target_value"] == 44.65
    assert draft["tasks"][0]["responsible"] == "Văn phòng HĐND và UBND"
    reopened = form_fields(text(client.get(f"/tasks/{task_id}")))
    assert field_value(reopened, "kpis-1-target_value") == "abc"


def test_add_task_row_saves_a_draft_with_an_empty_added_task(signed_in, fresh) -> None:
    client = signed_in("muong-la.staff")
    task_id, fields = _adapt(client, fresh)
    response = _post(client, task_id, fields, "add_task")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/tasks/{task_id}?tab=tasks#task-row-24"
    with fresh() as session:
        added = session.get(HumanTask, task_id).draft["tasks"][-1]
    assert added["code"] == "BS1" and added["added"] is True and added["kept"] is True
    body = text(client.get(f"/tasks/{task_id}?tab=tasks"))
    assert 'id="task-row-24"' in body and 'class="tab-pane show active" id="pane-tasks"' in body
    # left empty, the added row is dropped when the form is saved again
    _post(client, task_id, form_fields(body), "draft")
    with fresh() as session:
        assert len(session.get(HumanTask, task_id).draft["tasks"]) == 24


def test_field_errors_are_shown_next_to_the_fields(signed_in, fresh) -> None:
    client = signed_in("muong-la.staff")
    task_id, fields = _adapt(client, fresh)
    fields = set_field(fields, "kpis-2-target_value", "nhiều")
    fields = set_field(fields, "kpis-3-target_value", "150")
    response = _post(client, task_id, fields, "complete")
    assert response.status_code == 400
    body = text(response)
    assert "Phải là một số" in body and "Giá trị phải nhỏ hơn hoặc bằng 100" in body
    assert '<div class="invalid-feedback d-block">Phải là một số, ví dụ 97,8</div>' in body
    assert "Trường này là bắt buộc" in body and "Vui lòng sửa" in body
    assert 'name="kpis-2-target_value" value="nhiều"' in body
    assert 'class="tab-pane show active" id="pane-kpis"' in body
    with fresh() as session:
        task = session.get(HumanTask, task_id)
        assert task.status == HumanTaskStatus.READY and task.draft is None


def _staff_done(world, session) -> Unit:
    """Play muong-la's staff completing a one-KPI, one-task adaptation on 07/01."""
    _, cast = world
    clock.set_now(at(date(2026, 1, 7), 9))
    unit = session.scalars(select(Unit).where(Unit.code == "muong-la")).one()
    adapt = session.scalars(select(HumanTask).where(
        HumanTask.unit_id == unit.id, HumanTask.form_key == "unit_plan_adapt")).one()
    act(session, cast, adapt, {
        "kpis": [{"code": "I.1", "selected": True, "target_value": 50}],
        "tasks": [{"code": "I.1", "name": "Kế hoạch", "kept": True, "responsible": "VP"}]})
    session.commit()
    return unit


def test_simple_form_renders_radios_and_date_placeholder(signed_in, fresh, world, session) -> None:
    unit = _staff_done(world, session)
    leader = signed_in("muong-la.leader")
    task_id = task_id_of(fresh, "muong-la", "unit_plan_approve")
    body = text(leader.get(f"/tasks/{task_id}"))
    assert 'type="radio"' in body and "Phê duyệt, ký ban hành" in body
    assert "Trả lại chuyên viên" in body
    assert 'placeholder="dd/mm/yyyy"' in body and "Số kế hoạch" in body
    assert "Kế hoạch của đơn vị (1 chỉ tiêu, 1 nhiệm vụ)" in body
    response = leader.post(f"/tasks/{task_id}", data={
        "decision": "approve", "plan_number": "5/KH", "plan_date": "31/02/2026"})
    assert response.status_code == 400
    assert "Ngày không hợp lệ (định dạng dd/mm/yyyy)" in text(response)
    response = leader.post(f"/tasks/{task_id}", data={"decision": "return", "comments": ""})
    assert response.status_code == 400 and "Trường này là bắt buộc" in text(response)
    response = leader.post(f"/tasks/{task_id}", data={
        "decision": "approve", "plan_number": "5/KH", "plan_date": "07/01/2026"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert flashes(leader) == ["Đã hoàn thành: Lãnh đạo phê duyệt kế hoạch"]
    with fresh() as session2:
        record = session2.scalars(select(UnitPlan).where(UnitPlan.unit_id == unit.id)).one()
        assert record.plan_number == "5/KH" and record.plan_date == date(2026, 1, 7)


def test_completed_task_is_read_only_and_cannot_be_completed_twice(signed_in, fresh) -> None:
    client = signed_in("muong-la.staff")
    task_id, fields = _adapt(client, fresh)
    for name, _ in list(fields):
        if name.endswith("-responsible"):
            fields = set_field(fields, name, "Văn phòng")
    assert _post(client, task_id, fields, "complete").status_code == 302
    body = text(client.get(f"/tasks/{task_id}"))
    assert "Công việc này đã được xử lý" in body and "<fieldset disabled>" in body
    again = _post(client, task_id, fields, "complete")
    assert again.status_code == 409 and "đã được xử lý" in text(again)
    assert _post(client, task_id, fields, "draft").status_code == 409


def test_staff_may_view_but_not_do_the_leaders_step(signed_in, fresh, world, session) -> None:
    _staff_done(world, session)
    staff = signed_in("muong-la.staff")
    task_id = task_id_of(fresh, "muong-la", "unit_plan_approve")
    body = text(staff.get(f"/tasks/{task_id}"))
    assert "Bạn có thể xem nhưng không thực hiện được bước này" in body
    response = staff.post(f"/tasks/{task_id}", data={
        "decision": "approve", "plan_number": "5/KH", "plan_date": "07/01/2026"})
    assert response.status_code == 403
    assert "Bạn không có vai trò thực hiện bước này" in text(response)


def test_a_completion_whose_next_step_fails_says_so(signed_in, fresh, monkeypatch) -> None:
    from engine.processes import lifecycle
    from models import InstanceStatus

    original = lifecycle.advance

    def failing_next_step(session, instance, workflow, **kwargs):  # type: ignore[no-untyped-def]
        original(session, instance, workflow, **kwargs)
        instance.status = InstanceStatus.ERROR  # as a failing script of the next step leaves it
        instance.error_message = "Bước 'Tổng hợp' (script): lỗi"

    monkeypatch.setattr(lifecycle, "advance", failing_next_step)
    client = signed_in("muong-la.staff")
    task_id, fields = _adapt(client, fresh)
    for name, _ in list(fields):
        if name.endswith("-responsible"):
            fields = set_field(fields, name, "Văn phòng")
    assert _post(client, task_id, fields, "complete").status_code == 302
    [message] = flashes(client)
    assert message.startswith("Đã lưu kết quả của bạn") and "gặp lỗi" in message
    assert "Đã hoàn thành" not in message
