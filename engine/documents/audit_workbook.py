"""An audit search result as an .xlsx: the events the audit page finds for the same filters,
newest first (at most `audit_search.MAX_EXPORT_ROWS`, the title says when there were more),
with who acted and for whom, when, what, the unit, the instance and the comment. Readable by
whoever may read the audit trail."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.core import clock
from engine.core.permissions import Actor
from engine.documents import spreadsheet
from engine.documents.spreadsheet import Column
from engine.queries import audit_search
from engine.queries.audit_search import AuditQuery

SHEET = "Nhật ký hệ thống"
TITLE = "Nhật ký hệ thống (các thay đổi trạng thái)"
COLUMNS = (
    Column("Mã sự kiện", 10, "number"),
    Column("Thời gian", 17, "moment"),
    Column("Người thực hiện", 40),
    Column("Thay mặt", 36),
    Column("Loại sự kiện", 26),
    Column("Nội dung", 44),
    Column("Chi tiết", 36),
    Column("Đơn vị", 30),
    Column("Quy trình", 10, "number"),
    Column("Tên quy trình", 32),
    Column("Ý kiến", 40),
)


def file_name() -> str:
    """Return the download name of an audit search result (with today's date)."""
    return f"nhat-ky-{clock.today().strftime('%d-%m-%Y')}.xlsx"


def build(session: Session, actor: Actor, query: AuditQuery,
          limit: int = audit_search.MAX_EXPORT_ROWS) -> bytes:
    """Return the .xlsx of the events matching `query` (NotFoundError for whoever may not
    read the audit trail)."""
    rows, total = audit_search.export_rows(session, actor, query, limit)
    count = f"{total} sự kiện" + (f"; {len(rows)} sự kiện mới nhất được xuất"
                                  if total > len(rows) else "")
    book, sheet = spreadsheet.new_book(SHEET)
    top = spreadsheet.title_rows(sheet, TITLE, [
        spreadsheet.filters_line(audit_search.describe_filters(query)),
        f"{count}. {spreadsheet.exported_at()}",
    ])
    spreadsheet.header(sheet, top, COLUMNS)
    for offset, row in enumerate(rows, start=1):
        spreadsheet.write_row(sheet, top + offset, COLUMNS, (
            row.id, row.at, row.actor, row.on_behalf_of, row.action_label, row.what,
            row.detail, row.unit_name, row.instance_id, row.instance_label, row.comment,
        ))
    spreadsheet.finish(sheet, top, top + len(rows), len(COLUMNS), frozen_columns=2)
    return spreadsheet.to_bytes(book)
