"""`plancascade init --demo`: the Sơn La 2026 plan, its units and accounts, played up to now.

The built-in processes are deployed here, on the demo's clock (engine.demo.bootstrap), not
by `init` beforehand: version 1 is dated on the demo year's first working morning.

Every step is recorded as it commits (engine.demo.progress): a load killed half-way is
completed by the next `init --demo`, from the first step it had not committed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import calendars, clock
from engine.demo import progress
from engine.demo.actors import Cast, make_cast
from engine.demo.bootstrap import at, prepare, province_unit
from engine.demo.scripted_year import YearScript
from engine.demo.simulation import ISSUE_DAY, play, start_year
from engine.demo.year_summary import summary
from engine.workflow import definitions
from models import AuditEvent, Plan, ProcessInstance

DEMO_SEED = 2026
DEMO_LATE_FRACTION = 0.15
ALREADY_LOADED = {
    "played_until": None,
    "message": "Dữ liệu mẫu đã được nạp trước đó; không nạp lại.",
}


def _loaded_before(session: Session) -> bool:
    """Tell whether the demo is loaded: recorded as finished, or (loaded by a version that
    kept no record, or a plan imported by hand) a province plan already runs."""
    row = progress.find(session)
    if row is not None:
        return progress.finished(row)
    return session.scalar(select(ProcessInstance.id).where(
        ProcessInstance.process_key == "province_plan").limit(1)) is not None


def _year(session: Session, row: AuditEvent) -> tuple[Plan, Cast, YearScript, date, int]:
    """Issue the plan and script the year, or take both up where the record says they stand."""
    saved = progress.position(row)
    if saved is None:  # not begun, or stopped before the first played step: start over
        plan, cast, script = start_year(
            session, units=None, users=True, seed=DEMO_SEED, late_fraction=DEMO_LATE_FRACTION
        )
        return plan, cast, script, ISSUE_DAY, 0
    plan = session.get_one(Plan, saved.plan_id)
    cast = make_cast(session, province_unit(session).id)
    script = YearScript.from_state(saved.script, calendars.load(session))
    return plan, cast, script, saved.day, saved.step


def load(session: Session) -> dict[str, Any]:
    """Load the demo data and play the year with scripted actors up to the current clock;
    after a crash, complete what the previous load began."""
    stop_at = clock.now()
    if _loaded_before(session):
        definitions.deploy_builtin(session)  # processes changed since, as `init` does
        session.commit()
        return dict(ALREADY_LOADED)
    try:
        if stop_at < at(ISSUE_DAY, 7, 30):
            clock.set_now(stop_at)
            prepare(session, users=True)
            session.commit()
            return {"played_until": stop_at.isoformat(), "units": 0}
        row = progress.find(session) or progress.begin(session)
        resumed = progress.position(row)
        plan, cast, script, first, step = _year(session, row)
        last = min(stop_at.astimezone(clock.BUSINESS_TZ).date(), date(plan.year, 12, 31))
        play(session, cast, plan, script, first, last, stop_at=stop_at, start_step=step,
             checkpoint=lambda day, index: progress.save(row, plan.id, day, index, script))
        progress.finish(row, stop_at)
        session.commit()
        result = summary(session, plan, 0.0)
        result["played_until"] = stop_at.isoformat()
        if resumed is not None:
            result["resumed_from"] = resumed.day.isoformat()
        return result
    finally:
        clock.set_now(None)
