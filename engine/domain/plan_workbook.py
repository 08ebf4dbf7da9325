"""Read a province plan from its Excel workbook (layout in `plan_layout`) into plain rows.

Everything that would make the plan wrong is a located error and refuses the whole file
(missing sheet or column, empty required cell, duplicate code, an item above any group, a
`Sở …`/`Xã …`/`Phường …` in `Cơ quan chủ trì` that is not a known unit, an unreadable year or
deadline). A target that holds no single readable number ("100%; 97,4%") is kept as written
and *flagged*, for a person to set, without refusing the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from openpyxl.workbook.workbook import Workbook

from engine.core.collation import fold
from engine.core.spreadsheets import (
    CellProblem,
    Sheet,
    SheetRow,
    WorkbookRefused,
    open_workbook,
    read_table,
)
from engine.domain import deadlines
from engine.domain import plan_layout as layout
from engine.domain.plan_targets import read_target

ROMAN = re.compile(r"^[IVXLC]+$")
EXCEL_ERRORS = frozenset(
    {"#REF!", "#VALUE!", "#N/A", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}
)
ITEM_NUMBER = re.compile(r"^\d+(?:\.\d+)*$")
# A named body in a lead cell: "sở", "xã" or "phường" followed by a name (not "các sở, …",
# "cấp xã", "xã hội").
NAMED_BODY = re.compile(r"\b(sở|xã|phường)\s+(?!các\b|cấp\b|hội\b|,|:|;)\w")


@dataclass(frozen=True)
class PlanInfo:
    """The `Thông tin` sheet."""

    year: int
    title: str
    adoption_due: date
    decision_number: str | None
    decision_date: date | None


@dataclass
class PlanRows:
    """A plan read from a workbook: its rows as the models' fields, and flagged targets."""

    info: PlanInfo
    kpis: list[dict[str, Any]]
    tasks: list[dict[str, Any]]
    templates: dict[str, list[dict[str, Any]]]
    flagged: list[CellProblem] = field(default_factory=list)

    @property
    def measurable_kpis(self) -> int:
        """Return how many KPIs carry a target (headings of sub-KPIs do not)."""
        return sum(1 for k in self.kpis if k["measurable"])


def read(data: bytes, unit_names: list[str]) -> PlanRows:
    """Read the plan workbook `data`; `unit_names` are the known units (for `Cơ quan chủ trì`)."""
    return read_workbook(open_workbook(data), unit_names)


def read_workbook(workbook: Workbook, unit_names: list[str]) -> PlanRows:
    """Read an opened plan workbook, or raise WorkbookRefused with every error found."""
    problems: list[CellProblem] = []
    info = _info(read_table(workbook, layout.INFO_SHEET, layout.INFO_COLUMNS), problems)
    kpi_sheet = read_table(workbook, layout.KPI_SHEET, layout.KPI_COLUMNS, layout.YEAR_SUFFIXED)
    task_sheet = read_table(workbook, layout.TASK_SHEET, layout.TASK_COLUMNS)
    known = [fold(name) for name in unit_names]
    flagged: list[CellProblem] = []
    kpis = [
        _kpi(kpi_sheet, row, item, problems, flagged, known)
        for row, item in _items(kpi_sheet, layout.KPI_NAME, problems)
    ]
    _headings_only_without_target(kpi_sheet, kpis, problems)
    tasks = [
        _task(task_sheet, row, item, problems, known)
        for row, item in _items(task_sheet, layout.TASK_NAME, problems)
    ]
    templates = {
        kind: [
            _template(row, item)
            for row, item in _items(
                read_table(workbook, name, layout.TEMPLATE_COLUMNS), layout.TASK_NAME, problems
            )
        ]
        for kind, name in layout.TEMPLATE_SHEETS.items()
    }
    _check_year(kpi_sheet, info, flagged)
    if problems or info is None:
        raise WorkbookRefused(problems)
    return PlanRows(info, kpis, tasks, templates, flagged)


def _info(sheet: Sheet, problems: list[CellProblem]) -> PlanInfo | None:
    rows = {fold(row.text(layout.ITEM)): row for row in sheet.rows}
    found: dict[str, SheetRow] = {}
    for item in (*layout.REQUIRED_INFO, layout.DECISION_NUMBER, layout.DECISION_DATE):
        row = rows.get(fold(item))
        if row is not None and row.text(layout.VALUE):
            found[item] = row
        elif item in layout.REQUIRED_INFO:
            line = row.number if row else None
            problems.append(sheet.problem(line, layout.VALUE, f"Thiếu mục '{item}'"))
    year = _year(sheet, found.get(layout.YEAR), problems)
    due = _date(sheet, found.get(layout.ADOPTION_DUE), problems)
    decided = _date(sheet, found.get(layout.DECISION_DATE), problems)
    if year is None or due is None or layout.TITLE not in found:
        return None
    first, last = deadlines.plan_window(year)
    if not first <= due <= last:
        problems.append(
            sheet.problem(
                found[layout.ADOPTION_DUE].number,
                layout.VALUE,
                f"Hạn gửi kế hoạch phải thuộc năm {year} (hoặc cuối năm {year - 1})",
            )
        )
    number = found.get(layout.DECISION_NUMBER)
    return PlanInfo(
        year,
        found[layout.TITLE].text(layout.VALUE),
        due,
        number.text(layout.VALUE) if number else None,
        decided,
    )


def _year(sheet: Sheet, row: SheetRow | None, problems: list[CellProblem]) -> int | None:
    if row is None:
        return None
    text = row.text(layout.VALUE)
    if not re.fullmatch(r"\d{4}", text) or not 2000 <= int(text) <= 2100:
        problems.append(sheet.problem(row.number, layout.VALUE, "Năm phải là số có 4 chữ số"))
        return None
    return int(text)


def _date(sheet: Sheet, row: SheetRow | None, problems: list[CellProblem]) -> date | None:
    if row is None:
        return None
    value = row.as_date(layout.VALUE)
    if value is None:
        problems.append(sheet.problem(row.number, layout.VALUE, "Ngày phải ghi dạng dd/mm/yyyy"))
    return value


@dataclass(frozen=True)
class _Item:
    """Where an item row sits: its code, its group and its parent item (if a sub-item)."""

    code: str
    group_code: str
    group_name: str
    parent_code: str | None


def _items(
    sheet: Sheet, name_column: str, problems: list[CellProblem]
) -> list[tuple[SheetRow, _Item]]:
    """Return the item rows of an annex sheet with their codes; note group/numbering errors."""
    group: tuple[str, str] | None = None
    seen: dict[str, int] = {}
    items = []
    for row in sheet.rows:
        number, name = row.text(layout.STT).rstrip("."), row.text(name_column)
        if ROMAN.match(number):
            group = (number, name)
            continue
        if not ITEM_NUMBER.match(number):
            problems.append(
                sheet.problem(
                    row.number,
                    layout.STT,
                    "STT phải là số La Mã (nhóm) hoặc số thứ tự (1, 2, 8.1…)",
                )
            )
            continue
        if group is None:
            problems.append(
                sheet.problem(
                    row.number, layout.STT, "Dòng này phải nằm dưới một dòng nhóm (I, II, …)"
                )
            )
            continue
        code = f"{group[0]}.{number}"
        if code in seen:
            problems.append(
                sheet.problem(row.number, layout.STT, f"Mã {code} trùng với dòng {seen[code]}")
            )
            continue
        seen[code] = row.number
        if not name:
            problems.append(sheet.problem(row.number, name_column, "Thiếu nội dung"))
        parent = f"{group[0]}.{number.rsplit('.', 1)[0]}" if "." in number else None
        items.append((row, _Item(code, group[0], group[1], parent)))
    return items


def _check_lead(
    sheet: Sheet, row: SheetRow, known: list[str], problems: list[CellProblem]
) -> None:
    """Refuse a lead that names a sở, xã or phường that is not a known unit."""
    for part in re.split(r"[;\n]|\s-\s", row.text(layout.LEAD)):
        rest = fold(part)
        for name in sorted(known, key=len, reverse=True):
            rest = rest.replace(name, " ")
        if NAMED_BODY.search(rest):
            problems.append(
                sheet.problem(
                    row.number,
                    layout.LEAD,
                    f"Không có đơn vị '{part.strip(' -')}' trong danh sách đơn vị",
                )
            )


def _kpi(
    sheet: Sheet,
    row: SheetRow,
    item: _Item,
    problems: list[CellProblem],
    flagged: list[CellProblem],
    known: list[str],
) -> dict[str, Any]:
    _check_lead(sheet, row, known, problems)
    target_text = row.text(layout.TARGET) or None
    target = read_target(target_text)
    if target_text in EXCEL_ERRORS:
        problems.append(
            sheet.problem(
                row.number, layout.TARGET, f"Ô chỉ tiêu bị lỗi công thức ({target_text})"
            )
        )
    elif target_text and target is None:
        flagged.append(
            sheet.problem(
                row.number,
                layout.TARGET,
                f"Chưa đọc được chỉ tiêu '{target_text}'; cần đặt so sánh, giá trị và đơn vị",
            )
        )
    return {
        "code": item.code,
        "group_code": item.group_code,
        "group_name": item.group_name,
        "parent_code": item.parent_code,
        "name": row.text(layout.KPI_NAME),
        "measurable": target_text is not None,
        "target_text": target_text,
        "target_value": target.value if target else None,
        "target_unit": target.unit if target else None,
        "comparator": target.comparator if target else None,
        "lead": row.text(layout.LEAD) or None,
        "coordinating": row.text(layout.COORDINATING) or None,
        "baseline_text": row.text(layout.BASELINE) or None,
        "_row": row.number,
    }


def _headings_only_without_target(
    sheet: Sheet, kpis: list[dict[str, Any]], problems: list[CellProblem]
) -> None:
    """A KPI without a target is fine only as the heading of sub-KPIs (II.8 → II.8.1…)."""
    parents = {k["parent_code"] for k in kpis if k["parent_code"]}
    for kpi in kpis:
        row = kpi.pop("_row")
        if not kpi["measurable"] and kpi["code"] not in parents:
            problems.append(sheet.problem(row, layout.TARGET, "Thiếu chỉ tiêu"))


def _task(
    sheet: Sheet, row: SheetRow, item: _Item, problems: list[CellProblem], known: list[str]
) -> dict[str, Any]:
    _check_lead(sheet, row, known, problems)
    return {
        "code": item.code,
        "group_code": item.group_code,
        "group_name": item.group_name,
        "parent_code": item.parent_code,
        "name": row.text(layout.TASK_NAME),
        "lead": row.text(layout.LEAD) or None,
        "coordinating": row.text(layout.COORDINATING) or None,
        "product": row.text(layout.PRODUCT) or None,
        "deadline_text": row.text(layout.DEADLINE) or None,
    }


def _template(row: SheetRow, item: _Item) -> dict[str, Any]:
    return {
        "code": item.code,
        "group_code": item.group_code,
        "group_name": item.group_name,
        "name": row.text(layout.TASK_NAME),
        "product": row.text(layout.PRODUCT) or None,
        "deadline_text": row.text(layout.DEADLINE) or None,
        "province_task_code": row.text(layout.PROVINCE_TASK) or None,
    }


def _check_year(sheet: Sheet, info: PlanInfo | None, flagged: list[CellProblem]) -> None:
    """The plan's year is `Thông tin`'s; a target column headed with another year (last
    year's workbook used as a template) is flagged, not refused."""
    written = re.search(r"\d{4}", sheet.titles.get(layout.TARGET, ""))
    if info is not None and written and int(written.group()) != info.year:
        flagged.append(
            sheet.problem(
                None,
                layout.TARGET,
                f"Tiêu đề cột ghi năm {written.group()}; kế hoạch được nhập là năm {info.year} "
                f"(theo trang '{layout.INFO_SHEET}')",
            )
        )
