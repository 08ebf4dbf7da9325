"""The single registry of form handlers: each form key maps to the domain functions that
prefill it and record it; a form not listed (e.g. `confirm`) uses GENERIC."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from engine.domain import adhoc, aggregation, inspections, province_plans, reports, unit_plans
from models import HumanTask


@dataclass(frozen=True)
class Handler:
    """The domain functions behind a form."""

    prefill: Callable[[Session, HumanTask], dict[str, Any]]
    apply: Callable[[Session, HumanTask, Mapping[str, Any]], dict[str, Any]]


def _none(session: Session, task: HumanTask) -> dict[str, Any]:
    """Open the form empty."""
    return {}


def _pass_decision(session: Session, task: HumanTask, data: Mapping[str, Any]) -> dict[str, Any]:
    """Route on the form's `decision`, if it has one; record nothing."""
    return {"decision": data["decision"]} if "decision" in data else {}


GENERIC = Handler(_none, _pass_decision)

HANDLERS: dict[str, Handler] = {
    "unit_plan_adapt": Handler(unit_plans.prefill_adapt, unit_plans.apply_adapt),
    "unit_plan_approve": Handler(unit_plans.prefill_approve, unit_plans.apply_approve),
    "unit_plan_review": Handler(_none, unit_plans.apply_review),
    "province_plan_draft": Handler(province_plans.prefill_draft, province_plans.apply_draft),
    "province_plan_approve": Handler(province_plans.prefill_approve, province_plans.apply_approve),
    "quarterly_report_fill": Handler(reports.prefill_report, reports.apply_fill),
    "quarterly_report_approve": Handler(reports.prefill_approve, reports.apply_approve),
    "quarterly_report_review": Handler(_none, reports.apply_review),
    "adhoc_report_fill": Handler(adhoc.prefill_answers, adhoc.apply_answers),
    "adhoc_report_approve": Handler(reports.prefill_approve, reports.apply_approve),
    "adhoc_report_review": Handler(_none, reports.apply_review),
    "internal_report_fill": Handler(reports.prefill_report, reports.apply_internal_fill),
    "inspection_select": Handler(inspections.prefill_select, inspections.apply_select),
    "inspection_findings": Handler(inspections.prefill_findings, inspections.apply_findings),
    "inspection_conclusion": Handler(inspections.prefill_conclusion, inspections.apply_conclusion),
    "inspection_remediation": Handler(
        inspections.prefill_remediation, inspections.apply_remediation
    ),
    "aggregation_review": Handler(aggregation.prefill_review, aggregation.apply_review),
    "aggregation_approve": Handler(aggregation.prefill_approve, aggregation.apply_approve),
}


def handler_for(form_key: str) -> Handler:
    """Return the handler of `form_key` (a form without domain effects passes `decision` on)."""
    return HANDLERS.get(form_key, GENERIC)
