"""What Sở KHCN's supervision pages show: the filtered, paginated matrix, late lists by name,
the KPI roll-up of a round with its chart series, and the thi đua ranking.

Built on engine.queries.supervision (statuses) and engine.domain.aggregation (roll-ups);
no workflow is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.errors import NotFoundError
from engine.core.labels import STAGE_STATUS_LABELS, UNIT_KIND_LABELS, round_label
from engine.domain import aggregation, regimes
from engine.domain.status import StageStatus
from engine.queries import supervision
from engine.queries.supervision import KINDS, Matrix, Row
from models import Plan, PlanKpi, PlanStatus

KIND_GROUP_LABELS = {kind: UNIT_KIND_LABELS[kind] for kind in KINDS}
PER_PAGE = 100
STATUS_CHOICES = tuple((s.value, STAGE_STATUS_LABELS[s]) for s in StageStatus)


def stage_heads(plan: Plan) -> tuple[tuple[str, str], ...]:
    """Return (key, Vietnamese name) of the plan's stages, as the matrix's columns."""
    return tuple((s.key, s.label) for s in supervision.stages(plan))


def round_choices(plan: Plan) -> tuple[tuple[str, str], ...]:
    """Return (key, Vietnamese name) of the plan's report rounds, by deadline (the KPI page's
    choice of round)."""
    return tuple((r.key, r.label) for r in regimes.report_rounds(plan))


def find_plan(session: Session, plan_id: int | None = None) -> Plan:
    """Return plan `plan_id`, or the newest issued plan when None; NotFoundError otherwise."""
    if plan_id is not None:
        plan = session.get(Plan, plan_id)
    else:
        plan = session.scalars(
            select(Plan)
            .where(Plan.status == PlanStatus.ISSUED)
            .order_by(Plan.year.desc(), Plan.id.desc())
        ).first()
    if plan is None:
        raise NotFoundError("Không tìm thấy kế hoạch")
    return plan


@dataclass(frozen=True)
class MatrixPage:
    """One page of the matrix with the counts of every unit the kind and name filters keep."""

    plan_id: int
    plan_title: str
    rows: tuple[Row, ...]
    counts: dict[str, dict[str, int]]
    units: int
    total: int
    page: int
    pages: int
    per_page: int


def clean_filters(kind: str | None, status: str | None) -> tuple[str | None, str | None]:
    """Drop unknown kind and status values (a filter never fails, it is ignored)."""
    return (
        kind if kind in KINDS else None,
        status if status in {s.value for s in StageStatus} else None,
    )


def matrix_page(
    session: Session,
    plan: Plan,
    *,
    kind: str | None = None,
    status: str | None = None,
    query: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> MatrixPage:
    """Return one page of the matrix: rows having a stage in `status`, counts of all rows."""
    kind, status = clean_filters(kind, status)
    found = supervision.page(
        session, plan, supervision.Filters(kind, status, (query or "").strip() or None),
        page, per_page)
    shown = found.rows
    return MatrixPage(plan.id, plan.title, shown.rows, found.counts, found.units, shown.total,
                      shown.page, shown.pages, shown.per_page)


@dataclass(frozen=True)
class LateList:
    """The units of one stage that are overdue and those that finished late, by kind."""

    stage: str
    label: str
    due: date | None
    overdue: dict[str, list[str]]
    done_late: dict[str, list[str]]

    @property
    def empty(self) -> bool:
        """Tell whether nobody is late at this stage."""
        return not any(self.overdue.values()) and not any(self.done_late.values())


def late_lists(matrix: Matrix) -> list[LateList]:
    """Return, per stage, the names of overdue and late-finished units grouped by kind."""
    result = []
    for stage in matrix.stages:
        dues = [due for r in matrix.rows if (due := r.cells[stage].due) is not None]
        result.append(
            LateList(
                stage,
                round_label(stage),
                max(dues) if dues else None,
                matrix.names(stage, StageStatus.OVERDUE),
                matrix.names(stage, StageStatus.DONE_LATE),
            )
        )
    return result


@dataclass(frozen=True)
class RankEntry:
    """A unit's place in the thi đua ranking."""

    rank: int
    code: str
    name: str
    kind: str
    rate: float
    on_time: int
    late: int
    overdue: int


def ranking(matrix: Matrix) -> list[RankEntry]:
    """Return the units ranked by on-time rate (equal rates share a rank), best first."""
    entries: list[RankEntry] = []
    previous: float | None = None
    rank = 0
    for position, (row, rate) in enumerate(matrix.ranking(), start=1):
        if rate != previous:
            rank, previous = position, rate
        entries.append(
            RankEntry(
                rank,
                row.code,
                row.name,
                row.kind,
                rate,
                row.count(StageStatus.DONE_ON_TIME),
                row.count(StageStatus.DONE_LATE),
                row.count(StageStatus.OVERDUE),
            )
        )
    return entries


def default_round(plan: Plan, today: date) -> str:
    """Return the latest report round already due (the first round before its deadline)."""
    found = regimes.report_rounds(plan)
    due = [r.key for r in found if r.due <= today]
    return due[-1] if due else found[0].key


@dataclass(frozen=True)
class KpiRollup:
    """A round's KPI roll-up: the table rows, who reported, the chart series, the stored report."""

    round_key: str
    round_label: str
    generated_at: str
    who: dict[str, Any]
    kpis: tuple[dict[str, Any], ...]
    chart: dict[str, Any]
    stored_at: Any
    approved_at: Any


def _figure(value: float | None) -> float | None:
    """Round a computed figure for the chart's tooltips as pages show it (60.35, not
    60.349999999999994)."""
    return None if value is None else round(value, 2)


def _chart(kpis: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the series Chart.js draws: met / not met per KPI, and min / median / max."""
    return {
        "labels": [k["code"] for k in kpis],
        "names": [k["name"] for k in kpis],
        "met": [k["units_met"] for k in kpis],
        "not_met": [k["units_reporting"] - k["units_met"] for k in kpis],
        "min": [_figure(k["min"]) for k in kpis],
        "median": [_figure(k["median"]) for k in kpis],
        "max": [_figure(k["max"]) for k in kpis],
        "target": [k["province_target"] for k in kpis],
    }


def kpi_rollup(session: Session, plan: Plan, round_key: str) -> KpiRollup:
    """Compute the KPI roll-up of a round as of now (and say when the province report was kept)."""
    keys = [r.key for r in regimes.report_rounds(plan)]
    if round_key not in keys:
        round_key = keys[0]
    data = aggregation.compute(session, plan, round_key)
    stored = aggregation.find(session, plan.id, round_key)
    texts = {code: text for code, text in session.execute(
        select(PlanKpi.code, PlanKpi.target_text).where(PlanKpi.plan_id == plan.id))}
    kpis = [{**k, "target_text": texts.get(k["code"]) or ""} for k in data["kpis"]]
    return KpiRollup(
        round_key,
        data["round_label"],
        data["generated_at"],
        data["who"],
        tuple(kpis),
        _chart(data["kpis"]),
        stored.generated_at if stored else None,
        stored.approved_at if stored else None,
    )
