"""The thread on the pages: the task page (with what changed since the previous round and who
completed it), GET /api/tasks/<id>, the instance page (thread and history with the comment) and
the unit page; a substitute's step reads "… ký thay …" everywhere."""
from __future__ import annotations

import copy
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from engine.admin import substitutions
from engine.core import clock
from engine.demo.actors import act, ready_tasks
from engine.demo.bootstrap import at
from engine.domain import unit_plans
from models import HumanTask, Unit, User
from tests.web.conftest import form_fields, set_field, task_id_of, text

STAFF_NOTE = "Xã chưa có hạ tầng 5G ở 3 bản vùng cao"
DROP_REASON = "Xã không có doanh nghiệp viễn thông đặt trụ sở"
RETURN_NOTE = "Đề nghị nâng chỉ tiêu III.14 lên 90%"
LEADER = "Lãnh đạo Xã Mường La"
STAFF = "Chuyên viên Xã Mường La"


def _kpi(content: dict[str, Any], code: str) -> dict[str, Any]:
    return next(k for k in content["kpis"] if k["code"] == code)


@pytest.fixture
def web_data(session: Session, world: Any) -> Any:
    """Mường La's staff drafts (I.2 dropped with a reason, III.14 at 85 %), the leader returns
    the plan with a comment, the staff resends it with III.14 at 90 %: the leader's task waits."""
    _, cast = world
    unit = session.scalars(select(Unit).where(Unit.code == "muong-la")).one()
    clock.set_now(at(date(2026, 1, 7), 9))
    task = ready_tasks(session, unit_id=unit.id, form_key="unit_plan_adapt")[0]
    first = unit_plans.default_content(session, task.instance.plan_id, unit)
    for item in first["tasks"]:
        item["responsible"] = "Phòng Văn hóa - Xã hội"
    _kpi(first, "I.2").update(selected=False, note=DROP_REASON)
    _kpi(first, "III.14").update(target_value=85.0)
    act(session, cast, task, {**first, "notes": STAFF_NOTE})
    clock.set_now(at(date(2026, 1, 7), 10))
    act(session, cast, ready_tasks(session, unit_id=unit.id, form_key="unit_plan_approve")[0],
        {"decision": "return", "comments": RETURN_NOTE})
    second = copy.deepcopy(first)
    _kpi(second, "III.14").update(target_value=90.0)
    clock.set_now(at(date(2026, 1, 7), 11))
    act(session, cast, ready_tasks(session, unit_id=unit.id, form_key="unit_plan_adapt")[0],
        second)
    session.commit()
    clock.set_now(at(date(2026, 1, 7), 14))
    return world


def _approval_id(fresh: Callable[[], Session]) -> int:
    return task_id_of(fresh, "muong-la", "unit_plan_approve")


def test_the_leader_reads_the_thread_and_the_changes_above_the_decision(
        signed_in: Callable[[str], FlaskClient], fresh: Callable[[], Session]) -> None:
    page = text(signed_in("muong-la.leader").get(f"/tasks/{_approval_id(fresh)}"))
    thread = page[page.index('id="thread"'):page.index('id="task-form"')]
    assert thread.index(STAFF_NOTE) < thread.index(RETURN_NOTE)  # in order
    assert DROP_REASON in thread and "Trả lại để chỉnh sửa" in thread
    changes = page[page.index('id="plan-changes"'):page.index('id="task-form"')]
    assert "Thay đổi so với lần gửi trước (07/01/2026 09:00)" in changes
    assert re.search(r"III\.14</strong>.*≥ 85% → <strong>≥ 90%</strong>", changes)
    assert page.index('id="plan-changes"') < page.index('id="task-form"')


def test_the_api_returns_the_thread_of_a_task(signed_in: Callable[[str], FlaskClient],
                                              fresh: Callable[[], Session]) -> None:
    body = signed_in("muong-la.leader").get(f"/api/tasks/{_approval_id(fresh)}").get_json()
    steps = [(e["step"], e["decision"], e["signed"]) for e in body["thread"]]
    assert steps == [("Xây dựng kế hoạch của đơn vị", "", STAFF),
                     ("Lãnh đạo phê duyệt kế hoạch", "Trả lại để chỉnh sửa", LEADER),
                     ("Xây dựng kế hoạch của đơn vị", "", STAFF)]  # I.2 still dropped
    assert {"label": "Ý kiến của lãnh đạo", "text": RETURN_NOTE} in body["thread"][1]["notes"]
    assert body["thread"][1]["returned"] is True and body["completed_by"] is None


def test_the_unit_and_sở_khcn_read_the_thread_on_the_unit_and_instance_pages(
        signed_in: Callable[[str], FlaskClient], fresh: Callable[[], Session]) -> None:
    unit_page = text(signed_in("muong-la.staff").get("/units/muong-la"))
    section = unit_page[unit_page.index('id="unit-threads"'):unit_page.index('id="adopted-plan"')]
    assert RETURN_NOTE in section and "Kế hoạch của đơn vị" in section
    with fresh() as session:
        instance_id = session.get(HumanTask, _approval_id(fresh)).instance_id  # type: ignore[union-attr]
    page = text(signed_in("skhcn.staff").get(f"/instances/{instance_id}"))
    assert RETURN_NOTE in page[page.index('id="instance-thread"'):page.index("Lịch sử xử lý")]
    history = page[page.index('id="history-table"'):]
    assert f"Ý kiến: trả lại để chỉnh sửa — {RETURN_NOTE}" in history


def test_a_substitutes_signature_reads_ký_thay_on_the_task_and_in_the_history(
        session: Session, signed_in: Callable[[str], FlaskClient],
        fresh: Callable[[], Session]) -> None:
    staff = session.scalars(select(User).where(User.username == "muong-la.staff")).one()
    leader = session.scalars(select(User).where(User.username == "muong-la.leader")).one()
    substitutions.create(session, leader.id, leader.id, staff.id, date(2026, 1, 7),
                         date(2026, 1, 9), today=date(2026, 1, 7))
    session.commit()
    task_id = _approval_id(fresh)
    substitute = signed_in("muong-la.staff")
    fields = form_fields(text(substitute.get(f"/tasks/{task_id}")))
    for name, value in (("decision", "approve"), ("plan_number", "12/KH-UBND"),
                        ("plan_date", "07/01/2026"), ("action", "complete")):
        fields = set_field(fields, name, value)
    assert substitute.post(f"/tasks/{task_id}", data=MultiDict(fields)).status_code == 302
    signed = f"{STAFF} ký thay {LEADER}"
    page = text(substitute.get(f"/tasks/{task_id}"))
    assert re.search(r'id="task-done-by">([^<]+)<', page).group(1) == signed  # type: ignore[union-attr]
    with fresh() as s:
        instance_id = s.get(HumanTask, task_id).instance_id  # type: ignore[union-attr]
    history = text(signed_in("skhcn.staff").get(f"/instances/{instance_id}"))
    rows = re.findall(r"<tr><td[^>]*>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td>", history)
    assert (signed, "Hoàn thành bước «Lãnh đạo phê duyệt kế hoạch»") in rows
    assert (LEADER, "Hoàn thành bước «Lãnh đạo phê duyệt kế hoạch»") in rows  # the return
    assert f'<span class="fw-semibold thread-who">{signed}</span>' in history
