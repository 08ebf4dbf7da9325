"""A real province's first run in the browser: the sign-in page says how to create the first
administrator; the administrator imports units and accounts from Excel with a preview; Sở
KHCN imports the 2027 plan, drafts it, its leader issues it; a commune finds its adoption
task due on 2027's date."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from engine.admin import first_run
from engine.core import clock
from engine.core.db import make_engine, make_session_factory
from engine.core.schema import upgrade
from engine.demo.bootstrap import at
from engine.workflow import definitions
from tests.browser.conftest import LiveServer, serve_copy, sign_in
from tests.web.test_fresh_installation import PASSWORD, plan_2027_workbook, units_workbook


@pytest.fixture(scope="session")
def empty_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database as `plancascade init` leaves it: the schema and the built-in processes."""
    path = tmp_path_factory.mktemp("fresh") / "empty.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with make_session_factory(engine)() as session:
        definitions.deploy_builtin(session)
        session.commit()
    engine.dispose()
    return path


@pytest.fixture
def fresh_server(tmp_path: Path, empty_world: Path) -> Iterator[LiveServer]:
    with serve_copy(empty_world, tmp_path) as server:
        yield server


def upload(page: Any, data: bytes, path: Path, button: str) -> None:
    path.write_bytes(data)
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name=button).click()


def test_a_province_starts_its_year_in_the_browser(
    page: Any, fresh_server: LiveServer, tmp_path: Path
) -> None:
    server = fresh_server
    clock.set_now(at(date(2027, 1, 5), 9))
    page.goto(f"{server.url}/login")
    assert "plancascade create-admin" in page.locator("#no-admin").inner_text()
    with server.sessions() as session:  # what `plancascade create-admin` does
        first_run.create_admin(session, "quantri", PASSWORD)
        session.commit()

    sign_in(page, server, "quantri", PASSWORD)
    page.goto(f"{server.url}/admin/units")
    page.get_by_role("link", name="Nhập từ Excel").click()
    upload(page, units_workbook(), tmp_path / "don-vi.xlsx", "Kiểm tra và xem trước")
    counts = page.locator("#import-counts").inner_text()
    assert "thêm 91 đơn vị" in counts and "thêm 3 tài khoản" in counts
    page.get_by_role("button", name="Xác nhận nhập").click()
    assert "Đã nhập: 91 đơn vị mới" in page.locator(".alert-success").inner_text()
    with server.sessions() as session:  # `plancascade set-password`, for each account
        for username in ("skhcn.staff", "skhcn.leader", "muong-la.staff"):
            first_run.set_password(session, username, PASSWORD)
        session.commit()

    sign_in(page, server, "skhcn.staff", PASSWORD)
    page.get_by_role("link", name="Kế hoạch", exact=True).click()
    upload(page, plan_2027_workbook(), tmp_path / "ke-hoach-2027.xlsx", "Kiểm tra và xem trước")
    assert "30 chỉ tiêu" in page.locator("#plan-counts").inner_text()
    page.get_by_role("button", name="Xác nhận nhập kế hoạch").click()
    assert "Đã tạo bản dự thảo kế hoạch năm 2027" in page.locator(".alert-success").inner_text()
    page.get_by_role("link", name="Công việc của tôi").click()
    page.get_by_role("link", name="Soạn thảo kế hoạch tỉnh").click()
    page.get_by_role("button", name="Hoàn thành").click()
    page.wait_for_url(f"{server.url}/")
    assert "Đã hoàn thành: Soạn thảo kế hoạch tỉnh" in page.locator(".alert-success").inner_text()

    sign_in(page, server, "skhcn.leader", PASSWORD)
    page.get_by_role("link", name="Phê duyệt và ban hành kế hoạch").click()
    page.get_by_label("Phê duyệt, ban hành").check()
    page.get_by_label("Số quyết định").fill("12/QĐ-UBND")
    page.get_by_label("Ngày ban hành").fill("05/01/2027")  # the clock's day, not in the future
    page.get_by_role("button", name="Hoàn thành").click()
    page.wait_for_url(f"{server.url}/")
    assert "Đã hoàn thành" in page.locator(".alert-success").inner_text()

    sign_in(page, server, "muong-la.staff", PASSWORD)
    row = page.locator("#inbox-table tbody tr", has_text="Xây dựng kế hoạch của đơn vị")
    assert "11/01/2027" in row.inner_text()
    assert page.js_errors == []
