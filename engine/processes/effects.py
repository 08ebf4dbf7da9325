"""Settle what instances asked for that starts other instances: cascades, a round's
aggregation, inspections — drained from the session's queue (see `engine.processes.lifecycle`)
until nothing is left, in the caller's transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.core import audit, calendars
from engine.domain import aggregation, levels, regimes, rounds
from engine.processes import cascade, guidance, lifecycle
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
    if levels.is_national(session, plan):  # the Ministry's plan goes to provinces, not units
        if effects.cascades:
            guidance.cascade_to_provinces(session, plan, actor_id)
        return
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
    """Start one `reporting_round` instance per report round of the plan's regimes (once each).
    A round of communes' internal departments closes without a province report: they report
    to their commune."""
    calendar = calendars.load(session)
    for item in regimes.report_rounds(plan):
        window = rounds.round_window(plan, item.key, calendar)
        start_round(
            session,
            plan,
            item.key,
            item.process_key,
            window,
            province_summary=not item.regime.internal,
        )


def start_round(
    session: Session,
    plan: Plan,
    round_key: str,
    report_process: str,
    window: dict[str, str],
    *,
    province_summary: bool = True,
) -> None:
    """Start the `reporting_round` of `round_key` (once): it opens the round at `open_at`,
    cascades `report_process` to the round's units, and at `close_at` closes it — with the
    province report of the round when `province_summary`."""
    data = {
        "plan_id": plan.id,
        "round": round_key,
        "report_process": report_process,
        "province_summary": province_summary,
        **window,
    }
    cascade.start_province_process(session, plan, "reporting_round", round_key, data)
