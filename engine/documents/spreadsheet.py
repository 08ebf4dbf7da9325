"""The look every exported workbook (.xlsx) shares: title rows saying what was exported, from
which plan, with which filters and when; a bold, frozen header with an autofilter; column
widths; real Excel dates shown dd/mm/yyyy; stage statuses filled with the supervision page's
colours (`STATUS_COLOURS` mirrors web/static/css/supervision.css; a test keeps them equal)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from engine.core import clock
from engine.core.formatting import business_time, format_datetime
from engine.core.labels import STAGE_STATUS_LABELS
from models import Plan

DATE_FORMAT = "dd/mm/yyyy"
MOMENT_FORMAT = "dd/mm/yyyy hh:mm"
FONT = "Times New Roman"
# stage status → (fill, text colour), as the supervision page paints a cell
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "done_on_time": ("198754", "FFFFFF"),
    "done_late": ("C9B037", "212529"),
    "in_progress": ("0D6EFD", "FFFFFF"),
    "overdue": ("DC3545", "FFFFFF"),
    "not_started": ("CED4DA", "212529"),
}
NOT_APPLICABLE_COLOUR = "6C757D"
HEADER_FILL = "E9ECEF"
# the named cell styles (Excel lists them by these names); a status's style is named by its label
HEAD = "Tiêu đề cột"
NOT_APPLICABLE = "Không áp dụng"
STYLE_OF = {"text": "Văn bản", "number": "Số", "date": "Ngày", "moment": "Ngày giờ"}
_THIN = Side(style="thin", color="ADB5BD")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


@dataclass(frozen=True)
class Column:
    """A column of a table: its header, width (in characters) and what its cells hold
    ("text", "number", "date", "moment" — a date and time — or "status": a stage status code,
    written as its Vietnamese label and filled with its colour)."""

    title: str
    width: float = 14
    kind: str = "text"


def new_book(sheet_title: str) -> tuple[Workbook, Worksheet]:
    """Return a new workbook (its cell styles registered) and its first sheet, named
    `sheet_title`."""
    book = Workbook()
    for style in _styles():
        book.add_named_style(style)
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = sheet_title[:31]
    return book, sheet


def _styles() -> list[NamedStyle]:
    """Return the named cell styles (named in Vietnamese: Excel lists them): one per kind of
    cell, one per stage status. A named style is set on a cell by name, far cheaper than a
    font, border and alignment per cell."""
    def style(name: str, **looks: Any) -> NamedStyle:
        looks.setdefault("font", Font(name=FONT))
        return NamedStyle(name=name, border=_BORDER, **looks)

    top = Alignment(vertical="top")
    found = [
        style(HEAD, font=Font(name=FONT, bold=True), fill=PatternFill("solid", fgColor=HEADER_FILL),
              alignment=Alignment(horizontal="center", vertical="center", wrap_text=True)),
        style(STYLE_OF["text"], alignment=top),  # no wrap: row heights are not computed
        style(STYLE_OF["number"], alignment=top),
        style(STYLE_OF["date"], alignment=top, number_format=DATE_FORMAT),
        style(STYLE_OF["moment"], alignment=top, number_format=MOMENT_FORMAT),
        style(NOT_APPLICABLE, font=Font(name=FONT, color=NOT_APPLICABLE_COLOUR),
              alignment=Alignment(horizontal="center", vertical="top")),
    ]
    for status, (fill, text) in STATUS_COLOURS.items():
        found.append(style(STAGE_STATUS_LABELS[status], font=Font(name=FONT, color=text),
                           fill=PatternFill("solid", fgColor=fill),
                           alignment=Alignment(horizontal="center", vertical="top")))
    return found


def exported_at() -> str:
    """Return the title line telling when the workbook was made (business time)."""
    return f"Xuất lúc: {format_datetime(clock.now())}"


def title_rows(sheet: Worksheet, title: str, lines: Sequence[str]) -> int:
    """Write the bold title and the lines under it from A1; return the first row after them
    and an empty row."""
    sheet.cell(1, 1, title).font = Font(name=FONT, bold=True, size=14)
    for offset, line in enumerate(lines, start=2):
        sheet.cell(offset, 1, line).font = Font(name=FONT, italic=True)
    return len(lines) + 3


def plan_line(plan: Plan) -> str:
    """Return the title line naming the plan (and its decision's number when issued)."""
    number = f" (Quyết định số {plan.decision_number})" if plan.decision_number else ""
    return f"Kế hoạch: {plan.title}{number}"


def filters_line(parts: Sequence[str]) -> str:
    """Return the title line naming the filters applied ("none" when there are none)."""
    return "Bộ lọc: " + ("; ".join(parts) if parts else "không (tất cả)")


def header(sheet: Worksheet, row: int, columns: Sequence[Column], first: int = 1,
           rows: int = 1) -> None:
    """Write the header of `columns` from column `first` (bold, shaded), each title spanning
    `rows` rows down from `row`, and set the widths."""
    for index, column in enumerate(columns, start=first):
        for line in range(row, row + rows):
            sheet.cell(line, index).style = HEAD
        sheet.cell(row, index, column.title)
        if rows > 1:
            sheet.merge_cells(start_row=row, start_column=index, end_row=row + rows - 1,
                              end_column=index)
        sheet.column_dimensions[get_column_letter(index)].width = column.width


def group_header(sheet: Worksheet, row: int, first: int, span: int, text: str) -> None:
    """Write a header spanning `span` columns from `first` (a stage above its columns)."""
    for index in range(first, first + span):
        sheet.cell(row, index).style = HEAD
    sheet.cell(row, first, text)
    if span > 1:
        sheet.merge_cells(start_row=row, start_column=first, end_row=row,
                          end_column=first + span - 1)


def write_row(sheet: Worksheet, row: int, columns: Sequence[Column], values: Sequence[Any],
              first: int = 1) -> None:
    """Write one data row: each value as its column's kind says."""
    for index, (column, value) in enumerate(zip(columns, values, strict=True), start=first):
        put(sheet.cell(row, index), column.kind, value)


def put(cell: Cell, kind: str, value: Any) -> None:
    """Write `value` into `cell` as `kind` says (a date as an Excel date, a status painted)."""
    if kind == "status":
        cell.style = STAGE_STATUS_LABELS[str(value)] if value else NOT_APPLICABLE
        cell.value = STAGE_STATUS_LABELS[str(value)] if value else "—"
        return
    cell.style = STYLE_OF[kind]
    if kind == "date":
        cell.value = business_time(value).date() if isinstance(value, datetime) else value
    elif kind == "moment":
        cell.value = business_time(value).replace(tzinfo=None) if value else None
    else:
        cell.value = value if value != "" else None


def finish(sheet: Worksheet, header_row: int, last_row: int, last_column: int,
           frozen_columns: int = 0, header_rows: int = 1) -> None:
    """Freeze the header (its `header_rows` rows ending at `header_row`, and the first
    `frozen_columns` columns), filter under it, print it on every page."""
    last = get_column_letter(last_column)
    sheet.auto_filter.ref = f"A{header_row}:{last}{max(last_row, header_row)}"
    sheet.freeze_panes = f"{get_column_letter(frozen_columns + 1)}{header_row + 1}"
    sheet.print_title_rows = f"{header_row - header_rows + 1}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def to_bytes(book: Workbook) -> bytes:
    """Return the workbook as .xlsx bytes."""
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
