"""What the scripted Sở KHCN, its leader and the inspection team enter: the units chosen for
inspection and the plan's number, findings and recommendations drawn from the unit's own
reports, a numbered conclusion, and each round's summary counted from the database. The words
come from engine.demo.texts; the numbers from engine.demo.numbering.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.core.formatting import format_date
from engine.core.labels import report_document_label
from engine.demo import numbering, texts
from engine.demo.unit_reports import figure_text, goals
from engine.documents.issuers import supervisor_issuer
from engine.domain import regimes
from engine.domain.kpis import Verdict, target_text
from engine.domain.targets import target_units
from models import Inspection, Plan, Report, Unit

REMEDIATION_SHARE = 0.7  # conclusions that ask the unit to remedy and report
REMEDIATION_DAYS = 21


def inspection_choice(session: Session, plan: Plan, rng: random.Random) -> list[str]:
    """Pick units to inspect: the latest-submitting first (as Sở KHCN sorts by lateness)."""
    late = dict(
        session.execute(
            select(Unit.code, func.count(Report.id))
            .join(Report, Report.unit_id == Unit.id)
            .where(Report.plan_id == plan.id, Report.late.is_(True))
            .group_by(Unit.code)
        ).all()
    )
    units = target_units(session, plan)
    ranked = sorted(units, key=lambda u: (-late.get(u.code, 0), rng.random()))
    return [u.code for u in ranked[: max(1, min(5, len(units) // 10 or 1))]]


def inspection_selection(session: Session, seed: int, plan: Plan, rng: random.Random,
                         today: date) -> dict[str, Any]:
    """Return Sở KHCN's leader's choice of units to inspect, with the inspection plan's number."""
    issuer, _unit = supervisor_issuer(session, "KH")
    return {
        "unit_codes": inspection_choice(session, plan, rng),
        "due_date": plan.settings.get("inspection_due") or f"{plan.year}-11-30",
        "plan_number": numbering.office_document(seed, issuer.symbol, today),
    }


def _latest_report(session: Session, plan: Plan, unit: Unit) -> Report | None:
    keys = [r.key for r in regimes.report_rounds(plan)]
    return session.scalars(
        select(Report)
        .where(Report.plan_id == plan.id, Report.unit_id == unit.id,
               Report.round_key.in_(keys), Report.submitted_at.is_not(None))
        .order_by(Report.submitted_at.desc(), Report.id.desc())
    ).first()


def _name_in_sentence(unit: Unit) -> str:
    """Return the unit's name inside a sentence ("xã Mường La", "Sở Tài chính")."""
    commune = unit.name.startswith(("Xã ", "Phường "))
    return unit.name[:1].lower() + unit.name[1:] if commune else unit.name


def facts(session: Session, plan: Plan, unit: Unit) -> texts.UnitFacts:
    """Return what the inspection team reads in the unit's reports: the latest one's tasks and
    KPIs below target, and how many were late."""
    name = _name_in_sentence(unit)
    late = session.scalar(select(func.count(Report.id)).where(
        Report.plan_id == plan.id, Report.unit_id == unit.id, Report.late.is_(True))) or 0
    latest = _latest_report(session, plan, unit)
    if latest is None:
        return texts.UnitFacts(name, str(unit.kind), plan.year, late=int(late))
    known = goals(session, plan.id, unit)
    shortfalls = []
    for row in latest.kpi_results:
        found = known.get(row["code"])
        if found is not None and row.get("verdict") != Verdict.MET:
            goal, kpi_name, _lead = found
            figure = figure_text(goal, row.get("actual_value")) or "chưa có số liệu"
            shortfalls.append(texts.Shortfall(
                goal.code, kpi_name, figure, target_text(goal.target, goal.comparator)))
    tasks = latest.task_statuses
    return texts.UnitFacts(
        name, str(unit.kind), plan.year,
        done=sum(t.get("status") == "done" for t in tasks), total=len(tasks), late=int(late),
        kpis=len(latest.kpi_results), shortfalls=tuple(shortfalls))


def findings(session: Session, seed: int, plan: Plan, unit: Unit) -> dict[str, Any]:
    """Return the inspection team's findings and recommendations on `unit`."""
    key = f"{unit.code}/inspection"
    return {
        "findings": texts.findings(seed, key, facts(session, plan, unit)),
        "recommendations": texts.recommendations(seed, key, plan.year),
    }


def conclusion(session: Session, seed: int, plan: Plan, unit: Unit, rng: random.Random,
               today: date) -> dict[str, Any]:
    """Return the signed conclusion on `unit`: a number in the inspection team's series (one
    more than the conclusions signed before), the text, and whether to remedy by when."""
    signed = session.scalar(select(func.count(Inspection.id)).where(
        Inspection.plan_id == plan.id, Inspection.conclusion_number.is_not(None))) or 0
    remedy = rng.random() < REMEDIATION_SHARE
    return {
        "conclusion_number": numbering.office_document(
            seed, numbering.INSPECTION_TEAM, today, later=int(signed)),
        "conclusion": texts.conclusion(seed, f"{unit.code}/conclusion",
                                       facts(session, plan, unit), remedy),
        "remediation_required": remedy,
        "remediation_due": (today + timedelta(days=REMEDIATION_DAYS)).isoformat(),
    }


def _round_values(session: Session, plan: Plan, round_key: str, today: date) -> dict[str, Any]:
    units = target_units(session, plan)
    ids = [u.id for u in units]
    query = select(Report).where(Report.plan_id == plan.id, Report.unit_id.in_(ids))
    if round_key in {r.key for r in regimes.report_rounds(plan)}:
        rows = session.scalars(query.where(Report.round_key == round_key)).all()
        return {"cutoff": format_date(today), "units": len(units),
                "submitted": sum(r.submitted_at is not None for r in rows),
                "late": sum(r.late for r in rows), "round": report_document_label(round_key)}
    keys = [r.key for r in regimes.report_rounds(plan)]
    rows = session.scalars(query.where(Report.round_key.in_(keys))).all()
    return {"year": plan.year, "expected": len(units) * len(keys),
            "submitted": sum(r.submitted_at is not None for r in rows),
            "late": sum(r.late for r in rows)}


def aggregation_review(session: Session, seed: int, plan: Plan, round_key: str,
                       today: date) -> dict[str, Any]:
    """Return Sở KHCN's review of a round's (or the year's) province report."""
    summary, advice = texts.aggregation_summary(
        seed, f"aggregation/{round_key}", _round_values(session, plan, round_key, today))
    return {"summary": summary, "recommendations": advice}
