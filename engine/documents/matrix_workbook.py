"""The supervision matrix as an .xlsx, as the page shows it: the same filters (kind of unit, a
status at some stage, a name), every row they keep (not one page of them), and per stage the
status filled with the page's colour, the due date and the date sent; a second sheet holds the
counts by status the page shows above the matrix. Readable by whoever may supervise."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.orm import Session

from engine.core.errors import NotFoundError
from engine.core.labels import STAGE_STATUS_LABELS, unit_kind_label
from engine.core.permissions import Actor, may_supervise
from engine.documents import spreadsheet
from engine.documents.spreadsheet import Column
from engine.queries import dashboard
from engine.queries.dashboard import MatrixPage
from engine.queries.supervision import Row
from models import Plan

SHEET = "Ma trận giám sát"
COUNTS_SHEET = "Số lượng theo tình trạng"
TITLE = "Ma trận giám sát thực hiện kế hoạch chuyển đổi số"
MAX_ROWS = 100_000
UNIT_COLUMNS = (Column("STT", 6, "number"), Column("Đơn vị", 42), Column("Loại đơn vị", 15))
STAGE_COLUMNS = (
    Column("Tình trạng", 24, "status"), Column("Hạn", 12, "date"), Column("Ngày gửi", 12, "date")
)


def file_name(plan: Plan) -> str:
    """Return the download name of the matrix of `plan`."""
    return f"ma-tran-giam-sat-{plan.year}.xlsx"


def filter_parts(kind: str | None, status: str | None, query: str | None) -> list[str]:
    """Return the matrix filters applied, in Vietnamese."""
    parts = []
    if kind:
        parts.append(f"Loại đơn vị: {dashboard.KIND_GROUP_LABELS[kind]}")
    if status:
        parts.append(f"Tình trạng (ở ít nhất một giai đoạn): {STAGE_STATUS_LABELS[status]}")
    if query:
        parts.append(f"Tên đơn vị: “{query}”")
    return parts


def build(
    session: Session,
    actor: Actor,
    plan: Plan,
    *,
    kind: str | None = None,
    status: str | None = None,
    query: str | None = None,
) -> bytes:
    """Return the .xlsx of the matrix of `plan` filtered as the page filters it."""
    if not may_supervise(actor):
        raise NotFoundError("Không tìm thấy trang")
    kind, status = dashboard.clean_filters(kind, status)
    query = (query or "").strip()[:100]
    page = dashboard.matrix_page(session, plan, kind=kind, status=status, query=query,
                                 per_page=MAX_ROWS)
    stages = dashboard.stage_heads(plan)
    book, sheet = spreadsheet.new_book(SHEET)
    shown = f"{page.total} đơn vị" + (f" (lọc từ {page.units})" if page.total != page.units else "")
    top = spreadsheet.title_rows(sheet, TITLE, [
        spreadsheet.plan_line(plan),
        spreadsheet.filters_line(filter_parts(kind, status, query)),
        f"{shown}. {spreadsheet.exported_at()}",
    ])
    _matrix(sheet, top, stages, page.rows)
    _counts(book.create_sheet(COUNTS_SHEET), plan, stages, page, filter_parts(kind, None, query))
    return spreadsheet.to_bytes(book)


def _matrix(sheet: Worksheet, top: int, stages: Sequence[tuple[str, str]],
            rows: Sequence[Row]) -> None:
    """Write the two header rows (stages over their columns) and a row per unit."""
    head = top + 1
    spreadsheet.header(sheet, top, UNIT_COLUMNS, rows=2)
    first = len(UNIT_COLUMNS) + 1
    for position, (_key, label) in enumerate(stages):
        column = first + position * len(STAGE_COLUMNS)
        spreadsheet.group_header(sheet, top, column, len(STAGE_COLUMNS), label)
        spreadsheet.header(sheet, head, STAGE_COLUMNS, column)
    for number, row in enumerate(rows, start=1):
        line = head + number
        spreadsheet.write_row(sheet, line, UNIT_COLUMNS,
                              (number, row.name, unit_kind_label(row.kind)))
        for position, (key, _label) in enumerate(stages):
            cell = row.cells[key]
            dates = (cell.due, cell.submitted_at) if cell.status else (None, None)  # as "—"
            spreadsheet.write_row(sheet, line, STAGE_COLUMNS, (cell.status, *dates),
                                  first + position * len(STAGE_COLUMNS))
    last_column = len(UNIT_COLUMNS) + len(stages) * len(STAGE_COLUMNS)
    spreadsheet.finish(sheet, head, head + len(rows), last_column, frozen_columns=2,
                       header_rows=2)


def _counts(sheet: Worksheet, plan: Plan, stages: Sequence[tuple[str, str]], page: MatrixPage,
            filters: list[str]) -> None:
    """Write how many units are in each status at each stage (the units the kind and name
    filters keep, as the page counts them)."""
    top = spreadsheet.title_rows(sheet, "Số đơn vị theo tình trạng", [
        spreadsheet.plan_line(plan),
        spreadsheet.filters_line(filters),
        spreadsheet.exported_at(),
    ])
    columns = [Column("Tình trạng", 26, "status"),
               *(Column(label, 14, "number") for _key, label in stages)]
    spreadsheet.header(sheet, top, columns)
    for offset, value in enumerate(STAGE_STATUS_LABELS, start=1):
        counts = [page.counts[key][value] for key, _label in stages]
        spreadsheet.write_row(sheet, top + offset, columns, (value, *counts))
    spreadsheet.finish(sheet, top, top + len(STAGE_STATUS_LABELS), len(columns),
                       frozen_columns=1)
