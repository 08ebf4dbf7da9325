"""`plancascade init --demo`: the Sơn La 2026 plan, its units and accounts, played up to now."""
from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from engine import calendars, clock
from engine.actors import make_cast
from engine.bootstrap import at, issue_plan, prepare, province_unit
from engine.cascade import target_units
from engine.simulation import ISSUE_DAY, play_days, script_adoption, summary

DEMO_SEED = 2026
DEMO_LATE_FRACTION = 0.15


def load(session: Session) -> dict[str, Any]:
    """Load the demo data and play the year with scripted actors up to the current clock."""
    stop_at = clock.now()
    clock.set_now(min(stop_at, at(ISSUE_DAY, 7)))
    try:
        plan = prepare(session, users=True)
        session.commit()
        if stop_at < at(ISSUE_DAY, 7, 30):
            return {"played_until": stop_at.isoformat(), "units": 0}
        cast = make_cast(session, province_unit(session).id)
        clock.set_now(at(ISSUE_DAY, 7, 30))
        issue_plan(session, cast, plan)
        session.commit()
        targets = target_units(session, plan)
        escalate_on = calendars.load(session).add_working_days(plan.adoption_due_date,
                                                               plan.grace_days)
        script = script_adoption(targets, plan, escalate_on, random.Random(DEMO_SEED),
                                 DEMO_LATE_FRACTION)
        last = max(script.submit_on.values()) + timedelta(days=2)
        play_days(session, cast, {u.id: u for u in targets}, script, ISSUE_DAY, last,
                  stop_at=stop_at)
        session.commit()
        result = summary(session, plan, 0.0)
        result["played_until"] = min(stop_at, at(last, 23)).isoformat()
        return result
    finally:
        clock.set_now(None)
