"""A unit as its page shows it: the adopted plan against the province's targets, its quarterly
reports with verdicts, its inspection, its extension requests, and its internal departments'
inputs when it cascades inside (xã Mường La)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.errors import FieldErrors, NotFoundError, PermissionDeniedError
from engine.core.formatting import format_number
from engine.core.labels import (
    PLAN_TASK_STATUS_LABELS,
    VERDICT_LABELS,
    in_sentence,
    record_status_label,
    round_label,
    unit_kind_label,
)
from engine.core.permissions import Actor, can_see_unit, may_request_extension
from engine.domain import extensions, regimes, reports, unit_plans
from engine.domain.kpis import Verdict, target_text
from engine.domain.targets import target_units
from engine.queries import extension_views, supervision
from engine.queries.extension_views import ExtensionLine
from engine.queries.supervision import Cell
from models import (
    Inspection,
    Plan,
    PlanKpi,
    ProcessInstance,
    Report,
    TemplateTask,
    Unit,
    UnitPlan,
)


@dataclass(frozen=True)
class KpiLine:
    """A KPI of the unit's plan: chosen or not, its own target beside the province's."""

    code: str
    name: str
    group_name: str
    selected: bool
    own_target: str
    province_target: str
    differs: bool


@dataclass(frozen=True)
class TaskLine:
    """A task of the unit's plan and the internal department responsible."""

    code: str
    name: str
    responsible: str
    kept: bool
    added: bool
    product: str
    deadline_text: str


@dataclass(frozen=True)
class AdoptedPlan:
    """The unit's adopted plan and where it stands."""

    status: str
    status_label: str
    due_date: date
    plan_number: str | None
    plan_date: date | None
    submitted_at: datetime | None
    accepted_at: datetime | None
    late: bool
    review_comments: str | None
    kpis: tuple[KpiLine, ...]
    tasks: tuple[TaskLine, ...]


@dataclass(frozen=True)
class ResultLine:
    """One line of a report: a KPI verdict or a task status."""

    code: str
    name: str
    target: str
    value: str
    label: str
    good: bool
    description: str


@dataclass(frozen=True)
class QuarterReport:
    """The unit's report for one quarter."""

    round_key: str
    round_label: str
    due_date: date
    status: str
    status_label: str
    submitted_at: datetime | None
    late: bool
    report_number: str | None
    review_comments: str | None
    notes: str | None
    kpis: tuple[ResultLine, ...]
    tasks: tuple[ResultLine, ...]
    cell: Cell | None
    proposals: str | None = None


@dataclass(frozen=True)
class InspectionView:
    """The unit's inspection: findings, signed conclusion, remediation."""

    due_date: date
    findings: str | None
    recommendations: str | None
    conclusion_number: str | None
    conclusion: str | None
    signed_at: datetime | None
    remediation_required: bool
    remediation_due: date | None
    remediation_report: str | None
    remediation_submitted_at: datetime | None
    remediation_late: bool
    cell: Cell | None


@dataclass(frozen=True)
class InternalInput:
    """What one internal department reported to its commune for a quarter."""

    round_label: str
    unit_name: str
    submitted_at: datetime | None
    late: bool
    tasks: tuple[ResultLine, ...]
    notes: str | None


@dataclass(frozen=True)
class UnitOverview:
    """Everything the unit page shows."""

    code: str
    name: str
    kind: str
    kind_label: str
    parent: tuple[str, str] | None
    plan_id: int
    plan_title: str
    stage_heads: tuple[tuple[str, str], ...]  # (key, name) of the plan's stages, in order
    stages: dict[str, Cell]
    adopted: AdoptedPlan | None
    reports: tuple[QuarterReport, ...]
    inspection: InspectionView | None
    extensions: tuple[ExtensionLine, ...]
    internal: tuple[InternalInput, ...]
    extendable: tuple[extension_views.Extendable, ...]
    may_request: bool


def find_unit(session: Session, actor: Actor, code: str) -> Unit:
    """Return the unit `code` if the actor may see it (NotFoundError otherwise)."""
    unit = session.scalars(select(Unit).where(Unit.code == code)).first()
    if unit is None or not can_see_unit(actor, unit.id):
        raise NotFoundError("Không tìm thấy đơn vị")
    return unit


def _adopted(record: UnitPlan | None, kpis: dict[str, PlanKpi]) -> AdoptedPlan | None:
    if record is None:
        return None
    lines = []
    for item in record.kpis:
        kpi = kpis.get(item["code"])
        own = target_text(item.get("target_value"), item.get("comparator"))
        province = kpi.target_text or "" if kpi else ""
        lines.append(KpiLine(item["code"], kpi.name if kpi else item["code"],
                             kpi.group_name if kpi else "", bool(item.get("selected")), own,
                             province, bool(kpi and item.get("target_value") != kpi.target_value)))
    tasks = tuple(TaskLine(t["code"], t.get("name", ""), t.get("responsible", ""),
                           bool(t.get("kept")), bool(t.get("added")), t.get("product", ""),
                           t.get("deadline_text", "")) for t in record.tasks)
    return AdoptedPlan(str(record.status), record_status_label(record.status),
                       record.due_date, record.plan_number, record.plan_date, record.submitted_at,
                       record.accepted_at, record.late, record.review_comments, tuple(lines), tasks)


def _task_lines(items: list[dict[str, Any]], names: dict[str, str]) -> tuple[ResultLine, ...]:
    return tuple(ResultLine(t["code"], names.get(t["code"], t["code"]), "", "",
                            PLAN_TASK_STATUS_LABELS.get(t.get("status", ""), ""),
                            t.get("status") == "done", t.get("description", "")) for t in items)


def receiver(unit: Unit) -> tuple[str, bool]:
    """Return who receives a unit's reports and whether they accept them: Sở KHCN, or for an
    internal department its commune ("UBND xã Mường La"), which takes them as sent."""
    if unit.kind == "internal" and unit.parent is not None:
        return f"UBND {in_sentence(unit.parent.name)}", False
    return "Sở KHCN", True


def _report_status(report: Report, cell: Cell | None, sent_to: tuple[str, bool]) -> str:
    """Word a report's status as its stage cell says it (the matrix's one computation) and, once
    the unit works on it, where the record stands: never "Chưa bắt đầu" beside "Trong hạn"."""
    record = record_status_label(report.status, *sent_to)
    if cell is None or cell.status is None or report.submitted_at is not None:
        return record
    if str(report.status) == "not_started":
        return cell.label
    return f"{cell.label} — {record[:1].lower()}{record[1:]}"


def quarter_report(report: Report, kpis: dict[str, PlanKpi], names: dict[str, str],
                   cell: Cell | None, sent_to: tuple[str, bool] = ("Sở KHCN", True)
                   ) -> QuarterReport:
    """Return a report as pages show it: KPI verdicts and task statuses with their names, its
    status worded after `sent_to` (receiver, whether they accept)."""
    kpi_lines = tuple(ResultLine(
        k["code"], kpis[k["code"]].name if k["code"] in kpis else k["code"],
        target_text(k.get("target_value"), k.get("comparator")),
        format_number(k.get("actual_value")),
        VERDICT_LABELS.get(Verdict(k["verdict"]), "") if k.get("verdict") else "",
        k.get("verdict") == Verdict.MET, k.get("actual_text", "")) for k in report.kpi_results)
    return QuarterReport(
        report.round_key, round_label(report.round_key),
        report.due_date, str(report.status), _report_status(report, cell, sent_to),
        report.submitted_at,
        report.late, report.report_number, report.review_comments, report.notes, kpi_lines,
        _task_lines(report.task_statuses, names), cell, report.proposals)


def _own_task_names(session: Session, plan_id: int, unit: Unit) -> dict[str, str]:
    record = session.scalars(select(UnitPlan).where(
        UnitPlan.plan_id == plan_id, UnitPlan.unit_id == unit.id)).first()
    names = {t.code: t.name for t in session.scalars(select(TemplateTask).where(
        TemplateTask.plan_id == plan_id, TemplateTask.unit_kind == unit_plans.template_kind(unit)))}
    names.update({t["code"]: t.get("name", t["code"]) for t in (record.tasks if record else [])})
    return names


def task_names(session: Session, plan_id: int, unit: Unit) -> dict[str, str]:
    """Return code → name of the tasks a unit reports on (its parent's for an internal one)."""
    names = _own_task_names(session, plan_id, unit)
    if unit.parent is not None and unit.kind == "internal":
        names.update(_own_task_names(session, plan_id, unit.parent))
    return names


def internal_inputs(session: Session, plan_id: int, unit: Unit, names: dict[str, str],
                    round_key: str) -> tuple[InternalInput, ...]:
    """Return what the unit's internal departments reported for a round (none before it opens)."""
    if not unit.children:
        return ()
    rows = reports.internal_inputs(session, plan_id, unit, round_key)
    if not any(r["submitted_at"] or r["task_statuses"] for r in rows):
        return ()  # the round has not reached the departments yet
    return tuple(InternalInput(round_label(round_key), row["unit_name"],
                               row["submitted_at"], row["late"],
                               _task_lines(row["task_statuses"], names), row["notes"])
                 for row in rows)


def _internal(session: Session, plan: Plan, unit: Unit,
              names: dict[str, str]) -> tuple[InternalInput, ...]:
    return tuple(item for found in regimes.report_rounds(plan)
                 for item in internal_inputs(session, plan.id, unit, names, found.key))


# The unit page's stage table writes the plan's adoption in short.
SHORT_STAGE_LABELS = {"adoption": "Xây dựng KH"}


def stage_heads(plan: Plan) -> tuple[tuple[str, str], ...]:
    """Return (key, name) of the plan's stages as the unit page's stage table heads them."""
    return tuple((s.key, SHORT_STAGE_LABELS.get(s.key, s.label)) for s in supervision.stages(plan))


def _stages(session: Session, plan: Plan, unit: Unit) -> dict[str, Cell]:
    matrix = supervision.build(session, plan, query=unit.code)
    row = next((r for r in matrix.rows if r.code == unit.code), None)
    return dict(row.cells) if row else {}


def overview(session: Session, actor: Actor, plan: Plan, code: str) -> UnitOverview:
    """Return the unit page of `code` under `plan` for an actor who may see the unit."""
    unit = find_unit(session, actor, code)
    kpis = {k.code: k for k in session.scalars(select(PlanKpi).where(PlanKpi.plan_id == plan.id))}
    record = session.scalars(select(UnitPlan).where(
        UnitPlan.plan_id == plan.id, UnitPlan.unit_id == unit.id)).first()
    names = task_names(session, plan.id, unit)
    stages = _stages(session, plan, unit)
    order = {r.key: i for i, r in enumerate(regimes.report_rounds(plan))}
    sent_to = receiver(unit)
    quarter_reports = tuple(quarter_report(r, kpis, names, stages.get(r.round_key), sent_to)
                            for r in sorted(
        session.scalars(select(Report).where(Report.plan_id == plan.id, Report.unit_id == unit.id)),
        key=lambda r: (order.get(r.round_key, len(order)), r.round_key)))
    found = session.scalars(select(Inspection).where(
        Inspection.plan_id == plan.id, Inspection.unit_id == unit.id)).first()
    inspection = InspectionView(
        found.due_date, found.findings, found.recommendations, found.conclusion_number,
        found.conclusion, found.signed_at, found.remediation_required, found.remediation_due,
        found.remediation_report, found.remediation_submitted_at, found.remediation_late,
        stages.get("inspection")) if found else None
    may_request = may_request_extension(actor, unit.id)
    return UnitOverview(
        code=unit.code, name=unit.name, kind=str(unit.kind),
        kind_label=unit_kind_label(unit.kind),
        parent=(unit.parent.code, unit.parent.name)
        if unit.parent and unit.kind == "internal" else None,
        plan_id=plan.id, plan_title=plan.title, stage_heads=stage_heads(plan), stages=stages,
        adopted=_adopted(record, kpis), reports=quarter_reports, inspection=inspection,
        extensions=tuple(extension_views.for_unit(session, unit.id)),
        internal=_internal(session, plan, unit, names),
        extendable=tuple(extension_views.extendable(session, unit.id)) if may_request else (),
        may_request=may_request)


@dataclass(frozen=True)
class UnitEntry:
    """A unit in the list of units a province role may open."""

    code: str
    name: str
    kind: str


def list_visible(session: Session, actor: Actor, plan: Plan,
                 query: str | None = None) -> list[UnitEntry]:
    """Return the plan's target units the actor may see, optionally filtered by name or code."""
    return [UnitEntry(u.code, u.name, str(u.kind)) for u in target_units(session, plan)
            if can_see_unit(actor, u.id) and supervision.unit_matches(u, query)]


def code_of(session: Session, unit_id: int) -> str:
    """Return the code of unit `unit_id`."""
    return session.scalars(select(Unit.code).where(Unit.id == unit_id)).one()


def request_extension(session: Session, actor: Actor, code: str, instance_id: int | None,
                      requested_due: date | None, reason: str) -> extensions.ExtensionView:
    """File an extension request from the unit page: the instance must be one of the unit's."""
    unit = find_unit(session, actor, code)
    if not may_request_extension(actor, unit.id):
        raise PermissionDeniedError("Chỉ cán bộ của đơn vị mới được đề nghị gia hạn")
    errors: dict[str, str] = {}
    owner = session.scalars(select(ProcessInstance.unit_id).where(
        ProcessInstance.id == instance_id)).first() if instance_id is not None else None
    if owner != unit.id:
        errors["instance_id"] = "Chọn công việc cần gia hạn"
    if requested_due is None:
        errors["requested_due"] = "Nhập hạn mới theo dạng dd/mm/yyyy"
    if not reason.strip():
        errors["reason"] = "Cần nêu lý do đề nghị gia hạn"
    if errors:
        raise FieldErrors(errors)
    assert instance_id is not None and requested_due is not None
    return extensions.request(session, actor, instance_id, requested_due, reason)
