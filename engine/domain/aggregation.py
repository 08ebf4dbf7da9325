"""The province report of a round, computed from the units' data (who sent on time, late, not
yet — by name and kind — and each KPI and task rolled up across units)."""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import clock
from engine.core.labels import round_label
from engine.domain import adhoc, regimes
from engine.domain.status import StageStatus, stage_status
from engine.domain.targets import round_units
from models import (
    AggregateReport,
    HumanTask,
    Plan,
    PlanKpi,
    Report,
    TemplateTask,
    Unit,
    UnitPlan,
)

BUCKETS = {StageStatus.DONE_ON_TIME: "on_time", StageStatus.DONE_LATE: "late"}


def _submissions(session: Session, plan: Plan, round_key: str) -> dict[int, Any]:
    """Return unit id → the record of the round (UnitPlan for adoption, Report otherwise)."""
    if round_key == "adoption":
        rows = session.scalars(select(UnitPlan).where(UnitPlan.plan_id == plan.id))
    else:
        rows = session.scalars(
            select(Report).where(Report.plan_id == plan.id, Report.round_key == round_key)
        )
    return {r.unit_id: r for r in rows}


def _who(units: list[Unit], records: Mapping[int, Any], now: datetime) -> dict[str, Any]:
    groups: dict[str, dict[str, list[str]]] = {
        b: {"department": [], "commune": []} for b in ("on_time", "late", "missing")
    }
    for unit in units:
        record = records.get(unit.id)
        status = stage_status(
            started=record is not None,
            due=record.due_date if record else None,
            submitted_at=record.submitted_at if record else None,
            now=now,
        )
        bucket = BUCKETS.get(status, "missing")
        groups[bucket]["commune" if unit.kind == "commune" else "department"].append(unit.name)
    counts = {b: len(g["department"]) + len(g["commune"]) for b, g in groups.items()}
    return {"groups": groups, "counts": counts, "total": len(units)}


def _kpi_rollup(session: Session, plan: Plan, reports: list[Report]) -> list[dict[str, Any]]:
    by_code: dict[str, list[dict[str, Any]]] = {}
    for report in reports:
        for item in report.kpi_results:
            by_code.setdefault(item["code"], []).append(item)
    rows = []
    for kpi in session.scalars(
        select(PlanKpi)
        .where(PlanKpi.plan_id == plan.id, PlanKpi.measurable.is_(True))
        .order_by(PlanKpi.position)
    ):
        items = by_code.get(kpi.code, [])
        values = [float(i["actual_value"]) for i in items if i.get("actual_value") is not None]
        rows.append(
            {
                "code": kpi.code,
                "name": kpi.name,
                "province_target": kpi.target_value,
                "units_reporting": len(items),
                "units_met": sum(i.get("verdict") == "dat" for i in items),
                "min": min(values) if values else None,
                "median": statistics.median(values) if values else None,
                "max": max(values) if values else None,
            }
        )
    return rows


def _task_rollup(
    session: Session, plan: Plan, reports: list[Report], kinds: Mapping[int, str]
) -> list[dict[str, Any]]:
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for report in reports:
        kind = kinds.get(report.unit_id, "department")
        for item in report.task_statuses:
            bucket = counts.setdefault(
                (kind, item["code"]), {"done": 0, "in_progress": 0, "not_started": 0}
            )
            bucket[item.get("status", "not_started")] = bucket.get(item.get("status"), 0) + 1
    rows = []
    for task in session.scalars(
        select(TemplateTask)
        .where(TemplateTask.plan_id == plan.id)
        .order_by(TemplateTask.unit_kind, TemplateTask.position)
    ):
        bucket = counts.get(
            (task.unit_kind, task.code), {"done": 0, "in_progress": 0, "not_started": 0}
        )
        rows.append({"kind": task.unit_kind, "code": task.code, "name": task.name, **bucket})
    return rows


def compute(session: Session, plan: Plan, round_key: str) -> dict[str, Any]:
    """Compute the province report of `round_key` from the database, as of clock.now()."""
    now = clock.now()
    request = adhoc.find(session, plan.id, round_key)
    units = round_units(session, plan, round_key)
    plan_rounds = regimes.report_rounds(plan)
    # the year's report reads the units' data of the plan's last round
    data_round = plan_rounds[-1].key if round_key == "year" and plan_rounds else round_key
    records = _submissions(session, plan, data_round)
    reports = [r for r in records.values() if isinstance(r, Report) and r.submitted_at]
    result: dict[str, Any] = {
        "round": round_key,
        "round_label": adhoc.stage_label(request) if request else round_label(round_key),
        "generated_at": now.isoformat(),
        "who": _who(units, records, now),
        "kpis": _kpi_rollup(session, plan, reports),
        "tasks": _task_rollup(session, plan, reports, {u.id: str(u.kind) for u in units}),
    }
    if round_key == "year":
        result["stages"] = {
            key: _who(units, _submissions(session, plan, key), now)["counts"]
            for key in ("adoption", *(r.key for r in plan_rounds))
        }
    return result


def find(session: Session, plan_id: int, round_key: str) -> AggregateReport | None:
    """Return the stored province report of a round (None before it is first computed)."""
    return session.scalars(
        select(AggregateReport).where(
            AggregateReport.plan_id == plan_id, AggregateReport.round_key == round_key
        )
    ).first()


def store(session: Session, plan: Plan, round_key: str) -> AggregateReport:
    """Compute and save (or refresh) the province report of a round.

    An approved report is frozen; a refresh keeps what the reviewer wrote (its comments and its
    recommendations).
    """
    report = find(session, plan.id, round_key)
    if report is None:
        report = AggregateReport(
            plan_id=plan.id, round_key=round_key, data={}, generated_at=clock.now()
        )
        session.add(report)
    if report.approved_at is not None:
        return report
    kept = {k: v for k, v in (report.data or {}).items() if k == "recommendations"}
    report.data = {**compute(session, plan, round_key), **kept}
    report.generated_at = clock.now()
    session.flush()
    return report


def _report_of(session: Session, task: HumanTask) -> AggregateReport:
    plan = session.get(Plan, task.instance.plan_id)
    assert plan is not None
    return store(session, plan, task.instance.round_key)


def prefill_review(session: Session, task: HumanTask) -> dict[str, Any]:
    """Return the review form's data (the report is refreshed first): comments so far."""
    report = _report_of(session, task)
    return {"summary": report.reviewed_comments or "", "recommendations": ""}


def prefill_approve(session: Session, task: HumanTask) -> dict[str, Any]:
    """Refresh the province report the leader is about to approve; the form opens empty."""
    _report_of(session, task)
    return {}


def apply_review(session: Session, task: HumanTask, data: Mapping[str, Any]) -> dict[str, Any]:
    """Record Sở KHCN's review comments and recommendations (nothing to route)."""
    report = _report_of(session, task)
    report.reviewed_comments = data["summary"]
    if data.get("recommendations"):
        report.data = {**report.data, "recommendations": data["recommendations"]}
    return {}


def apply_approve(session: Session, task: HumanTask, data: Mapping[str, Any]) -> dict[str, Any]:
    """Record the leader's decision on the province report (approval stamps it)."""
    report = _report_of(session, task)
    decision = str(data["decision"])
    if decision == "approve":
        report.approved_at = clock.now()
    return {"decision": decision}
