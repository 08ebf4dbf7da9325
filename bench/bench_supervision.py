"""The read side against the number of units: the supervision matrix's first page and
/api/status's first page, before (every unit × stage recomputed from the records, the matrix
as it was before the stage-status projection) and after (read from the projection), and the
counts above the matrix alone (read from the projection's counts); then both pages as Sở
KHCN's staff gets them over HTTP (Flask's test client: sign-in, the query, the rendering).

Run: python bench/bench_supervision.py [--units 90 3400] [--repeat 15] [--database-url URL]
With --database-url (PostgreSQL) the database's public schema is dropped before each size:
give it one of its own. Its tables are analysed once built, as a running database's are.
Prints figures; asserts nothing (target: ≤ 20 ms at 3,400 units and flat from 90).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from engine.core import clock, schema, tenancy  # noqa: E402
from engine.core.db import make_engine, make_session_factory  # noqa: E402
from engine.core.pagination import paginate_list  # noqa: E402
from engine.core.workcalendar import business_date  # noqa: E402
from engine.demo.bootstrap import at  # noqa: E402
from engine.demo.simulation import start_year  # noqa: E402
from engine.domain import stage_projection  # noqa: E402
from engine.queries import dashboard, supervision  # noqa: E402
from models import Plan, StageStatusRow, Unit  # noqa: E402
from tests.engine.test_stage_projection import reference  # noqa: E402
from web import create_app  # noqa: E402


def median_ms(action: Callable[[], Any], repeat: int) -> float:
    """Run `action` once to warm up, then `repeat` times; return the median in ms."""
    action()
    samples = []
    for _ in range(repeat):
        begin = time.perf_counter()
        action()
        samples.append(time.perf_counter() - begin)
    return statistics.median(samples) * 1000


def old_matrix_page(session: Session, plan: Plan) -> Any:
    """The matrix's first page as it was built: every cell, then counts, then one page."""
    ids, cells = reference(session, plan)
    counts: dict[str, dict[str, int]] = {}
    for (_, stage), cell in cells.items():
        if cell[0] is not None:
            counts.setdefault(stage, {}).setdefault(cell[0], 0)
            counts[stage][cell[0]] += 1
    return paginate_list(ids, 1, dashboard.PER_PAGE), counts


def old_status(session: Session, plan: Plan) -> Any:
    """/api/status as it was: every unit's every stage in one document."""
    ids, cells = reference(session, plan)
    units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(ids)))}
    keys = supervision.stage_keys(plan)
    return [{"code": units[i].code, "stages": {k: cells[(i, k)] for k in keys}} for i in ids]


def over_http(url: str, plan_id: int, repeat: int) -> dict[str, float]:
    """Time the matrix page and /api/status's first page as Sở KHCN's staff, over HTTP."""
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "DATABASE_URL": url})
    client = app.test_client()
    signed = client.post("/login", data={"username": "skhcn.staff", "password": "demo"})
    assert signed.status_code == 302, signed.status_code

    def get(path: str) -> None:
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.status_code)

    query = f"?plan={plan_id}"
    return {"page over HTTP": median_ms(lambda: get("/supervision" + query), repeat),
            "/api/status over HTTP": median_ms(lambda: get("/api/status" + query), repeat)}


def run(units: int, repeat: int, url: str) -> None:
    """Build a database of `units` units with the 2026 plan issued, then print the figures."""
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    schema.upgrade(engine)
    session = make_session_factory(engine)()
    plan, _, _ = start_year(session, units=units, users=True, seed=1, late_fraction=0.2)
    session.commit()  # the plan issued on 06/01 as Sở KHCN does it: every stage's rounds open
    clock.set_now(at(date(2026, 3, 8), 9))  # adoption overdue for all, Q1 just due
    begin = time.perf_counter()
    rows = stage_projection.rebuild(session, plan)
    session.commit()
    rebuild_ms = (time.perf_counter() - begin) * 1000
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))
    assert session.scalar(select(func.count()).select_from(StageStatusRow)) == rows
    tenancy.enter(session, plan.tenant_id)  # as a request of the province's people reads
    keys = supervision.stage_keys(plan)
    figures = {
        "matrix before": median_ms(lambda: old_matrix_page(session, plan), repeat),
        "matrix after": median_ms(lambda: dashboard.matrix_page(session, plan), repeat),
        "  of which counts": median_ms(lambda: supervision.counts(
            session, plan.id, None, keys, business_date(clock.now())), repeat),
        "/api/status before": median_ms(lambda: old_status(session, plan), repeat),
        "/api/status after": median_ms(lambda: supervision.status_payload(session, plan), repeat),
        **over_http(url, plan.id, repeat),
    }
    shown = "  ".join(f"{name} {value:7.2f} ms" for name, value in figures.items())
    print(f"N={units:>5} ({rows} rows, rebuild {rebuild_ms:.0f} ms)  {shown}", flush=True)
    session.close()
    engine.dispose()


def main() -> None:
    """Parse the arguments and run each size."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, nargs="+", default=[90, 3400])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--database-url", help="PostgreSQL (its schema is dropped first)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for units in args.units:
            run(units, args.repeat,
                args.database_url or f"sqlite:///{Path(folder) / f'bench-{units}.db'}")


if __name__ == "__main__":
    main()
