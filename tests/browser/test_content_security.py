"""Pages work under the Content-Security-Policy: the modeler (bpmn-js), an instance's diagram
and the KPI page (Chart.js) load without a policy violation, and the buttons and lists
that used inline handlers (confirm before cancelling, submit on change) still behave."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from models import InstanceStatus, ProcessInstance, Unit
from tests.browser.conftest import LiveServer, sign_in


def _violations(page: Any) -> list[str]:
    """Collect the console's Content-Security-Policy reports of `page` from now on."""
    found: list[str] = []
    page.on("console", lambda message: found.append(message.text)
            if "Content Security Policy" in message.text else None)
    return found


def _instance(server: LiveServer, code: str) -> int:
    with server.sessions() as session:
        return session.scalars(
            select(ProcessInstance.id).join(Unit, Unit.id == ProcessInstance.unit_id)
            .where(Unit.code == code, ProcessInstance.process_key == "unit_plan")).one()


def test_pages_run_under_the_policy(page: Any, live_server: LiveServer) -> None:
    violations = _violations(page)
    sign_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/admin/processes/unit_plan/modeler")
    page.wait_for_selector("body[data-modeler-ready='1']")
    assert page.locator(".djs-palette .entry").count() > 5  # bpmn-js drew its palette

    muong_la = _instance(live_server, "muong-la")
    page.goto(f"{live_server.url}/admin/instances/{muong_la}")
    page.once("dialog", lambda dialog: dialog.dismiss())  # "Hủy hẳn quy trình này?" → no
    page.get_by_role("button", name="Hủy quy trình").click()
    with live_server.sessions() as session:
        assert session.get(ProcessInstance, muong_la).status != InstanceStatus.CANCELLED

    page.goto(f"{live_server.url}/admin/substitutions")
    with page.expect_navigation():  # choosing a unit reloads the list: no button needed
        page.locator("#subs-unit").select_option(index=1)
    assert "unit=" in page.url

    sign_in(page, live_server, "skhcn.staff")
    page.goto(f"{live_server.url}/supervision/kpis")
    assert page.evaluate("() => typeof window.Chart") == "function"  # Chart.js loaded
    page.goto(f"{live_server.url}/instances/{muong_la}")
    page.wait_for_selector('#bpmn-diagram[data-state="ready"]')
    assert violations == [] and page.js_errors == []
