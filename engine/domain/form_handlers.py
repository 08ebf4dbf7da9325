"""Which domain module prefills and records each form."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from engine.domain import aggregation, inspections, province_plans, reports, unit_plans
from models import HumanTask


@dataclass(frozen=True)
class Handler:
    """The domain functions behind a form."""

    prefill: Callable[[Session, HumanTask], dict[str, Any]]
    apply: Callable[[Session, HumanTask, Mapping[str, Any]], dict[str, Any]]


def _none(session: Session, task: HumanTask) -> dict[str, Any]:
    return {}


def _pass_decision(session: Session, task: HumanTask, data: Mapping[str, Any]) -> dict[str, Any]:
    return {"decision": data["decision"]} if "decision" in data else {}


GENERIC = Handler(_none, _pass_decision)

HANDLERS: dict[str, Handler] = {
    "unit_plan_adapt": Handler(unit_plans.prefill, unit_plans.apply),
    "unit_plan_approve": Handler(unit_plans.prefill, unit_plans.apply),
    "unit_plan_review": Handler(unit_plans.prefill, unit_plans.apply),
    "province_plan_draft": Handler(province_plans.prefill, province_plans.apply),
    "province_plan_approve": Handler(province_plans.prefill, province_plans.apply),
    "quarterly_report_fill": Handler(reports.prefill, reports.apply),
    "quarterly_report_approve": Handler(reports.prefill, reports.apply),
    "quarterly_report_review": Handler(reports.prefill, reports.apply),
    "internal_report_fill": Handler(reports.prefill, reports.apply),
    "inspection_select": Handler(inspections.prefill, inspections.apply),
    "inspection_findings": Handler(inspections.prefill, inspections.apply),
    "inspection_conclusion": Handler(inspections.prefill, inspections.apply),
    "inspection_remediation": Handler(inspections.prefill, inspections.apply),
    "aggregation_review": Handler(aggregation.prefill, aggregation.apply),
    "aggregation_approve": Handler(aggregation.prefill, aggregation.apply),
}


def handler_for(form_key: str) -> Handler:
    """Return the handler of `form_key` (a form without domain effects passes `decision` on)."""
    return HANDLERS.get(form_key, GENERIC)
