"""The main journeys as users click them in chromium: a commune adopts the plan (drafted,
approved, returned, fixed, accepted); a quarterly report; Sở KHCN finds an overdue unit on the
supervision matrix and opens its instance diagram."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from engine.core import clock
from engine.demo.actors import make_cast
from engine.demo.bootstrap import at, province_unit
from engine.processes import timers
from models import Report, ReportStatus, Unit, UnitPlan, UnitPlanStatus
from tests.browser.conftest import LiveServer, sign_in
from tests.scripted import adopt_plan

RETURN_NOTE = "Bổ sung bộ phận chủ trì nhiệm vụ kiểm tra, giám sát"


def open_task(page: Any, title: str, unit_name: str) -> None:
    """Open a task from the inbox by its title, on the row of `unit_name`."""
    row = page.locator("#inbox-table tbody tr", has_text=unit_name).filter(has_text=title)
    row.get_by_role("link", name=title).click()
    page.wait_for_selector("#task-form")


def complete(page: Any, server: LiveServer) -> str:
    """Press "Hoàn thành" and return the confirmation shown on the inbox."""
    page.get_by_role("button", name="Hoàn thành").click()
    page.wait_for_url(f"{server.url}/")
    return str(page.locator(".alert-success").inner_text())


def leader_approves(page: Any, server: LiveServer) -> None:
    """muong-la.leader signs the plan with its number and date."""
    sign_in(page, server, "muong-la.leader")
    open_task(page, "Lãnh đạo phê duyệt kế hoạch", "Xã Mường La")
    assert "Công an xã" in page.content()  # the leader reads what staff drafted
    page.get_by_label("Phê duyệt, ký ban hành").check()
    page.get_by_label("Số kế hoạch").fill("12/KH-UBND")
    page.get_by_label("Ngày ban hành").fill("07/01/2026")
    assert "Đã hoàn thành: Lãnh đạo phê duyệt kế hoạch" in complete(page, server)


def sở_khcn_decides(page: Any, server: LiveServer, choice: str, comments: str = "") -> str:
    """skhcn.staff accepts or returns Mường La's plan; return the inbox confirmation."""
    sign_in(page, server, "skhcn.staff")
    open_task(page, "Sở KHCN tiếp nhận kế hoạch", "Xã Mường La")
    page.get_by_label(choice).check()
    if comments:
        page.get_by_label("Ý kiến của Sở KHCN").fill(comments)
    return complete(page, server)


def test_a_commune_adopts_the_plan(page: Any, live_server: LiveServer) -> None:
    server = live_server
    clock.set_now(at(date(2026, 1, 7), 9))
    sign_in(page, server, "muong-la.staff")
    open_task(page, "Xây dựng kế hoạch của đơn vị", "Xã Mường La")
    page.get_by_label("Chỉ tiêu của đơn vị III.14").fill("85")
    page.locator("#tab-tasks").click()
    page.get_by_label("Bộ phận chủ trì nhiệm vụ I.1", exact=True).fill("Công an xã")
    page.get_by_label("Bộ phận chủ trì điền vào các ô còn trống").fill("Phòng Văn hóa - Xã hội")
    page.get_by_role("button", name="Điền vào các ô còn trống").click()
    page.get_by_label("Bộ phận chủ trì nhiệm vụ I.2", exact=True).fill("")
    page.locator("#tab-kpis").click()
    page.get_by_role("button", name="Hoàn thành").click()
    # I.2 was left without a department: the server says so next to the field, on its tab
    page.wait_for_selector("#form-errors")
    page.get_by_label("Bộ phận chủ trì nhiệm vụ I.2", exact=True).fill("Phòng Văn hóa - Xã hội")
    assert "Đã hoàn thành: Xây dựng kế hoạch của đơn vị" in complete(page, server)

    leader_approves(page, server)
    clock.set_now(at(date(2026, 1, 8), 10))
    sở_khcn_decides(page, server, "Trả lại, yêu cầu chỉnh sửa", RETURN_NOTE)

    sign_in(page, server, "muong-la.staff")
    open_task(page, "Xây dựng kế hoạch của đơn vị", "Xã Mường La")
    note = page.locator("#returned-note")
    assert RETURN_NOTE in note.inner_text() and "08/01/2026 10:00" in note.inner_text()
    page.locator("#tab-tasks").click()
    page.get_by_label("Bộ phận chủ trì nhiệm vụ I.2", exact=True).fill("Văn phòng HĐND-UBND xã")
    complete(page, server)
    leader_approves(page, server)
    assert "Đã hoàn thành: Sở KHCN tiếp nhận kế hoạch" in sở_khcn_decides(page, server,
                                                                          "Tiếp nhận")

    page.get_by_role("link", name="Đơn vị", exact=True).click()
    page.get_by_role("link", name="Xã Mường La", exact=True).click()
    assert "Sở KHCN đã tiếp nhận" in page.locator("#adopted-status").inner_text()
    page.get_by_text("Chỉ tiêu (29 áp dụng / 29)").click()
    assert "≥ 85%" in page.locator('tr[data-kpi="III.14"]').inner_text()
    page.get_by_text("Nhiệm vụ (", exact=False).first.click()
    assert page.locator('tr[data-task="I.1"] .responsible').inner_text() == "Công an xã"
    assert page.locator('tr[data-task="I.2"] .responsible').inner_text() == \
        "Văn phòng HĐND-UBND xã"
    with server.sessions() as session:
        record = session.scalars(select(UnitPlan).join(Unit, Unit.id == UnitPlan.unit_id)
                                 .where(Unit.code == "muong-la")).one()
        assert record.status == UnitPlanStatus.ACCEPTED and record.plan_number == "12/KH-UBND"
    assert page.js_errors == []


def test_sở_khcn_finds_an_overdue_unit_and_opens_its_diagram(page: Any,
                                                             live_server: LiveServer) -> None:
    server = live_server
    clock.set_now(at(date(2026, 1, 8), 10))
    with server.sessions() as session:
        cast = make_cast(session, province_unit(session).id)
        for code in ("muong-la", "so-noi-vu"):
            unit = session.scalars(select(Unit).where(Unit.code == code)).one()
            adopt_plan(session, cast, unit, "01/KH")
        session.commit()
    clock.set_now(at(date(2026, 1, 12), 9))  # the 10/01 deadline has passed

    sign_in(page, server, "skhcn.staff")
    page.get_by_role("link", name="Giám sát").click()
    page.get_by_label("Tình trạng (ở ít nhất một giai đoạn)").select_option(label="Quá hạn")
    page.get_by_role("button", name="Lọc").click()
    matrix = page.locator("#supervision-matrix")
    assert matrix.locator('tr[data-unit="so-tai-chinh"]').count() == 1
    assert matrix.locator('tr[data-unit="muong-la"]').count() == 0  # it sent its plan on time
    row = matrix.locator("tr", has_text="Sở Tài chính")
    cell = row.locator('td[data-stage="adoption"]')
    assert cell.get_attribute("data-status") == "overdue" and "Quá hạn" in cell.inner_text()
    cell.get_by_role("link").click()

    page.wait_for_selector('#bpmn-diagram[data-state="ready"]')
    assert page.locator("#bpmn-diagram svg").count() >= 1
    current = page.locator('#bpmn-diagram .djs-element.step-ready[data-element-id="adapt_plan"]')
    assert current.count() == 1
    assert "Sở Tài chính" in page.locator("#instance-unit").inner_text()
    assert "Xây dựng kế hoạch của đơn vị" in page.locator("#current-steps").inner_text()
    history = page.locator("#history-table").inner_text()
    assert "Khởi tạo quy trình" in history and "Nhắc việc" not in history  # no tick yet
    assert page.js_errors == []


def test_a_quarterly_report_is_filled_and_signed(page: Any, live_server: LiveServer) -> None:
    server = live_server
    clock.set_now(at(date(2026, 2, 20), 8))  # Q1 (due 05/03) opened on 19/02
    with server.sessions() as session:
        timers.tick(session)
        session.commit()
    clock.set_now(at(date(2026, 2, 20), 9))

    sign_in(page, server, "so-noi-vu.staff")
    open_task(page, "Lập báo cáo quý", "Sở Nội vụ")
    page.locator('input[name="kpi_results-0-actual_value"]').fill("50,5")
    page.locator('input[name="kpi_results-1-actual_value"]').fill("30")
    page.locator("#tab-task_statuses").click()
    page.locator('select[name="task_statuses-0-status"]').select_option("done")
    page.locator('textarea[name="task_statuses-0-description"]').fill("Đã ban hành kế hoạch")
    assert "Đã hoàn thành: Lập báo cáo quý" in complete(page, server)

    sign_in(page, server, "so-noi-vu.leader")
    open_task(page, "Lãnh đạo ký báo cáo", "Sở Nội vụ")
    page.get_by_label("Đồng ý, ký gửi Sở KHCN").check()
    page.get_by_label("Số báo cáo").fill("15/BC-SNV")
    assert "Đã hoàn thành: Lãnh đạo ký báo cáo" in complete(page, server)

    page.goto(f"{server.url}/units/so-noi-vu")
    report = page.locator("#report-q1")
    assert "Đã gửi, chờ Sở KHCN tiếp nhận" in report.inner_text()
    assert "Báo cáo số 15/BC-SNV" in report.inner_text()
    assert report.locator('tr[data-kpi="I.1"] .verdict').inner_text() == "Đạt"
    assert report.locator('tr[data-kpi="I.2"] .verdict').inner_text() == "Chưa đạt"
    assert report.locator('tr[data-task="I.1"] .task-status').inner_text() == "Đã hoàn thành"
    with server.sessions() as session:
        row = session.scalars(select(Report).join(Unit, Unit.id == Report.unit_id).where(
            Unit.code == "so-noi-vu", Report.round_key == "q1")).one()
        assert row.status == ReportStatus.APPROVED and row.late is False
    assert page.js_errors == []
