"""The national demo walked in the browser: the Ministry's view of the provinces, then a
province's staff on their own province only."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.browser.conftest import ARTIFACTS, LiveServer, serve_copy, sign_in
from tests.tenancy.national_state import nation_db  # noqa: F401  (fixture)


@pytest.fixture
def nation_server(nation_db: Engine, tmp_path: Path) -> Iterator[LiveServer]:  # noqa: F811
    """The small nation (Sơn La, Lai Châu, Điện Biên and the Ministry), served live."""
    database = Path(str(nation_db.url.database))
    (tmp_path / "live").mkdir()
    with serve_copy(database, tmp_path / "live") as server:
        yield server


def test_the_ministry_follows_the_provinces_and_each_sees_its_own(
    page: Any, nation_server: LiveServer
) -> None:
    sign_in(page, nation_server, "bo.staff")
    assert page.locator(".navbar-brand").inner_text() == "Chuyển đổi số quốc gia"
    page.get_by_role("link", name="Giám sát").click()
    page.wait_for_url(f"{nation_server.url}/supervision/national")
    table = page.locator("#national-table")
    assert table.locator("tbody tr").count() == 3
    lai_chau = table.locator("tr[data-province='Tỉnh Lai Châu']")
    assert "Đã ban hành 45/QĐ-UBND ngày 12/01/2026" in lai_chau.inner_text()
    assert "Chậm" in table.locator("tr[data-province='Tỉnh Điện Biên']").inner_text()
    late = page.locator("[data-late-province='Tỉnh Điện Biên']").inner_text()
    assert "kế hoạch của tỉnh chậm ban hành" in late
    (ARTIFACTS / "screens").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "screens" / "national.png"), full_page=True)

    sign_in(page, nation_server, "lai-chau.skhcn.staff")
    assert page.locator(".navbar-brand").inner_text() == "Chuyển đổi số Lai Châu"
    page.get_by_role("link", name="Giám sát").click()
    page.wait_for_url(f"{nation_server.url}/supervision")
    body = page.locator("main").inner_text() if page.locator("main").count() else page.inner_text(
        "body")
    assert "Xã mô phỏng 001" in body and "Xã Mường La" not in body
    assert page.js_errors == []
