"""Write a province plan to Excel in exactly the layout `plan_workbook` reads (export → import
gives the same plan): the annexes' sheets with group rows, then `Thông tin`."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from engine.domain import plan_layout as layout
from models import Plan

WIDTHS = {layout.STT: 7, layout.KPI_NAME: 60, layout.TASK_NAME: 60}
DEFAULT_WIDTH = 28


def plan_workbook(plan: Plan) -> bytes:
    """Return the plan as an .xlsx workbook."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    _annexes(book, plan)
    _info(book, plan)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _annexes(book: Workbook, plan: Plan) -> None:
    kpi_header = [
        layout.STT,
        layout.KPI_NAME,
        f"{layout.BASELINE} {plan.year - 1}",
        f"{layout.TARGET} {plan.year}",
        layout.LEAD,
        layout.COORDINATING,
    ]
    _sheet(
        book,
        layout.KPI_SHEET,
        kpi_header,
        _grouped(
            plan.kpis,
            lambda k: [
                k.name,
                k.baseline_text,
                k.target_text,
                k.lead,
                k.coordinating,
            ],
        ),
    )
    _sheet(
        book,
        layout.TASK_SHEET,
        list(layout.TASK_COLUMNS),
        _grouped(
            plan.tasks,
            lambda t: [
                t.name,
                t.lead,
                t.coordinating,
                t.product,
                t.deadline_text,
            ],
        ),
    )
    for kind, name in layout.TEMPLATE_SHEETS.items():
        rows = [t for t in plan.template_tasks if t.unit_kind == kind]
        _sheet(
            book,
            name,
            [*layout.TEMPLATE_COLUMNS, layout.PROVINCE_TASK],
            _grouped(
                rows,
                lambda t: [t.name, t.product, t.deadline_text, t.province_task_code],
            ),
        )


def _grouped(items: Iterable[Any], cells: Any) -> list[list[Any]]:
    """Return the sheet's rows: a group row (Roman numeral, title) before each group's items."""
    rows: list[list[Any]] = []
    group = None
    for item in items:
        if item.group_code != group:
            group = item.group_code
            rows.append([item.group_code, item.group_name])
        rows.append([item.code.removeprefix(f"{item.group_code}."), *cells(item)])
    return rows


def _clean(value: Any) -> Any:
    """Drop the control characters a workbook cannot hold (they may come from typed text)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _sheet(book: Workbook, name: str, header: Sequence[str], rows: list[list[Any]]) -> Worksheet:
    sheet = book.create_sheet(name)
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in rows:
        sheet.append([_clean(value) for value in row])
        if len(row) == 2:  # a group row
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
    for index, title in enumerate(header, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = WIDTHS.get(title, DEFAULT_WIDTH)
    sheet.freeze_panes = "A2"
    return sheet


def _info(book: Workbook, plan: Plan) -> None:
    rows: list[list[Any]] = [
        [layout.YEAR, plan.year],
        [layout.TITLE, plan.title],
        [layout.ADOPTION_DUE, plan.adoption_due_date],
    ]
    if plan.decision_number:
        rows.append([layout.DECISION_NUMBER, plan.decision_number])
    if plan.decision_date:
        rows.append([layout.DECISION_DATE, plan.decision_date])
    sheet = _sheet(book, layout.INFO_SHEET, list(layout.INFO_COLUMNS), rows)
    for row in sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        for cell in row:
            if cell.is_date:
                cell.number_format = "dd/mm/yyyy"
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 60
