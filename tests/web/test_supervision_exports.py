"""Giám sát's "Tải Excel" links: the matrix with the filters chosen on the page, the late lists,
the KPI roll-up of the round shown — each download holds the page's rows; unit users get 404,
as for the pages (on a year played to 08/03/2026)."""
from __future__ import annotations

import html as markup
import io
import re
from collections.abc import Callable, Iterator

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import Engine

from tests.web.conftest import text
from tests.web.year_state import year_db  # noqa: F401  (fixture)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOWNLOADS = ("/supervision/matrix.xlsx", "/supervision/late.xlsx", "/supervision/kpis.xlsx")


@pytest.fixture
def db_engine(year_db: Engine) -> Iterator[Engine]:  # noqa: F811
    """Every test of this module starts on the played year."""
    yield year_db


@pytest.fixture
def web_data() -> None:
    """The played year is already in the database."""
    return None


def link(page: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*href="([^"]+)"', page, re.S)
    assert found, element_id
    return markup.unescape(found.group(1))


def download(client: FlaskClient, url: str, name: str) -> Worksheet:
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == XLSX
    assert response.headers["Content-Disposition"] == f"attachment; filename={name}"
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    assert isinstance(sheet, Worksheet)
    return sheet


def rows_under(sheet: Worksheet, first: str, column: int, skip: int = 0) -> list[object]:
    top = next(r for r in range(1, 15) if sheet.cell(r, 1).value == first) + skip
    return [sheet.cell(r, column).value for r in range(top + 1, sheet.max_row + 1)]


def test_the_matrix_download_carries_the_pages_filters(
        signed_in: Callable[[str], FlaskClient]) -> None:
    staff = signed_in("skhcn.staff")
    page = text(staff.get("/supervision?kind=commune&status=overdue&q=x%C3%A3"))
    url = link(page, "matrix-xlsx")
    assert url.startswith("/supervision/matrix.xlsx?")
    assert all(part in url for part in ("kind=commune", "status=overdue", "q=x"))
    sheet = download(staff, url, "ma-tran-giam-sat-2026.xlsx")
    shown = [markup.unescape(n) for n in re.findall(
        r'<td class="unit-cell"><a href="[^"]+">([^<]+)</a>', page)]
    assert shown and rows_under(sheet, "STT", 2, skip=1) == shown
    assert "Loại đơn vị: Xã, phường" in sheet.cell(3, 1).value
    assert "Tình trạng (ở ít nhất một giai đoạn): Quá hạn" in sheet.cell(3, 1).value
    everything = download(staff, link(text(staff.get("/supervision")), "matrix-xlsx"),
                          "ma-tran-giam-sat-2026.xlsx")
    assert len(rows_under(everything, "STT", 2, skip=1)) == 40


def test_the_late_download_lists_the_pages_names(
        signed_in: Callable[[str], FlaskClient]) -> None:
    leader = signed_in("skhcn.leader")
    page = text(leader.get("/supervision/late"))
    sheet = download(leader, link(page, "late-xlsx"), "danh-sach-cham-2026.xlsx")
    shown = [markup.unescape(n) for n in re.findall(r"<li>([^<]+)</li>", page)]
    assert shown and rows_under(sheet, "STT", 5) == shown


def test_the_kpi_download_is_the_round_shown(signed_in: Callable[[str], FlaskClient]) -> None:
    leader = signed_in("ubnd.leader")
    page = text(leader.get("/supervision/kpis?round=q1"))
    url = link(page, "kpis-xlsx")
    assert "round=q1" in url
    sheet = download(leader, url, "chi-tieu-q1-2026.xlsx")
    assert sheet.cell(3, 1).value == "Kỳ báo cáo: Quý I"
    shown = re.findall(r'<tr data-kpi="([^"]+)">', page)
    assert shown and rows_under(sheet, "Mã", 1) == shown
    default = download(leader, "/supervision/kpis.xlsx?round=bogus", "chi-tieu-q1-2026.xlsx")
    assert default.cell(3, 1).value == "Kỳ báo cáo: Quý I"


@pytest.mark.parametrize("username", ["muong-la.staff", "so-tai-chinh.leader", "inspector"])
def test_unit_users_get_404_as_for_the_pages(
        signed_in: Callable[[str], FlaskClient], username: str) -> None:
    user = signed_in(username)
    for url in DOWNLOADS:
        assert user.get(url).status_code == 404, url


def test_anonymous_users_are_sent_to_sign_in(client: FlaskClient) -> None:
    for url in DOWNLOADS:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
