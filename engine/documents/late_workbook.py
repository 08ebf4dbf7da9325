"""The late lists as an .xlsx, as the page lists them: per stage, the units overdue and those
that finished late, departments before communes, one row per unit with its due date and the
date it sent (a table to filter and sort). Readable by whoever may supervise."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy.orm import Session

from engine.core.errors import NotFoundError
from engine.core.permissions import Actor, may_supervise
from engine.documents import spreadsheet
from engine.documents.spreadsheet import Column
from engine.domain.status import StageStatus
from engine.queries import dashboard, supervision
from engine.queries.dashboard import LateList
from engine.queries.supervision import Row
from models import Plan

SHEET = "Danh sách chậm"
TITLE = "Danh sách đơn vị chậm hạn"
COLUMNS = (
    Column("STT", 6, "number"),
    Column("Giai đoạn", 24),
    Column("Tình trạng", 24, "status"),
    Column("Loại đơn vị", 16),
    Column("Đơn vị", 44),
    Column("Hạn", 12, "date"),
    Column("Ngày gửi", 12, "date"),
)
LATE = (StageStatus.OVERDUE, StageStatus.DONE_LATE)


def file_name(plan: Plan) -> str:
    """Return the download name of the late lists of `plan`."""
    return f"danh-sach-cham-{plan.year}.xlsx"


def build(session: Session, actor: Actor, plan: Plan) -> bytes:
    """Return the .xlsx of the late lists of `plan` (every stage)."""
    if not may_supervise(actor):
        raise NotFoundError("Không tìm thấy trang")
    matrix = supervision.build(session, plan)
    lists = dashboard.late_lists(matrix)
    by_name: dict[str, list[Row]] = {}
    for row in matrix.rows:
        by_name.setdefault(row.name, []).append(row)
    lines = list(_lines(lists, by_name))
    book, sheet = spreadsheet.new_book(SHEET)
    top = spreadsheet.title_rows(sheet, TITLE, [
        spreadsheet.plan_line(plan),
        "Giai đoạn: tất cả các giai đoạn của kế hoạch",
        f"{len(lines)} trường hợp chậm hạn. {spreadsheet.exported_at()}",
    ])
    spreadsheet.header(sheet, top, COLUMNS)
    for number, values in enumerate(lines, start=1):
        spreadsheet.write_row(sheet, top + number, COLUMNS, (number, *values))
    spreadsheet.finish(sheet, top, top + len(lines), len(COLUMNS))
    return spreadsheet.to_bytes(book)


def _lines(lists: list[LateList], by_name: dict[str, list[Row]]) -> Iterator[tuple[object, ...]]:
    """Yield (stage, status, kind, unit, due, sent) in the page's order."""
    for item in lists:
        for status, groups in zip(LATE, (item.overdue, item.done_late), strict=True):
            for kind, label in dashboard.KIND_GROUP_LABELS.items():
                for name in groups[kind]:
                    cell = _row_of(by_name, name, item.stage, status).cells[item.stage]
                    yield (item.label, status.value, label, name, cell.due, cell.submitted_at)


def _row_of(by_name: dict[str, list[Row]], name: str, stage: str, status: StageStatus) -> Row:
    """Return the row named `name` whose `stage` is in `status` (names may repeat)."""
    return next(r for r in by_name[name] if r.cells[stage].status == status)
