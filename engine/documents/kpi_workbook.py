"""A round's KPI roll-up as an .xlsx, as the KPI page shows it: who reported (on time, late,
not yet), then per KPI the province's target, how many units reported, met and did not, and
the lowest, median and highest result. Readable by whoever may supervise."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.core import clock
from engine.core.errors import NotFoundError
from engine.core.formatting import format_date
from engine.core.permissions import Actor, may_supervise
from engine.documents import spreadsheet
from engine.documents.spreadsheet import Column
from engine.queries import dashboard
from engine.queries.dashboard import KpiRollup
from models import Plan

SHEET = "Chỉ tiêu"
TITLE = "Tổng hợp kết quả thực hiện các chỉ tiêu"
COLUMNS = (
    Column("Mã", 8),
    Column("Chỉ tiêu", 60),
    Column("Chỉ tiêu tỉnh", 18),
    Column("Số đơn vị báo cáo", 12, "number"),
    Column("Đạt", 9, "number"),
    Column("Chưa đạt", 9, "number"),
    Column("Thấp nhất", 11, "number"),
    Column("Trung vị", 11, "number"),
    Column("Cao nhất", 11, "number"),
)


def file_name(plan: Plan, round_key: str) -> str:
    """Return the download name of a round's KPI roll-up."""
    return f"chi-tieu-{round_key}-{plan.year}.xlsx"


def round_of(plan: Plan, round_key: str | None) -> str:
    """Return the round the KPI page shows for `round_key`: itself when it is one of the plan's
    report rounds, else the latest round already due."""
    keys = {key for key, _label in dashboard.round_choices(plan)}
    return round_key if round_key in keys else dashboard.default_round(plan, clock.today())


def build(session: Session, actor: Actor, plan: Plan, round_key: str | None = None) -> bytes:
    """Return the .xlsx of the KPI roll-up of `round_key` (as the KPI page chooses it)."""
    if not may_supervise(actor):
        raise NotFoundError("Không tìm thấy trang")
    rollup = dashboard.kpi_rollup(session, plan, round_of(plan, round_key))
    book, sheet = spreadsheet.new_book(SHEET)
    top = spreadsheet.title_rows(sheet, TITLE, [
        spreadsheet.plan_line(plan),
        f"Kỳ báo cáo: {rollup.round_label}",
        _who_line(rollup),
        _source_line(rollup),
        spreadsheet.exported_at(),
    ])
    spreadsheet.header(sheet, top, COLUMNS)
    for offset, kpi in enumerate(rollup.kpis, start=1):
        spreadsheet.write_row(sheet, top + offset, COLUMNS, (
            kpi["code"], kpi["name"], kpi["target_text"], kpi["units_reporting"],
            kpi["units_met"], kpi["units_reporting"] - kpi["units_met"],
            kpi["min"], kpi["median"], kpi["max"],
        ))
    spreadsheet.finish(sheet, top, top + len(rollup.kpis), len(COLUMNS), frozen_columns=2)
    return spreadsheet.to_bytes(book)


def _who_line(rollup: KpiRollup) -> str:
    counts = rollup.who["counts"]
    return (f"{rollup.round_label}: {counts['on_time']} đơn vị gửi đúng hạn, {counts['late']} "
            f"gửi quá hạn, {counts['missing']} chưa gửi (trên tổng số {rollup.who['total']})")


def _source_line(rollup: KpiRollup) -> str:
    line = f"Số liệu tính đến {format_date(clock.today())} từ các báo cáo đã gửi."
    if rollup.stored_at:
        line += f" Báo cáo tổng hợp của tỉnh lập ngày {format_date(rollup.stored_at)}"
        line += (f", đã được phê duyệt ngày {format_date(rollup.approved_at)}."
                 if rollup.approved_at else ".")
    return line
