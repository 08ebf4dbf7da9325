"""`plancascade export KIND`: every document and workbook of the pages, for scripting. The
command runs as the installation's operator (province-wide, as Sở KHCN and an administrator
see the data), so each builder's own access rule is passed; what is missing is a NotFoundError
with a Vietnamese message."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.errors import NotFoundError
from engine.core.permissions import Actor, Grant
from engine.documents import (
    adhoc_answers,
    matrix_workbook,
    province_report,
    unit_plan,
    unit_report,
)
from engine.documents.kinds import KINDS
from engine.queries import dashboard
from engine.queries.plan_export import plan_workbook
from models import Plan, Role

OPERATOR = Actor(user_id=0, unit_id=0,
                 grants=(Grant(Role.DOST_STAFF, None), Grant(Role.ADMIN, None)))
@dataclass(frozen=True)
class Export:
    """What to export: the kind, the unit (a code), the stage (as /api/status names it) and
    the plan's year (None: the newest issued plan)."""

    kind: str
    unit: str | None = None
    stage: str | None = None
    year: int | None = None


def _plan(session: Session, year: int | None) -> Plan:
    if year is None:
        return dashboard.find_plan(session)
    plan = session.scalars(select(Plan).where(Plan.year == year).order_by(Plan.id.desc())).first()
    if plan is None:
        raise NotFoundError(f"Không có kế hoạch năm {year}")
    return plan


def _need(value: str | None, option: str) -> str:
    if not value:
        raise NotFoundError(f"Cần chỉ rõ {option}")
    return value


def build(session: Session, wanted: Export) -> bytes:
    """Return the bytes of the document or workbook `wanted` names."""
    plan = _plan(session, wanted.year)
    builders: dict[str, Callable[[], bytes]] = {
        "unit-report": lambda: unit_report.build(
            session, OPERATOR, plan, _need(wanted.unit, "--unit"), _need(wanted.stage, "--stage")),
        "unit-plan": lambda: unit_plan.build(session, OPERATOR, plan,
                                             _need(wanted.unit, "--unit")),
        "province-report": lambda: province_report.build(
            session, OPERATOR, plan, _need(wanted.stage, "--stage")),
        "request": lambda: (
            adhoc_answers.build_unit(session, OPERATOR, plan, wanted.unit,
                                     _need(wanted.stage, "--stage")) if wanted.unit
            else adhoc_answers.build_compiled(session, OPERATOR, plan,
                                              _need(wanted.stage, "--stage"))),
        "matrix": lambda: matrix_workbook.build(session, OPERATOR, plan),
        "plan": lambda: plan_workbook(plan),
    }
    if wanted.kind not in builders:
        raise NotFoundError(f"Không có loại xuất '{wanted.kind}' (chọn: {', '.join(KINDS)})")
    return builders[wanted.kind]()
