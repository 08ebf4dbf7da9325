"""Settle what instances asked for that starts other instances: cascades, a round's
aggregation, inspections — drained from the session's queue (see `engine.processes.lifecycle`)
until nothing is left, in the caller's transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.core import audit, calendars
from engine.domain import aggregation, regimes, rounds
from engine.processes import cascade, lifecycle
from models import Plan


def settle(session: Session) -> int:
    """Apply every queued effect, including those the instances it starts queue; return how many
    instances asked for something."""
    queue = lifecycle.pending(session)
    handled = 0
    while queue:
        item = queue.pop(0)
        _apply(session, item)
        handled += 1
    return handled


def _apply(session: Session, item: lifecycle.Pending) -> None:
    plan = session.get(Plan, item.plan_id)
    assert plan is not None
    effects, actor_id = item.effects, item.actor_id
    for process_key, round_key in effects.cascades:
        cascade.run(session, plan.id, process_key, round_key=round_key, actor_id=actor_id)
    for round_key in effects.aggregations:
        aggregation.store(session, plan, round_key)
        cascade.start_province_process(
            session, plan, "aggregation", round_key, {"plan_id": plan.id, "round": round_key}
        )
        audit.record(
            session, "aggregation.generated", instance_id=item.instance_id, round=round_key
        )
    if effects.inspections:
        cascade.run(session, plan.id, "inspection", actor_id=actor_id)
    if effects.rounds:
        open_rounds(session, plan)


def open_rounds(session: Session, plan: Plan) -> None:
    """Start one `reporting_round` instance per report round of the plan's regimes (once each):
    it opens the round on its date, cascades the report to the regime's units and closes the
    round with the province report."""
    calendar = calendars.load(session)
    for item in regimes.report_rounds(plan):
        data = {
            "plan_id": plan.id,
            "round": item.key,
            "report_process": item.process_key,
            **rounds.round_window(plan, item.key, calendar),
        }
        cascade.start_province_process(session, plan, "reporting_round", item.key, data)
