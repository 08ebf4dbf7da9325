"""Export and audit-search figures: the .xlsx of the matrix, late lists and KPI roll-up for the
issued 2026 plan (90 units), and the audit page's search and export over a trail grown to N
events.

Run: python bench/bench_exports.py [--events 100000]
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.core import clock, schema  # noqa: E402
from engine.core.db import make_engine, make_session_factory  # noqa: E402
from engine.core.permissions import Actor, Grant  # noqa: E402
from engine.demo.actors import make_cast  # noqa: E402
from engine.demo.bootstrap import at, issue_plan, prepare, province_unit  # noqa: E402
from engine.documents import audit_workbook, kpi_workbook, late_workbook, matrix_workbook  # noqa: E402
from engine.queries import audit_search  # noqa: E402
from models import AuditEvent, Unit, User  # noqa: E402

ACTIONS = ("task.completed", "task.claimed", "reminder.sent", "instance.started")


def timed(work: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """Return the median seconds of `repeat` runs and the last result."""
    samples, result = [], None
    for _ in range(repeat):
        begin = time.perf_counter()
        result = work()
        samples.append(time.perf_counter() - begin)
    return statistics.median(samples), result


def grow_trail(session: Any, events: int) -> None:
    """Add `events` synthetic events spread over 2026 by the demo accounts (a bulk insert)."""
    users = list(session.scalars(select(User.id)))
    units = list(session.scalars(select(Unit.id)))
    start = clock.now()
    rows = [
        {"at": start + timedelta(minutes=7 * i), "actor_id": users[i % len(users)],
         "action": ACTIONS[i % len(ACTIONS)], "unit_id": units[i % len(units)],
         "details": {"comment": f"Ý kiến số {i}"} if i % 5 == 0 else {}}
        for i in range(events)
    ]
    for first in range(0, len(rows), 10_000):
        session.execute(insert(AuditEvent), rows[first:first + 10_000])
    session.commit()


def run(events: int, folder: Path) -> None:
    """Build the issued plan, grow the trail, print the figures."""
    engine = make_engine(f"sqlite:///{folder / 'bench-exports.db'}")
    schema.upgrade(engine)
    session = make_session_factory(engine)()
    clock.set_now(at(date(2026, 1, 6), 7))
    plan = prepare(session, users=True)
    cast = make_cast(session, province_unit(session).id)
    session.commit()
    issue_plan(session, cast, plan)
    session.commit()
    clock.set_now(at(date(2026, 3, 10), 9))
    dost = cast.actor("dost_staff", None)
    for name, work in (
        ("matrix .xlsx (90 units)", lambda: matrix_workbook.build(session, dost, plan)),
        ("late lists .xlsx", lambda: late_workbook.build(session, dost, plan)),
        ("KPI roll-up .xlsx (q1)", lambda: kpi_workbook.build(session, dost, plan, "q1")),
    ):
        seconds, data = timed(work)
        print(f"{name:<34} {seconds * 1000:8.1f} ms  {len(data) / 1024:7.1f} kB")
    grow_trail(session, events)
    total = session.scalar(select(func.count(AuditEvent.id)))
    admin = Actor(0, 0, (Grant("admin", None),))
    for name, query in (
        ("no filter", audit_search.AuditQuery()),
        ("unit 'mường'", audit_search.read_query(unit="mường")),
        ("person 'staff' + kind", audit_search.read_query(person="staff",
                                                           action="task.completed")),
        ("date range (one week)", audit_search.read_query(date_from="01/04/2026",
                                                          date_to="07/04/2026")),
    ):
        seconds, page = timed(partial(audit_search.search, session, admin, query, page=3))
        print(f"audit page 3, {name:<22} {seconds * 1000:8.1f} ms  ({page.total} of {total})")
    seconds, data = timed(lambda: audit_workbook.build(session, admin, audit_search.AuditQuery()),
                          repeat=1)
    print(f"audit .xlsx, {audit_search.MAX_EXPORT_ROWS} newest rows "
          f"{seconds:6.2f} s  {len(data) / 1024 / 1024:5.1f} MB")
    session.close()
    engine.dispose()


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run(args.events, Path(folder))


if __name__ == "__main__":
    main()
