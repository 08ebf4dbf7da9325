"""Forms that help, as users meet them in chromium: the commune's own departments offered for
"Bộ phận chủ trì" (free text still taken); a refused form lists its errors at the top with links
and opens on the first wrong field (task page, leader's decision, extension request); the live
đạt / chưa đạt preview says nothing for a value that is no figure; text carried over from last
quarter is marked, and flagged once the figure changes; an internal report has no empty tab."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from engine.core import clock
from engine.demo.actors import act, make_cast, ready_tasks
from engine.demo.bootstrap import at, province_unit
from engine.processes import timers
from models import Unit, UnitPlan
from tests.browser.conftest import LiveServer, sign_in
from tests.scripted import adopt_plan

DEPARTMENTS = ["Công an xã", "Phòng Kinh tế", "Phòng Văn hóa - Xã hội",
               "Trung tâm Dịch vụ tổng hợp", "Trung tâm Phục vụ hành chính công xã",
               "Văn phòng HĐND-UBND xã"]
OWN_TEAM = "Tổ công nghệ số cộng đồng"  # not a department of the commune: typed freely
Q1_TEXT = "Đã phủ sóng 5G tại trung tâm xã và 3 bản"


def open_task(page: Any, title: str) -> None:
    """Open the first task called `title` from the inbox."""
    page.locator("#inbox-table").get_by_role("link", name=title).first.click()
    page.wait_for_selector("#task-form")


def complete(page: Any) -> None:
    """Press "Hoàn thành"."""
    page.get_by_role("button", name="Hoàn thành").click()
    page.wait_for_load_state()


def focused_label(page: Any) -> str:
    """Return the aria-label (or id) of the element that has the focus."""
    return str(page.evaluate(
        "() => document.activeElement.getAttribute('aria-label') || document.activeElement.id"))


def in_view(page: Any, selector: str) -> bool:
    """Tell whether the element is inside the 1366×768 window (not below the fold)."""
    return bool(page.evaluate(
        """(s) => { const r = document.querySelector(s).getBoundingClientRect();
                    return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }""",
        selector))


def unit(session: Any, code: str) -> Unit:
    return session.scalars(select(Unit).where(Unit.code == code)).one()


def test_departments_offered_and_errors_summarised(page: Any, live_server: LiveServer) -> None:
    server = live_server
    clock.set_now(at(date(2026, 1, 7), 9))
    sign_in(page, server, "muong-la.staff")
    open_task(page, "Xây dựng kế hoạch của đơn vị")
    page.locator("#tab-tasks").click()
    offered = page.locator("#department-choices option")
    assert [offered.nth(i).get_attribute("value") for i in range(offered.count())] == DEPARTMENTS
    first = page.get_by_label("Bộ phận chủ trì nhiệm vụ I.1", exact=True)
    assert first.get_attribute("list") == "department-choices"
    page.get_by_label("Bộ phận chủ trì điền vào các ô còn trống").fill("Phòng Văn hóa - Xã hội")
    page.get_by_role("button", name="Điền vào các ô còn trống").click()
    first.fill(OWN_TEAM)
    page.get_by_label("Bộ phận chủ trì nhiệm vụ I.2", exact=True).fill("")
    page.locator("#tab-kpis").click()
    complete(page)

    box = page.locator("#form-errors")
    assert "Vui lòng sửa 1 lỗi" in box.inner_text()
    assert "Nhiệm vụ I.2 — Đơn vị/bộ phận chủ trì" in box.inner_text()
    # the page opens on the wrong field, on its tab, in sight
    assert focused_label(page) == "Bộ phận chủ trì nhiệm vụ I.2"
    assert in_view(page, "input[aria-label='Bộ phận chủ trì nhiệm vụ I.2']")
    page.locator("#tab-kpis").click()
    box.get_by_role("link").click()  # the link brings the field back from its hidden tab
    assert focused_label(page) == "Bộ phận chủ trì nhiệm vụ I.2"
    assert "active" in (page.locator("#tab-tasks").get_attribute("class") or "")
    page.get_by_label("Bộ phận chủ trì nhiệm vụ I.2", exact=True).fill("Công an xã")
    complete(page)
    assert "Đã hoàn thành" in page.locator(".alert-success").inner_text()
    with server.sessions() as session:
        record = session.scalars(select(UnitPlan).where(
            UnitPlan.unit_id == unit(session, "muong-la").id)).one()
        leads = {t["code"]: t["responsible"] for t in record.tasks}
        assert leads["I.1"] == OWN_TEAM and leads["I.2"] == "Công an xã"

    sign_in(page, server, "muong-la.leader")
    open_task(page, "Lãnh đạo phê duyệt kế hoạch")
    page.get_by_label("Phê duyệt, ký ban hành").check()
    page.get_by_label("Ngày ban hành").fill("31/02/2026")
    complete(page)
    box = page.locator("#form-errors")
    assert "Vui lòng sửa" in box.inner_text() and "Ngày ban hành" in box.inner_text()
    links = box.get_by_role("link")
    assert links.count() >= 1
    wrong = page.locator(".is-invalid").first
    assert wrong.evaluate("el => el === document.activeElement")
    assert wrong.evaluate("el => { const r = el.getBoundingClientRect();"
                          " return r.top >= 0 && r.bottom <= window.innerHeight; }")
    assert page.js_errors == []


def test_extension_errors_are_in_sight(page: Any, live_server: LiveServer) -> None:
    clock.set_now(at(date(2026, 1, 7), 9))
    sign_in(page, live_server, "muong-la.staff")
    page.goto(f"{live_server.url}/units/muong-la")
    page.locator("#ext-due").fill("30/02/2026")
    page.get_by_role("button", name="Gửi đề nghị gia hạn").click()
    page.wait_for_selector("#extension-errors")
    box = page.locator("#extension-errors")
    assert "Vui lòng sửa 2 lỗi" in box.inner_text()
    assert "Hạn mới đề nghị" in box.inner_text() and "Lý do" in box.inner_text()
    assert page.evaluate("() => window.scrollY") > 0  # not left at the top of the page
    assert focused_label(page) == "ext-due" and in_view(page, "#ext-due")
    assert in_view(page, "#extension-errors")
    box.get_by_role("link", name="Lý do").click()
    assert focused_label(page) == "ext-reason"
    assert page.js_errors == []


def _q1_open(server: LiveServer, *codes: str) -> None:
    """The units adopt their plans on 08/01; the first quarter opens on 19/02/2026."""
    clock.set_now(at(date(2026, 1, 8), 10))
    with server.sessions() as session:
        cast = make_cast(session, province_unit(session).id)
        for code in codes:
            adopt_plan(session, cast, unit(session, code), "01/KH")
        session.commit()
    clock.set_now(at(date(2026, 2, 20), 8))
    with server.sessions() as session:
        timers.tick(session)
        session.commit()
    clock.set_now(at(date(2026, 2, 20), 9))


def badge(page: Any, row: int) -> tuple[bool, str]:
    """Return whether the verdict of KPI row `row` shows, and its text."""
    cell = page.locator(f"#kpi-result-{row} .kpi-verdict")
    return cell.is_visible(), cell.inner_text() if cell.is_visible() else ""


def test_the_live_verdict_judges_figures_only(page: Any, live_server: LiveServer) -> None:
    _q1_open(live_server, "so-noi-vu")
    sign_in(page, live_server, "so-noi-vu.staff")
    open_task(page, "Lập báo cáo quý")
    field = page.locator('input[name="kpi_results-0-actual_value"]')
    assert badge(page, 0) == (False, "")  # nothing typed yet
    for typed in ("abc", "150", "-3", "NaN", "1e5", "   "):
        field.fill(typed)
        assert badge(page, 0) == (False, ""), typed
    assert page.locator("#verdict-summary").inner_text().startswith("0/")
    field.fill("100")
    assert badge(page, 0) == (True, "Đạt")
    field.fill("0,5")
    assert badge(page, 0) == (True, "Chưa đạt")
    assert page.js_errors == []


def test_last_quarters_text_is_marked_and_flagged(page: Any, live_server: LiveServer) -> None:
    _q1_open(live_server, "so-noi-vu", "muong-la")
    with live_server.sessions() as session:
        cast = make_cast(session, province_unit(session).id)
        owner = unit(session, "so-noi-vu")
        fill = ready_tasks(session, unit_id=owner.id, form_key="quarterly_report_fill")[0]
        act(session, cast, fill, {
            "kpi_results": [{"code": "I.1", "actual_value": 40, "actual_text": Q1_TEXT}],
            "task_statuses": [], "notes": ""})
        approve = ready_tasks(session, unit_id=owner.id, form_key="quarterly_report_approve")[0]
        act(session, cast, approve, {"decision": "approve", "report_number": "5/BC-SNV"})
        session.commit()

    # an internal department reports no KPI: no "Chỉ tiêu 0" tab
    sign_in(page, live_server, "muong-la-phong-van-hoa-xa-hoi.staff")
    open_task(page, "Báo cáo của phòng, ban")
    assert page.locator("#tab-kpi_results").count() == 0
    assert page.locator("#tab-task_statuses").is_visible()

    clock.set_now(at(date(2026, 5, 25), 8))
    with live_server.sessions() as session:
        timers.tick(session)
        session.commit()
    clock.set_now(at(date(2026, 5, 25), 9))
    sign_in(page, live_server, "so-noi-vu.staff")
    page.locator("#inbox-table").get_by_role("link", name="Lập báo cáo quý").first.click()
    page.wait_for_selector("#task-form")
    assert "Quý II" in page.locator("#report-round").inner_text()
    row = page.locator('tr.kpi-result[data-kpi="I.1"]')
    text = row.locator("textarea")
    note = row.locator("[data-carried-note]")
    assert text.input_value() == Q1_TEXT and "carried-over" in (text.get_attribute("class") or "")
    assert note.inner_text() == "Nội dung từ quý trước (Quý I) — hãy cập nhật"
    row.locator("input.kpi-actual").fill("62")
    assert "is-stale" in (text.get_attribute("class") or "")
    assert "Số liệu đã thay đổi" in note.inner_text()
    text.fill("Phủ sóng 5G đến 12 bản")
    assert not note.is_visible() and "carried-over" not in (text.get_attribute("class") or "")
    assert page.js_errors == []
