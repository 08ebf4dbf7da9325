"""`plancascade init --demo`: the Sơn La 2026 plan, its units and accounts, played up to now."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import clock
from engine.demo.bootstrap import at
from engine.demo.simulation import ISSUE_DAY, play, start_year, summary
from models import ProcessInstance

DEMO_SEED = 2026
DEMO_LATE_FRACTION = 0.15


def load(session: Session) -> dict[str, Any]:
    """Load the demo data and play the year with scripted actors up to the current clock."""
    stop_at = clock.now()
    if session.scalar(select(ProcessInstance.id).where(
            ProcessInstance.process_key == "province_plan").limit(1)) is not None:
        return {"played_until": None, "message": "Dữ liệu mẫu đã được nạp trước đó; không nạp lại."}
    try:
        if stop_at < at(ISSUE_DAY, 7, 30):
            from engine.demo.bootstrap import prepare

            clock.set_now(stop_at)
            prepare(session, users=True)
            session.commit()
            return {"played_until": stop_at.isoformat(), "units": 0}
        plan, cast, script = start_year(
            session, units=None, users=True, seed=DEMO_SEED, late_fraction=DEMO_LATE_FRACTION
        )
        last = min(stop_at.astimezone(clock.BUSINESS_TZ).date(), date(plan.year, 12, 31))
        play(session, cast, plan, script, ISSUE_DAY, last, stop_at=stop_at)
        session.commit()
        result = summary(session, plan, 0.0)
        result["played_until"] = stop_at.isoformat()
        return result
    finally:
        clock.set_now(None)
