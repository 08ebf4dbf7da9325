"""Domain side of quarterly_report and internal_report: prefill from the adopted plan and the
previous quarter, judge KPIs against the unit's own targets, record each step."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import calendars, clock
from engine.core.errors import FieldErrors
from engine.core.workcalendar import WorkCalendar
from engine.domain import adhoc, regimes, rounds, submissions, unit_plans
from engine.domain.kpis import verdict
from models import HumanTask, Plan, Report, ReportStatus, Unit, UnitPlan


def ensure(session: Session, plan: Plan, unit: Unit, round_key: str, due: Any) -> Report:
    """Return the unit's report for the round, creating an empty one."""
    report = find(session, plan.id, unit.id, round_key)
    if report is None:
        report = Report(
            plan_id=plan.id,
            unit_id=unit.id,
            round_key=round_key,
            due_date=due,
            status=ReportStatus.NOT_STARTED,
            kpi_results=[],
            task_statuses=[],
            updated_at=clock.now(),
        )
        session.add(report)
    return report


find = submissions.find_report  # the report of (plan, unit, round), if any


def start_data(
    session: Session, plan: Plan, unit: Unit, calendar: WorkCalendar, round_key: str
) -> dict[str, Any]:
    """Return the start data of a quarterly_report instance."""
    found = regimes.find_round(plan, round_key)
    if found is None:
        raise ValueError(f"unknown report round {round_key!r}")
    ensure(session, plan, unit, round_key, found.due)
    schedule = calendars.deadline_schedule(
        calendar,
        found.due,
        regimes.reminder_days(plan, found.regime),
        regimes.grace_days(plan, found.regime),
    )
    return {"plan_id": plan.id, "unit_id": unit.id, "round": round_key, **schedule}


def adhoc_start_data(
    session: Session, plan: Plan, unit: Unit, calendar: WorkCalendar, round_key: str
) -> dict[str, Any]:
    """Return the start data of a unit's answer to an ad-hoc request (round `round_key`)."""
    request = adhoc.find(session, plan.id, round_key)
    if request is None:
        raise ValueError(f"no ad-hoc request {round_key!r}")
    ensure(session, plan, unit, round_key, request.due_date)
    schedule = calendars.deadline_schedule(
        calendar, request.due_date, plan.reminder_days_before, plan.grace_days
    )
    return {"plan_id": plan.id, "unit_id": unit.id, "round": round_key, **schedule}


def internal_start_data(
    session: Session, plan: Plan, unit: Unit, calendar: WorkCalendar, round_key: str
) -> dict[str, Any]:
    """Return the start data of an internal department's report to its commune: reminded and
    escalated as its regime says (a round of an internal regime), else one working day before
    and after (asked inside the commune's round)."""
    due = rounds.internal_due(plan, round_key)
    ensure(session, plan, unit, round_key, due)
    found = regimes.find_round(plan, round_key)
    if found is not None and found.regime.internal:
        before, after = (
            regimes.reminder_days(plan, found.regime),
            regimes.grace_days(plan, found.regime),
        )
    else:
        before, after = 1, 1
    schedule = calendars.deadline_schedule(calendar, due, before, after)
    return {"plan_id": plan.id, "unit_id": unit.id, "round": round_key, **schedule}


def adopted_content(session: Session, plan_id: int, unit: Unit) -> dict[str, Any]:
    """Return the unit's adopted KPIs and tasks (the template when it adopted nothing)."""
    record = session.scalars(
        select(UnitPlan).where(UnitPlan.plan_id == plan_id, UnitPlan.unit_id == unit.id)
    ).first()
    if record is not None and (record.kpis or record.tasks):
        return {"kpis": record.kpis, "tasks": record.tasks}
    return unit_plans.default_content(session, plan_id, unit)


def _previous(session: Session, report: Report) -> Report | None:
    """Return the unit's report of the round before (same regime), None for a first round."""
    plan = session.get(Plan, report.plan_id)
    earlier = regimes.previous_round(plan, report.round_key) if plan is not None else None
    if earlier is None:
        return None
    return find(session, report.plan_id, report.unit_id, earlier.key)


def _report_of(session: Session, task: HumanTask) -> Report:
    instance = task.instance
    report = find(session, instance.plan_id, instance.unit_id, instance.round_key)
    assert report is not None, "a report row is created when the instance starts"
    return report


def _internal_tasks(session: Session, report: Report, unit: Unit) -> list[dict[str, Any]]:
    """Return the parent's adopted tasks this internal department is responsible for."""
    parent = session.get(Unit, unit.parent_id) if unit.parent_id else None
    if parent is None:
        return []
    tasks = adopted_content(session, report.plan_id, parent)["tasks"]
    name = unit.name.casefold()
    return [t for t in tasks if t.get("kept") and name in str(t.get("responsible", "")).casefold()]


def prefill_fill(session: Session, report: Report, unit: Unit) -> dict[str, Any]:
    """Return the report form prefilled from the adopted plan and the previous quarter."""
    if report.kpi_results or report.task_statuses:
        return {
            "kpi_results": report.kpi_results,
            "task_statuses": report.task_statuses,
            "notes": report.notes or "",
            **({"proposals": report.proposals} if report.proposals is not None else {}),
        }
    previous = _previous(session, report)
    before_k = {k["code"]: k for k in (previous.kpi_results if previous else [])}
    before_t = {t["code"]: t for t in (previous.task_statuses if previous else [])}
    if unit.kind == "internal":
        kpis: list[dict[str, Any]] = []
        tasks = _internal_tasks(session, report, unit)
    else:
        content = adopted_content(session, report.plan_id, unit)
        kpis = [k for k in content["kpis"] if k.get("selected")]
        tasks = [t for t in content["tasks"] if t.get("kept")]
    return {
        "kpi_results": [
            {
                "code": k["code"],
                "actual_value": before_k.get(k["code"], {}).get("actual_value"),
                "actual_text": before_k.get(k["code"], {}).get("actual_text", ""),
            }
            for k in kpis
        ],
        "task_statuses": [
            {
                "code": t["code"],
                "status": before_t.get(t["code"], {}).get("status", "not_started"),
                "description": before_t.get(t["code"], {}).get("description", ""),
            }
            for t in tasks
        ],
    }


def prefill_report(session: Session, task: HumanTask) -> dict[str, Any]:
    """Return a report-filling form's data (quarterly_report_fill, internal_report_fill)."""
    unit = session.get(Unit, task.unit_id)
    assert unit is not None
    return prefill_fill(session, _report_of(session, task), unit)


def prefill_approve(session: Session, task: HumanTask) -> dict[str, Any]:
    """Return the leader's approval form's data: the report's number, if already set."""
    return {"report_number": _report_of(session, task).report_number or ""}


def plan_content(session: Session, plan_id: int, unit: Unit) -> dict[str, Any]:
    """Return the adopted plan a unit reports against: its own; an internal department's
    commune's (it carries out part of its commune's plan)."""
    parent = (
        session.get(Unit, unit.parent_id) if unit.kind == "internal" and unit.parent_id else None
    )
    return adopted_content(session, plan_id, parent or unit)


def targets_of(content: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the KPIs a plan's content adopts (selected), by code."""
    return {k["code"]: k for k in content["kpis"] if k.get("selected")}


def _row_errors(
    rows: list[Mapping[str, Any]], allowed: list[str], field: str, noun: str
) -> dict[str, str]:
    """Return an error for each row whose code is not in `allowed` or repeats an earlier one."""
    shown = ", ".join(allowed[:12]) + (f"… ({len(allowed)} mã)" if len(allowed) > 12 else "")
    hint = f"chỉ báo cáo các mã: {shown}" if allowed else "kế hoạch không có mục nào để báo cáo"
    errors: dict[str, str] = {}
    seen: set[str] = set()
    for index, row in enumerate(rows):
        code = str(row["code"])
        if code not in allowed:
            errors[f"{field}.{index}.code"] = (
                f"{noun} {code} không có trong kế hoạch của đơn vị; {hint}"
            )
        elif code in seen:
            errors[f"{field}.{index}.code"] = f"{noun} {code} bị lặp"
        seen.add(code)
    return errors


def check_rows(content: Mapping[str, Any], data: Mapping[str, Any]) -> None:
    """Refuse KPI and task rows whose codes are not in the adopted plan `content` (its selected
    KPIs, its kept tasks) or repeat; each error names the code and the codes allowed."""
    kpis = list(targets_of(content))
    tasks = [str(t["code"]) for t in content["tasks"] if t.get("kept")]
    errors = _row_errors(list(data.get("kpi_results", [])), kpis, "kpi_results", "Chỉ tiêu")
    errors |= _row_errors(list(data.get("task_statuses", [])), tasks, "task_statuses", "Nhiệm vụ")
    if errors:
        raise FieldErrors(errors)


def judge(
    targets: Mapping[str, Mapping[str, Any]], results: list[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Attach đạt / chưa đạt to each KPI result, against the plan's target and comparator."""
    judged = []
    for result in results:
        target = targets.get(result["code"], {})
        item = dict(result)
        item["target_value"] = target.get("target_value")
        item["comparator"] = target.get("comparator", ">=")
        item["verdict"] = verdict(
            result.get("actual_value"), item["target_value"], item["comparator"]
        ).value
        judged.append(item)
    return judged


def _touched(session: Session, task: HumanTask) -> Report:
    """Return the task's report, stamped as updated now."""
    report = _report_of(session, task)
    report.updated_at = clock.now()
    return report


def _record_fill(session: Session, task: HumanTask, data: Mapping[str, Any]) -> Report:
    """Record the filled-in results (KPIs judged against the unit's targets) as a draft."""
    report = _touched(session, task)
    unit = session.get(Unit, task.unit_id)
    assert unit is not None
    content = plan_content(session, report.plan_id, unit)
    check_rows(content, data)
    report.kpi_results = judge(targets_of(content), list(data.get("kpi_results", [])))
    report.task_statuses = [dict(t) for t in data["task_statuses"]]
    report.notes = data.get("notes")
    report.proposals = data.get("proposals")
    report.status = ReportStatus.DRAFT
    return report


def apply_fill(session: Session, task: HumanTask, data: Mapping[str, Any]) -> dict[str, Any]:
    """Record a unit's quarterly report as a draft for its leader (nothing to route)."""
    _record_fill(session, task, data)
    return {}


def apply_internal_fill(
    session: Session, task: HumanTask, data: Mapping[str, Any]
) -> dict[str, Any]:
    """Record an internal department's report and send it to its commune at once."""
    submissions.submit(_record_fill(session, task, data))
    return {}


def apply_approve(session: Session, task: HumanTask, data: Mapping[str, Any]) -> dict[str, Any]:
    """Record the leader's decision: number and send the report, or return it to staff."""
    report = _touched(session, task)
    if data["decision"] == "approve":
        report.report_number = data.get("report_number") or report.report_number
    return submissions.approve(report, data)


def apply_review(session: Session, task: HumanTask, data: Mapping[str, Any]) -> dict[str, Any]:
    """Record Sở KHCN's review of the sent report (accept or return)."""
    return submissions.review(_touched(session, task), data)


def internal_inputs(
    session: Session, plan_id: int, unit: Unit, round_key: str
) -> list[dict[str, Any]]:
    """Return what the unit's internal departments reported for the round (for its own form)."""
    rows = []
    for child in sorted(unit.children, key=lambda u: u.name):
        report = find(session, plan_id, child.id, round_key)
        rows.append(
            {
                "unit_code": child.code,
                "unit_name": child.name,
                "submitted_at": report.submitted_at if report else None,
                "late": report.late if report else False,
                "task_statuses": report.task_statuses if report else [],
                "notes": report.notes if report else None,
            }
        )
    return rows
