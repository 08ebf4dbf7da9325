"""The administrator edits the unit_plan diagram in the browser modeler: inserts a review step,
picks its form and checks the lane's role in the sidebar, validates, deploys version 2; a unit
added afterwards starts on version 2 while Mường La stays on version 1 until the administrator
previews and migrates it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.processes import cascade
from models import Plan, ProcessDefinition, ProcessInstance, Unit
from tests.browser.conftest import LiveServer, sign_in

INSERT_STEP = """() => {
  const modeler = window.plancascadeModeler;
  const modeling = modeler.get('modeling');
  const registry = modeler.get('elementRegistry');
  const adapt = registry.get('adapt_plan');
  const pool = registry.get('unit_plan_pool');
  const at = { x: adapt.x + adapt.width + 130, y: adapt.y + adapt.height / 2 };
  const task = modeling.createShape({ type: 'bpmn:UserTask' }, at, pool);
  modeling.updateProperties(task, { id: 'office_check' });
  modeling.reconnectEnd(registry.get('flow_to_leader'), task,
    { x: task.x, y: task.y + task.height / 2 });
  modeling.connect(task, registry.get('leader_approve'), { type: 'bpmn:SequenceFlow' });
  return task.businessObject.get('lanes').map(l => l.name);
}"""


def instance_of(server: LiveServer, code: str) -> tuple[int, int]:
    """Return (instance id, version) of the unit_plan instance of unit `code`."""
    with server.sessions() as session:
        row = session.execute(
            select(ProcessInstance.id, ProcessDefinition.version)
            .join(Unit, Unit.id == ProcessInstance.unit_id)
            .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
            .where(Unit.code == code, ProcessInstance.process_key == "unit_plan")
        ).one()
        return row[0], row[1]


def open_modeler(page: Any, server: LiveServer) -> None:
    """From the process list, open the unit_plan modeler and wait for the diagram."""
    page.goto(f"{server.url}/admin/processes")
    page.locator("#process-unit_plan").get_by_role("link", name="Mở trình soạn thảo").click()
    page.wait_for_selector("body[data-modeler-ready='1']")


def edit_and_deploy(page: Any, server: LiveServer) -> None:
    """Insert the step, validate (a missing form is flagged on it), fix it, deploy."""
    lanes = page.evaluate(INSERT_STEP)
    assert lanes == ["unit_staff"]  # dropped into the unit staff lane
    page.locator('g[data-element-id="office_check"]').click()
    page.get_by_label("Tên hiển thị").fill("Văn phòng rà soát kế hoạch")
    page.get_by_role("button", name="Kiểm tra").click()
    problem = page.locator("#problem-list li", has_text="office_check")
    assert "thiếu biểu mẫu" in problem.inner_text()
    assert "pc-problem" in page.locator('g[data-element-id="office_check"]').get_attribute("class")
    problem.get_by_role("link").click()  # selects the element in the diagram
    assert page.locator("#sidebar").get_attribute("data-selected") == "office_check"
    assert "Chuyên viên đơn vị (unit_staff)" in page.locator("#sidebar").inner_text()
    page.get_by_label("Biểu mẫu (formKey)").select_option("confirm")
    page.evaluate("() => window.plancascadeModeler.get('canvas').scroll({ dx: 120, dy: 0 })")
    lane = page.locator('g[data-element-id="lane_unit_staff"]')
    lane.click(position={"x": 8, "y": 40})  # the lane's label strip, clear of the palette
    role = page.get_by_label("Vai trò của làn")
    assert role.input_value() == "unit_staff"
    role.select_option("dost_staff")
    assert (
        page.evaluate(
            "() => window.plancascadeModeler.get('elementRegistry').get('lane_unit_staff')"
            ".businessObject.name"
        )
        == "dost_staff"
    )
    role.select_option("unit_staff")
    page.get_by_role("button", name="Kiểm tra").click()
    page.wait_for_selector("#modeler-status.text-success")
    assert page.locator("#modeler-status").inner_text() == "Sơ đồ hợp lệ, có thể triển khai."
    assert page.locator("#problem-list").count() == 0
    assert page.locator(".pc-problem").count() == 0
    page.get_by_label("Ghi chú phiên bản").fill("Thêm bước văn phòng rà soát kế hoạch")
    page.get_by_role("button", name="Triển khai").click()
    page.wait_for_url(f"{server.url}/admin/processes")
    assert (
        "Đã triển khai Kế hoạch của đơn vị phiên bản 2."
        in page.locator(".alert-success").inner_text()
    )
    row = page.locator('#process-unit_plan tr[data-version="2"]')
    assert "Thêm bước văn phòng rà soát kế hoạch" in row.inner_text()


def check_version_2(server: LiveServer) -> None:
    """Version 2 holds the step with its form and lane, and keeps the Spiff extensions."""
    with server.sessions() as session:
        v1, v2 = session.scalars(
            select(ProcessDefinition.bpmn_xml)
            .where(ProcessDefinition.process_key == "unit_plan")
            .order_by(ProcessDefinition.version)
        ).all()
    assert 'id="office_check" name="Văn phòng rà soát kế hoạch"' in v2
    assert '<spiffworkflow:property name="formKey" value="confirm" />' in v2
    assert "<bpmn:flowNodeRef>office_check</bpmn:flowNodeRef>" in v2
    for tag in ("spiffworkflow:messagePayload", "spiffworkflow:messageVariable"):
        assert v1.count(tag) == v2.count(tag) > 0, tag


def add_unit_and_cascade(page: Any, server: LiveServer) -> None:
    """Create xã Mới on the units page; the plan is then cascaded to it (as `init` would)."""
    page.goto(f"{server.url}/admin/units/new")
    page.get_by_label("Mã đơn vị").fill("xa-moi")
    page.get_by_label("Tên đơn vị").fill("Xã Mới")
    page.get_by_label("Loại", exact=True).select_option("commune")
    page.get_by_role("button", name="Lưu").click()
    assert "Đã tạo đơn vị Xã Mới (xa-moi)." in page.locator(".alert-success").inner_text()
    with server.sessions() as session:
        plan = session.scalars(select(Plan)).one()
        assert cascade.run(session, plan.id, "unit_plan").started == 1
        session.commit()


def preview_and_migrate(page: Any, server: LiveServer, instance_id: int) -> None:
    """Choose Mường La's instance by id, read the dry run, migrate in one click."""
    page.goto(f"{server.url}/admin/migration?process=unit_plan")
    page.get_by_label("Một quy trình theo mã số").check()
    page.get_by_label("Mã quy trình").fill(str(instance_id))
    page.get_by_role("button", name="Xem trước (chạy thử)").click()
    row = page.locator(f'#preview-table tr[data-instance-id="{instance_id}"]')
    text = row.inner_text()
    assert "1 → 2" in text and "Chuyển được" in text and "office_check" in text
    page.get_by_role("button", name="Chuyển phiên bản (1 quy trình)").click()
    page.wait_for_selector(".alert-success")
    assert "Đã chuyển 1 quy trình sang phiên bản 2." in page.locator(".alert-success").inner_text()


def test_admin_edits_deploys_and_migrates_unit_plan(page: Any, live_server: LiveServer) -> None:
    muong_la, version = instance_of(live_server, "muong-la")
    assert version == 1
    sign_in(page, live_server, "admin")
    open_modeler(page, live_server)
    edit_and_deploy(page, live_server)
    check_version_2(live_server)
    add_unit_and_cascade(page, live_server)
    assert instance_of(live_server, "xa-moi")[1] == 2
    assert instance_of(live_server, "muong-la")[1] == 1
    page.goto(f"{live_server.url}/admin/migration?process=unit_plan&unit=Xã Mới")
    assert page.locator("#instance-table .instance-version").all_inner_texts() == ["2"]
    preview_and_migrate(page, live_server, muong_la)
    assert instance_of(live_server, "muong-la") == (muong_la, 2)
    assert instance_of(live_server, "to-hieu")[1] == 1  # the others stay until migrated
    assert page.js_errors == []  # type: ignore[attr-defined]


def test_every_process_opens_and_validates_unchanged(page: Any, live_server: LiveServer) -> None:
    sign_in(page, live_server, "admin")
    with live_server.sessions() as session:
        keys = sorted(set(session.scalars(select(ProcessDefinition.process_key))))
    for key in keys:
        page.goto(f"{live_server.url}/admin/processes/{key}/modeler")
        page.wait_for_selector("body[data-modeler-ready='1']")
        page.get_by_role("button", name="Kiểm tra").click()
        page.wait_for_selector("#modeler-status.text-success")
        exported = page.evaluate("() => window.plancascadeModeler.saveXML().then(r => r.xml)")
        original = page.evaluate(
            "() => JSON.parse(document.getElementById('modeler-config').textContent).xml"
        )
        assert exported.count("spiffworkflow:") == original.count("spiffworkflow:"), key
    assert page.js_errors == []  # type: ignore[attr-defined]


def click_element(page: Any, element_id: str) -> None:
    """Click a shape to select it (a click on a selected shape would deselect it)."""
    selected = page.evaluate(
        "() => window.plancascadeModeler.get('selection').get().map(e => e.id)"
    )
    if selected != [element_id]:
        page.locator(f'g.djs-element[data-element-id="{element_id}"]').click()


def select_element(page: Any, element_id: str) -> None:
    """Select an element as a click would (connections are thin: select them directly)."""
    page.evaluate(
        "id => { const m = window.plancascadeModeler;"
        " m.get('selection').select(m.get('elementRegistry').get(id)); }",
        element_id,
    )


def validate_expecting(page: Any, element_id: str, message: str) -> None:
    """Press "Kiểm tra" and find `message` listed for `element_id`, marked on the diagram."""
    page.get_by_role("button", name="Kiểm tra").click()
    problem = page.locator(f'#problem-list li[data-element="{element_id}"]')
    assert message in problem.inner_text()
    assert "pc-problem" in page.locator(
        f'g.djs-element[data-element-id="{element_id}"]'
    ).get_attribute("class")


def test_sidebar_edits_timers_conditions_scripts_and_calls(
    page: Any, live_server: LiveServer
) -> None:
    sign_in(page, live_server, "admin")
    open_modeler(page, live_server)
    click_element(page, "wait_reminder")
    assert page.get_by_label("Loại hẹn giờ").input_value() == "timeDate"
    expression = page.get_by_label("Biểu thức hẹn giờ")
    assert expression.input_value() == "reminder_at"
    page.get_by_label("Loại hẹn giờ").select_option("timeDuration")
    page.get_by_label("Biểu thức hẹn giờ").fill('"P1X"')
    validate_expecting(page, "wait_reminder", "không đúng định dạng ISO 8601")
    page.get_by_label("Biểu thức hẹn giờ").fill('"P3D"')  # still selected: clicking would deselect

    select_element(page, "flow_leader_approve")
    condition = page.get_by_label("Điều kiện", exact=True)
    assert condition.input_value() == 'decision == "approve"'
    condition.fill('decision == = "approve"')
    validate_expecting(page, "flow_leader_approve", "Biểu thức sai cú pháp")
    page.get_by_label("Điều kiện", exact=True).fill('decision == "approve"')

    click_element(page, "remind_before")
    script = page.get_by_label("Mã kịch bản")
    assert "notify(" in script.input_value()
    script.fill("import os")
    validate_expecting(page, "remind_before", "Mã kịch bản")
    page.get_by_label("Mã kịch bản").fill('notify(["unit_staff"], "reminder_before")')

    page.evaluate(  # the context pad's "change type" does this; its menu is not under test
        "() => { const m = window.plancascadeModeler; const r = m.get('elementRegistry');"
        " m.get('bpmnReplace').replaceElement(r.get('remind_due'),"
        " { type: 'bpmn:CallActivity' }); }"
    )
    click_element(page, "remind_due")
    validate_expecting(page, "remind_due", "Quy trình được gọi")
    page.get_by_label("Quy trình được gọi").select_option("internal_report")
    page.get_by_role("button", name="Kiểm tra").click()
    page.wait_for_selector("#modeler-status.text-success")
    xml = page.evaluate("() => window.plancascadeModeler.saveXML().then(r => r.xml)")
    assert '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"P3D"</bpmn:timeDuration>' in xml
    assert 'calledElement="internal_report"' in xml
    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_selector("#modeler-status.text-success")
    assert page.locator("#modeler-status").inner_text() == "Đã lưu nháp."
    page.reload()
    page.wait_for_selector("body[data-modeler-ready='1']")
    assert "Bản nháp" in page.locator("#modeler-source").inner_text()
    assert page.js_errors == []  # type: ignore[attr-defined]
