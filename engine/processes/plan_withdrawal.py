"""Withdraw an issued plan: its waiting unit instances are cancelled by a message."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.core import audit
from engine.core.errors import ConflictError, FieldErrors, NotFoundError, PermissionDeniedError
from engine.core.permissions import Actor, may_withdraw_plan
from engine.processes import messages
from models import Plan, PlanStatus


def withdraw(session: Session, actor: Actor, plan_id: int, reason: str) -> int:
    """Withdraw an issued plan: every waiting unit instance of it is cancelled (by message)."""
    if not may_withdraw_plan(actor):
        raise PermissionDeniedError("Chỉ lãnh đạo Sở KHCN được thu hồi kế hoạch")
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFoundError("Không tìm thấy kế hoạch")
    if plan.status != PlanStatus.ISSUED:
        raise ConflictError("Chỉ thu hồi được kế hoạch đã ban hành")
    if not reason.strip():
        raise FieldErrors({"reason": "Cần nêu lý do thu hồi"})
    plan.status = PlanStatus.WITHDRAWN
    audit.record(session, "plan.withdrawn", actor_id=actor.user_id, plan_id=plan.id, reason=reason)
    messages.throw(session, plan.id, "plan_withdrawn", {"reason": reason}, actor.user_id)
    return messages.deliver_pending(session)
