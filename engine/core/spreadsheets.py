"""Read the Excel workbooks officials upload (units and accounts, a plan), safely.

A workbook is refused before parsing when it is larger than `MAX_BYTES`, is not an .xlsx
(zip) file, or would unpack beyond `MAX_UNPACKED_BYTES` (a zip bomb); a sheet is read up to
`MAX_ROWS` rows. Every problem is a `CellProblem` located by sheet, row and column, with a
Vietnamese message, so a whole file can be refused with the list of what to fix.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook

from engine.core.collation import fold
from engine.core.errors import PlancascadeError
from engine.core.formatting import format_date, parse_date

MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_ROWS = 20_000
HEADER_SEARCH_ROWS = 10

CellValue = str | int | float | date | datetime | None


@dataclass(frozen=True)
class CellProblem:
    """One problem in a workbook: where (sheet, 1-based row, column title) and what."""

    sheet: str
    row: int | None
    column: str | None
    message: str
    column_letter: str | None = None

    def __str__(self) -> str:
        place = [f"Trang '{self.sheet}'"] if self.sheet else []
        if self.row is not None:
            place.append(f"dòng {self.row}")
        if self.column:
            letter = f" {self.column_letter}" if self.column_letter else ""
            place.append(f"cột{letter} ({self.column})")
        return (", ".join(place) + ": " if place else "") + self.message

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON form the API and the CLI print."""
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "column_letter": self.column_letter,
            "message": self.message,
            "text": str(self),
        }


class WorkbookRefused(PlancascadeError):
    """The workbook cannot be used; `problems` says where. Nothing was written."""

    def __init__(self, problems: Sequence[CellProblem]) -> None:
        super().__init__(
            f"Tệp bị từ chối: {len(problems)} lỗi. " + "; ".join(str(p) for p in problems[:5])
        )
        self.problems = list(problems)


def refuse(message: str) -> WorkbookRefused:
    """Return the refusal of a whole file (not tied to a cell)."""
    return WorkbookRefused([CellProblem("", None, None, message)])


def open_workbook(data: bytes) -> Workbook:
    """Open an uploaded .xlsx read-only, or raise WorkbookRefused with the reason."""
    if not data:
        raise refuse("Tệp rỗng")
    if len(data) > MAX_BYTES:
        raise refuse(f"Tệp lớn hơn giới hạn {MAX_BYTES // (1024 * 1024)} MB")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise refuse("Tệp không phải là bảng tính Excel (.xlsx)") from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise refuse("Tệp giải nén quá lớn; hãy chia nhỏ bảng tính")
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a broken file
        raise refuse("Tệp không phải là bảng tính Excel (.xlsx) hợp lệ") from exc


def clean(value: Any) -> CellValue:
    """Return a cell's value with text normalised (NFC, inner spaces collapsed), or None."""
    if value is None:
        return None
    if isinstance(value, str):
        text = " ".join(unicodedata.normalize("NFC", value).split())
        return text or None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float | date | datetime):
        return value
    return " ".join(str(value).split()) or None


@dataclass(frozen=True)
class SheetRow:
    """One data row: its 1-based row number and its values by column title."""

    number: int
    values: dict[str, CellValue]

    def text(self, column: str) -> str:
        """Return the cell as text ('' when empty; whole numbers without '.0')."""
        value = self.values.get(column)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, datetime):  # Excel's dates are naive moments at midnight
            return format_date(value.date())
        if isinstance(value, date):
            return format_date(value)
        return str(value)

    def as_date(self, column: str) -> date | None:
        """Return the cell as a date (an Excel date, or text as dd/mm/yyyy or ISO), or None."""
        value = self.values.get(column)
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        return parse_date(value) if isinstance(value, str) else None


@dataclass(frozen=True)
class Sheet:
    """A sheet read as a table: the column titles found and the non-empty rows below them."""

    name: str
    columns: dict[str, int]  # title → 1-based column index
    rows: tuple[SheetRow, ...]
    titles: dict[str, str] = field(default_factory=dict)  # title → the header as written

    def problem(self, row: int | None, column: str | None, message: str) -> CellProblem:
        """Return a problem located in this sheet (with the column's letter when known)."""
        index = self.columns.get(column) if column else None
        letter = get_column_letter(index) if index else None
        return CellProblem(self.name, row, column, message, letter)


def read_table(
    workbook: Workbook, name: str, required: Sequence[str], suffixed: Sequence[str] = ()
) -> Sheet:
    """Read sheet `name`, whose header row holds the `required` titles (found in its first rows).

    A title in `suffixed` may be followed by a year in the header ("Chỉ tiêu 2027"); the header
    as written is kept in `Sheet.titles`. Raises WorkbookRefused when the sheet or a required
    column is missing, or when the sheet is longer than MAX_ROWS.
    """
    sheet = _find_sheet(workbook, name)
    if sheet is None:
        raise refuse(f"Thiếu trang '{name}'")
    lines = sheet.iter_rows(values_only=True)
    header_row, columns, titles = _find_header(lines, required, suffixed)
    if columns is None:
        wanted = ", ".join(f"'{c}'" for c in required)
        raise WorkbookRefused(
            [CellProblem(name, None, None, f"Không thấy dòng tiêu đề có các cột {wanted}")]
        )
    missing = [c for c in required if fold(c) not in {fold(t) for t in columns}]
    if missing:
        raise WorkbookRefused([CellProblem(name, header_row, c, "Thiếu cột") for c in missing])
    rows = list(_data_rows(lines, columns, header_row, name))
    return Sheet(name, columns, tuple(rows), titles)


def has_sheet(workbook: Workbook, name: str) -> bool:
    """Tell whether the workbook has a sheet called `name` (compared loosely)."""
    return _find_sheet(workbook, name) is not None


def _find_sheet(workbook: Workbook, name: str) -> Any:
    for title in workbook.sheetnames:
        if fold(title) == fold(name):
            return workbook[title]
    return None


def _find_header(
    lines: Iterator[tuple[Any, ...]], required: Sequence[str], suffixed: Sequence[str]
) -> tuple[int, dict[str, int] | None, dict[str, str]]:
    """Scan the first rows for the one holding the first required title; return its columns."""
    for number in range(1, HEADER_SEARCH_ROWS + 1):
        line = next(lines, None)
        if line is None:
            break
        written = {i: str(v) for i, v in enumerate(line, start=1) if clean(v) is not None}
        if fold(required[0]) not in {fold(t) for t in written.values()}:
            continue
        columns: dict[str, int] = {}
        titles: dict[str, str] = {}
        for index, text in written.items():
            title = _title_of(text, required, suffixed)
            columns.setdefault(title, index)
            titles.setdefault(title, " ".join(text.split()))
        return number, columns, titles
    return 0, None, {}


def _title_of(text: str, required: Sequence[str], suffixed: Sequence[str]) -> str:
    """Return the required title a header cell stands for, else the header itself."""
    folded = fold(text)
    for title in required:
        if folded == fold(title):
            return title
        if title in suffixed and re.fullmatch(re.escape(fold(title)) + r"\s*\d{4}", folded):
            return title
    return " ".join(text.split())


def _data_rows(
    lines: Iterator[tuple[Any, ...]], columns: dict[str, int], header_row: int, name: str
) -> Iterator[SheetRow]:
    for number, line in enumerate(lines, start=header_row + 1):
        if number - header_row > MAX_ROWS:
            raise WorkbookRefused(
                [CellProblem(name, number, None, f"Trang dài quá {MAX_ROWS} dòng")]
            )
        values = {
            title: clean(line[index - 1]) if index - 1 < len(line) else None
            for title, index in columns.items()
        }
        if any(v is not None for v in values.values()):
            yield SheetRow(number, values)
