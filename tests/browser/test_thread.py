"""What the next person sees, in chromium: the leader returns Mường La's plan with a comment, the
staff reads it on their step, fixes and resends, the leader sees what changed and signs, Sở KHCN
reads the whole thread on its step and the history shows the comment; a substitute signs the
leader's step and the task page and the history say "… ký thay …"."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from engine.admin import substitutions
from engine.core import clock
from engine.demo.actors import act, make_cast, ready_tasks
from engine.demo.bootstrap import at, province_unit
from engine.domain import unit_plans
from models import Unit, User
from tests.browser.conftest import LiveServer, sign_in
from tests.browser.test_journeys import complete, open_task

UNIT = "Xã Mường La"
ADAPT, APPROVE, REVIEW = ("Xây dựng kế hoạch của đơn vị", "Lãnh đạo phê duyệt kế hoạch",
                          "Sở KHCN tiếp nhận kế hoạch")
STAFF_NOTE = "Ba bản vùng cao chưa có sóng di động"
DROP_REASON = "Xã không có doanh nghiệp viễn thông đặt trụ sở"
RETURN_NOTE = "Đề nghị nâng chỉ tiêu III.14 lên 90% theo Nghị quyết của Đảng ủy xã"


def staff_drafts(page: Any, server: LiveServer) -> None:
    """muong-la.staff drops I.2 with a reason, sets III.14 to 85 %, writes a note and sends."""
    sign_in(page, server, "muong-la.staff")
    open_task(page, ADAPT, UNIT)
    page.get_by_label("Áp dụng chỉ tiêu I.2").uncheck()
    page.get_by_label("Ghi chú chỉ tiêu I.2").fill(DROP_REASON)
    page.get_by_label("Chỉ tiêu của đơn vị III.14").fill("85")
    page.locator("#tab-tasks").click()
    page.get_by_label("Bộ phận chủ trì điền vào các ô còn trống").fill("Phòng Văn hóa - Xã hội")
    page.get_by_role("button", name="Điền vào các ô còn trống").click()
    page.locator("#tab-notes").click()
    page.get_by_label("Ghi chú của đơn vị").fill(STAFF_NOTE)
    assert f"Đã hoàn thành: {ADAPT}" in complete(page, server)


def test_a_return_comment_travels_to_the_staff_the_leader_and_sở_khcn(
        page: Any, live_server: LiveServer) -> None:
    server = live_server
    clock.set_now(at(date(2026, 1, 7), 9))
    staff_drafts(page, server)

    sign_in(page, server, "muong-la.leader")
    open_task(page, APPROVE, UNIT)
    thread = page.locator("#thread").inner_text()
    assert STAFF_NOTE in thread and DROP_REASON in thread
    changes = page.locator("#plan-changes").inner_text()
    assert "kế hoạch mẫu của tỉnh" in changes and DROP_REASON in changes
    page.get_by_label("Trả lại chuyên viên").check()
    page.get_by_label("Ý kiến của lãnh đạo").fill(RETURN_NOTE)
    complete(page, server)

    clock.set_now(at(date(2026, 1, 7), 14))
    sign_in(page, server, "muong-la.staff")
    assert int(page.locator("#unread-count").inner_text().split()[0]) >= 1  # the menu's count
    page.get_by_role("link", name="Thông báo").first.click()
    notice = page.locator("tr.notice-unread", has_text=RETURN_NOTE).first
    assert "Trả lại" in notice.inner_text()
    notice.get_by_role("link").click()  # the notice opens the step to redo
    page.wait_for_selector("#thread")
    assert ADAPT in page.locator("h1").inner_text()
    returned = page.locator("#thread .thread-entry").last
    assert RETURN_NOTE in returned.inner_text() and "Trả lại" in returned.inner_text()
    page.get_by_label("Chỉ tiêu của đơn vị III.14").fill("90")
    complete(page, server)

    sign_in(page, server, "muong-la.leader")
    open_task(page, APPROVE, UNIT)
    assert "≥ 85% → ≥ 90%" in page.locator("#plan-changes").inner_text()
    page.get_by_label("Phê duyệt, ký ban hành").check()
    page.get_by_label("Số kế hoạch").fill("12/KH-UBND")
    page.get_by_label("Ngày ban hành").fill("07/01/2026")
    complete(page, server)

    sign_in(page, server, "skhcn.staff")
    open_task(page, REVIEW, UNIT)
    thread = page.locator("#thread").inner_text()
    assert RETURN_NOTE in thread and STAFF_NOTE in thread and "Lãnh đạo Xã Mường La" in thread
    assert "≥ 85% → ≥ 90%" in page.locator("#plan-changes").inner_text()
    page.get_by_label("Tiếp nhận").check()
    complete(page, server)

    page.goto(f"{server.url}/units/muong-la")
    assert "— Tiếp nhận" in page.locator("#unit-threads").inner_text()  # the latest entries
    page.locator("#unit-threads").get_by_role("link", name="Xem toàn bộ").first.click()
    page.wait_for_selector("#history-table")
    history = page.locator("#history-table").inner_text()
    assert f"trả lại để chỉnh sửa — {RETURN_NOTE}" in history
    assert page.js_errors == []


def test_a_substitute_signs_for_the_leader_and_it_shows(page: Any,
                                                        live_server: LiveServer) -> None:
    server = live_server
    clock.set_now(at(date(2026, 1, 7), 9))
    with server.sessions() as session:
        unit = session.scalars(select(Unit).where(Unit.code == "muong-la")).one()
        staff = session.scalars(select(User).where(User.username == "muong-la.staff")).one()
        leader = session.scalars(select(User).where(User.username == "muong-la.leader")).one()
        substitutions.create(session, leader.id, leader.id, staff.id, date(2026, 1, 7),
                             date(2026, 1, 16), today=date(2026, 1, 7))
        task = ready_tasks(session, unit_id=unit.id, form_key="unit_plan_adapt")[0]
        content = unit_plans.default_content(session, task.instance.plan_id, unit)
        for item in content["tasks"]:
            item["responsible"] = "Phòng Văn hóa - Xã hội"
        act(session, make_cast(session, province_unit(session).id), task, content)
        session.commit()
        signed = f"{staff.full_name} ký thay {leader.full_name}"

    sign_in(page, server, "muong-la.staff")
    open_task(page, APPROVE, UNIT)
    task_url = page.url
    page.get_by_label("Phê duyệt, ký ban hành").check()
    page.get_by_label("Số kế hoạch").fill("15/KH-UBND")
    page.get_by_label("Ngày ban hành").fill("07/01/2026")
    page.get_by_label("Ý kiến của lãnh đạo").fill("Ký thay trong thời gian lãnh đạo đi công tác")
    complete(page, server)

    page.goto(task_url)
    assert page.locator("#task-done-by").inner_text() == signed
    assert signed in page.locator("#thread").inner_text()

    sign_in(page, server, "skhcn.staff")
    open_task(page, REVIEW, UNIT)
    assert signed in page.locator("#thread").inner_text()
    page.goto(f"{server.url}/units/muong-la")
    page.locator("#unit-threads").get_by_role("link", name="Xem toàn bộ").first.click()
    row = page.locator("#history-table tr", has_text=f"«{APPROVE}»")
    assert signed in row.inner_text()
    assert page.js_errors == []
