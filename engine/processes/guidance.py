"""The level above a province: the Ministry's guidance (a plan of the nation's tenant) cascades
to every province under it by the mechanism a province uses for its units.

When the Ministry issues its guidance (its `province_plan` instance, approved by its leader),
each province receives the indicator set and tasks as a draft plan of its own
(`parent_plan_id` names the guidance) and its `province_plan` instance starts: Sở KHCN of that
province adapts the draft, its leader issues it, and the province's own cascade follows.
Each province's rows are written while the session works for that province.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import audit, tenancy
from engine.domain import plan_copies
from engine.domain.levels import in_sentence, provinces_of
from engine.processes import lifecycle
from models import Plan, PlanStatus, Tenant, Unit, UnitKind


@dataclass
class GuidanceCascade:
    """What issuing a guidance did: the provinces that received a draft, and those skipped."""

    received: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    without_province_unit: list[str] = field(default_factory=list)


def cascade_to_provinces(session: Session, guidance: Plan, actor_id: int | None) -> GuidanceCascade:
    """Give every province under the guidance's tenant its draft plan and start its
    `province_plan` instance (once per province)."""
    plan_copies.load_rows(guidance)
    result = GuidanceCascade()
    for province in provinces_of(session, guidance.tenant_id):
        with tenancy.scoped(session, province.id):
            _receive(session, guidance, province, actor_id, result)
    audit.record(session, "guidance.cascaded", actor_id=actor_id, plan_id=guidance.id,
                 received=len(result.received), already=len(result.already),
                 without_province_unit=len(result.without_province_unit))
    return result


def _receive(session: Session, guidance: Plan, province: Tenant, actor_id: int | None,
             result: GuidanceCascade) -> None:
    derived = session.scalar(select(Plan.id).where(Plan.parent_plan_id == guidance.id))
    if derived is not None:
        result.already.append(province.name)
        return
    unit = session.scalars(select(Unit).where(Unit.kind == UnitKind.PROVINCE)
                           .order_by(Unit.id)).first()
    if unit is None:
        result.without_province_unit.append(province.name)
        return
    title = f"Kế hoạch chuyển đổi số năm {guidance.year} của {in_sentence(province.name)}"
    plan = plan_copies.derive(session, guidance, guidance.year, title)
    plan.parent_plan_id = guidance.id
    plan.status = PlanStatus.DRAFT
    session.flush()
    audit.record(session, "guidance.received", actor_id=actor_id, plan_id=plan.id,
                 guidance=guidance.id)
    # its draft step opens; what it queues is settled by the caller (effects.settle, whose
    # queue this runs from, or the national demo)
    lifecycle.start(session, "province_plan", plan_id=plan.id, unit_id=unit.id,
                    data={"plan_id": plan.id}, actor_id=actor_id)
    result.received.append(province.name)
