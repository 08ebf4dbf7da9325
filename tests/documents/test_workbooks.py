"""The .xlsx exports read back with openpyxl: the supervision matrix as filtered on its page,
the late lists, a round's KPI roll-up — title rows, headers, rows equal to the page's read
model for the same filters, status fills in the page's colours, frozen header, autofilter,
real dates shown dd/mm/yyyy, Vietnamese intact; and who may have them."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from engine.core import clock
from engine.core.db import make_session_factory
from engine.core.errors import NotFoundError
from engine.core.labels import STAGE_STATUS_LABELS
from engine.demo.actors import act, ready_tasks
from engine.demo.bootstrap import at
from engine.documents import kpi_workbook, late_workbook, matrix_workbook, spreadsheet
from engine.queries import dashboard, supervision
from models import Unit
from tests.conftest import Templates, build_world
from tests.documents.test_unit_report_docx import report_q1
from tests.scripted import adopt_plan

CSS = Path(__file__).resolve().parents[2] / "web" / "static" / "css" / "supervision.css"


def _unit(session: Session, code: str) -> Unit:
    return session.scalars(select(Unit).where(Unit.code == code)).one()


def played(session: Session, cast: Any) -> None:
    """Văn phòng UBND tỉnh adopts on time and sends Q1 on time; Sở Nội vụ adopts late (26/02);
    the clock then stands at 10/03/2026, after Q1's deadline."""
    report_q1(session, cast, "van-phong-ubnd-tinh")
    home = _unit(session, "so-noi-vu")
    clock.set_now(at(date(2026, 2, 26), 9))
    assert adopt_plan(session, cast, home, "07/KH-SNV")
    review = ready_tasks(session, unit_id=home.id, form_key="unit_plan_review")[0]
    act(session, cast, review, {"decision": "accept"})
    session.commit()
    clock.set_now(at(date(2026, 3, 10), 9))


def _play(engine: Engine) -> None:
    with make_session_factory(engine)() as session:
        _plan, cast = build_world(session)
        played(session, cast)


@pytest.fixture
def db_engine(templates: Templates, tmp_path: Path) -> Iterator[Engine]:
    """A fresh copy of the issued plan played as `played` says (played once per run)."""
    templates.register("workbooks", _play)
    engine = templates.fresh("workbooks", tmp_path)
    yield engine
    engine.dispose()


@pytest.fixture
def state(world: Any) -> Any:
    """The played plan and its cast, the clock at 10/03/2026 09:00."""
    clock.set_now(at(date(2026, 3, 10), 9))
    return world


def sheet_of(data: bytes, name: str | None = None) -> Worksheet:
    book = load_workbook(io.BytesIO(data))
    sheet = book[name] if name else book.worksheets[0]
    assert isinstance(sheet, Worksheet)
    return sheet


def header_row(sheet: Worksheet, first: str) -> int:
    """Return the row whose column A holds `first` (the header row)."""
    return next(r for r in range(1, 20) if sheet.cell(r, 1).value == first)


def fill_of(cell: Any) -> str:
    return str(cell.fill.fgColor.rgb)[-6:].upper()


def test_the_matrix_workbook_is_the_filtered_page_with_its_colours(
    session: Session, state: Any
) -> None:
    plan, cast = state
    dost = cast.actor("dost_staff", None)
    data = matrix_workbook.build(session, dost, plan, kind="department", status="done_on_time",
                                 query="  văn phòng ")
    page = dashboard.matrix_page(session, plan, kind="department", status="done_on_time",
                                 query="văn phòng")
    sheet = sheet_of(data, matrix_workbook.SHEET)
    assert sheet.cell(1, 1).value == matrix_workbook.TITLE
    titles = [sheet.cell(r, 1).value for r in range(2, 5)]
    assert titles[0] == f"Kế hoạch: {plan.title} (Quyết định số {plan.decision_number})"
    assert titles[1] == ("Bộ lọc: Loại đơn vị: Sở, ban, ngành; Tình trạng (ở ít nhất một giai "
                         "đoạn): Hoàn thành đúng hạn; Tên đơn vị: “văn phòng”")
    assert titles[2] == "1 đơn vị. Xuất lúc: 10/03/2026 09:00"
    top = header_row(sheet, "STT")
    head = top + 1
    assert [sheet.cell(top, c).value for c in (1, 2, 3)] == ["STT", "Đơn vị", "Loại đơn vị"]
    stages = dashboard.stage_heads(plan)
    assert [sheet.cell(top, 4 + 3 * i).value for i in range(len(stages))] == [
        label for _key, label in stages]
    assert [sheet.cell(head, c).value for c in (4, 5, 6)] == ["Tình trạng", "Hạn", "Ngày gửi"]
    assert sheet.freeze_panes == f"C{head + 1}"
    assert sheet.auto_filter.ref.startswith(f"A{head}:")
    names = [sheet.cell(r, 2).value for r in range(head + 1, sheet.max_row + 1)]
    assert names == [row.name for row in page.rows] == ["Văn phòng UBND tỉnh"]
    row = page.rows[0]
    for position, (key, _label) in enumerate(stages):
        status_cell = sheet.cell(head + 1, 4 + 3 * position)
        due_cell = sheet.cell(head + 1, 5 + 3 * position)
        cell = row.cells[key]
        if cell.status is None:  # "—", as the page shows it: no dates either
            assert status_cell.value == "—" and due_cell.value is None
            continue
        assert status_cell.value == STAGE_STATUS_LABELS[cell.status]
        assert fill_of(status_cell) == spreadsheet.STATUS_COLOURS[cell.status][0]
        if cell.due:
            assert due_cell.is_date and due_cell.number_format == "dd/mm/yyyy"
            assert due_cell.value.date() == cell.due
    adoption = sheet.cell(head + 1, 6)
    assert adoption.is_date and adoption.value.date() == date(2026, 1, 7)
    assert fill_of(sheet.cell(head + 1, 4)) == "198754"  # done on time: the page's green


def test_the_matrix_workbook_without_filters_holds_every_unit_and_the_counts(
    session: Session, state: Any
) -> None:
    plan, cast = state
    data = matrix_workbook.build(session, cast.actor("dost_leader", None), plan)
    matrix = supervision.build(session, plan)
    sheet = sheet_of(data, matrix_workbook.SHEET)
    head = header_row(sheet, "STT") + 1
    assert sheet.cell(3, 1).value == "Bộ lọc: không (tất cả)"
    names = [sheet.cell(r, 2).value for r in range(head + 1, sheet.max_row + 1)]
    assert names == [r.name for r in matrix.rows] and len(names) == 90
    late = names.index("Sở Nội vụ")
    assert sheet.cell(head + 1 + late, 4).value == "Hoàn thành quá hạn"
    assert fill_of(sheet.cell(head + 1 + late, 4)) == "C9B037"
    counts = sheet_of(data, matrix_workbook.COUNTS_SHEET)
    top = header_row(counts, "Tình trạng")
    for offset, (status, label) in enumerate(STAGE_STATUS_LABELS.items(), start=1):
        assert counts.cell(top + offset, 1).value == label
        assert [counts.cell(top + offset, 2 + i).value for i in range(len(matrix.stages))] == [
            matrix.counts[key][status] for key in matrix.stages]
    assert counts.freeze_panes == f"B{top + 1}"


def test_a_filter_that_keeps_no_unit_gives_the_header_alone(session: Session, state: Any) -> None:
    plan, cast = state
    data = matrix_workbook.build(session, cast.actor("dost_staff", None), plan,
                                 query="100% không_có", kind="nonsense", status="nonsense")
    sheet = sheet_of(data)
    head = header_row(sheet, "STT") + 1
    assert sheet.max_row == head
    assert sheet.cell(3, 1).value == "Bộ lọc: Tên đơn vị: “100% không_có”"


def test_the_late_workbook_lists_the_pages_units_in_its_order(
    session: Session, state: Any
) -> None:
    plan, cast = state
    data = late_workbook.build(session, cast.actor("dost_staff", None), plan)
    sheet = sheet_of(data, late_workbook.SHEET)
    top = header_row(sheet, "STT")
    assert [c.title for c in late_workbook.COLUMNS] == [
        sheet.cell(top, c).value for c in range(1, len(late_workbook.COLUMNS) + 1)]
    lines = [tuple(sheet.cell(r, c).value for c in range(2, 6))
             for r in range(top + 1, sheet.max_row + 1)]
    expected = [
        (item.label, STAGE_STATUS_LABELS[status], label, name)
        for item in dashboard.late_lists(supervision.build(session, plan))
        for status, groups in (("overdue", item.overdue), ("done_late", item.done_late))
        for kind, label in dashboard.KIND_GROUP_LABELS.items()
        for name in groups[kind]
    ]
    assert lines == expected and len(lines) > 100
    row = lines.index(("Xây dựng kế hoạch", "Hoàn thành quá hạn", "Sở, ban, ngành", "Sở Nội vụ"))
    sent = sheet.cell(top + 1 + row, 7)
    assert sent.is_date and sent.number_format == "dd/mm/yyyy"
    assert sent.value == datetime(2026, 2, 26)
    assert fill_of(sheet.cell(top + 1 + row, 3)) == "C9B037"
    overdue = lines.index(("Quý I", "Quá hạn", "Xã, phường", "Xã Mường La"))
    assert fill_of(sheet.cell(top + 1 + overdue, 3)) == "DC3545"
    assert sheet.cell(top + 1 + overdue, 6).value == datetime(2026, 3, 5)
    assert sheet.freeze_panes == f"A{top + 1}"


def test_the_kpi_workbook_is_the_rounds_rollup(session: Session, state: Any) -> None:
    plan, cast = state
    data = kpi_workbook.build(session, cast.actor("dost_staff", None), plan, "q1")
    rollup = dashboard.kpi_rollup(session, plan, "q1")
    sheet = sheet_of(data, kpi_workbook.SHEET)
    assert sheet.cell(3, 1).value == "Kỳ báo cáo: Quý I"
    assert sheet.cell(4, 1).value == ("Quý I: 1 đơn vị gửi đúng hạn, 0 gửi quá hạn, "
                                      f"{rollup.who['counts']['missing']} chưa gửi (trên tổng số "
                                      f"{rollup.who['total']})")
    top = header_row(sheet, "Mã")
    rows = [[sheet.cell(r, c).value for c in range(1, 10)]
            for r in range(top + 1, sheet.max_row + 1)]
    assert [r[0] for r in rows] == [k["code"] for k in rollup.kpis]
    first = rows[0]
    kpi = rollup.kpis[0]
    assert first[1] == kpi["name"] and first[2] == kpi["target_text"]
    assert first[3:6] == [1, kpi["units_met"], 1 - kpi["units_met"]]
    assert first[6] == first[7] == first[8] == 47.5
    assert sheet.freeze_panes == f"C{top + 1}"


def test_the_kpi_workbook_without_a_round_takes_the_pages_default(
    session: Session, world: Any
) -> None:
    plan, cast = world
    clock.set_now(at(date(2026, 7, 1), 9))
    data = kpi_workbook.build(session, cast.actor("dost_staff", None), plan)
    assert sheet_of(data).cell(3, 1).value == "Kỳ báo cáo: Quý II"


@pytest.mark.parametrize("builder", ["matrix", "late", "kpis"])
def test_only_supervisors_get_the_supervision_workbooks(
    session: Session, world: Any, builder: str
) -> None:
    plan, cast = world
    unit = _unit(session, "muong-la")
    build = {"matrix": matrix_workbook.build, "late": late_workbook.build,
             "kpis": kpi_workbook.build}[builder]
    with pytest.raises(NotFoundError):
        build(session, cast.actor("unit_leader", unit.id), plan)
    assert build(session, cast.actor("province_leader", None), plan)[:2] == b"PK"


def test_the_workbook_status_colours_are_the_pages() -> None:
    css = CSS.read_text(encoding="utf-8")
    found = {}
    for status, background, colour in re.findall(
            r"\.st-(\w+) \{ background: #(\w+) !important; color: #(\w+); \}", css):
        found[status] = (background.upper(), (colour * 2 if len(colour) == 3 else colour).upper())
    assert found == spreadsheet.STATUS_COLOURS
    assert set(found) == set(STAGE_STATUS_LABELS)
