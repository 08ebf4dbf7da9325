"""Completing one task: plancascade against SpiffWorkflow alone, on the same tasks, in one run.

For each of K ready "adapt the plan" tasks at N units (demo users present, so the new task's
notice has readers and queues their mails), it first times what SpiffWorkflow itself must do
(rebuild the workflow from the stored state, set the form data, run the task and the engine
steps to the next wait, serialize the state again), then `tasks.complete` + commit on the same
task (validation, projections, audit, notices, the database). The ratio is the overhead of
everything around the engine (target: ≤ 2×, issue 13). K other tasks are then completed over
HTTP (`POST /api/tasks/<id>/complete`, Flask's test client, each unit's staff signed in
beforehand), timing the request alone (target: ≤ 5 ms p50, flat in N). It also prints the SQL
statements one in-process completion sends (median).

Run: python bench/bench_completion.py [--units 90 3400] [--tasks 40] [--database-url URL]
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.core import clock, schema  # noqa: E402
from engine.core.db import make_engine, make_session_factory  # noqa: E402
from engine.demo.actors import make_cast  # noqa: E402
from engine.demo.bootstrap import at, prepare, province_unit  # noqa: E402
from engine.domain.unit_plans import default_content  # noqa: E402
from engine.processes import cascade, tasks  # noqa: E402
from engine.workflow import runtime  # noqa: E402
from engine.workflow.sandbox import collect_effects  # noqa: E402
from engine.workflow.serialization import dump_state  # noqa: E402
from models import HumanTask, Unit, User  # noqa: E402
from web import create_app  # noqa: E402

PASSWORD = "demo"  # the demo accounts' password


@dataclass
class Figures:
    """Per-task seconds of one size: engine alone, in-process, over HTTP; statements sent."""

    alone: list[float]
    ours: list[float]
    http: list[float]
    statements: list[int]


def ms(seconds: float) -> str:
    """Format seconds as milliseconds."""
    return f"{seconds * 1000:.2f} ms"


def p95(values: list[float]) -> float:
    """Return the 95th percentile of `values` (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def engine_alone(task: HumanTask, data: dict[str, object]) -> float:
    """Time SpiffWorkflow's own work for completing `task` (nothing is written anywhere)."""
    begin = time.perf_counter()
    workflow = runtime.load(task.instance)
    spiff = runtime.spiff_task(workflow, task.spiff_task_id)
    assert spiff is not None
    with collect_effects():
        spiff.data.update(data)
        spiff.run()
        workflow.do_engine_steps()
        workflow.refresh_timers()
        workflow.do_engine_steps()
    dump_state(workflow)
    return time.perf_counter() - begin


def form_data(session: Session, plan_id: int, unit: Unit) -> dict[str, Any]:
    """Return the unit's adaptation as a staff member would submit it."""
    data = default_content(session, plan_id, unit)
    for item in data["tasks"]:
        item["responsible"] = "Văn phòng"
    return data


class StatementCounter:
    """Count the statements an engine sends while attached."""

    def __init__(self, engine: Engine) -> None:
        self.engine, self.count = engine, 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: Any) -> None:
        self.count += 1

    def taken(self) -> int:
        """Return the count since the last call, and start again from zero."""
        value, self.count = self.count, 0
        return value

    def close(self) -> None:
        """Stop counting."""
        event.remove(self.engine, "before_cursor_execute", self._seen)


def in_process(session: Session, engine: Engine, plan_id: int, ready: list[HumanTask],
               figures: Figures) -> None:
    """Complete `ready` in-process, each after timing SpiffWorkflow alone on it."""
    cast = make_cast(session, province_unit(session).id)
    statements = StatementCounter(engine)
    for task in ready:
        unit = session.get_one(Unit, task.unit_id)
        data = form_data(session, plan_id, unit)
        actor = cast.actor("unit_staff", unit.id)
        figures.alone.append(engine_alone(task, dict(data)))
        statements.taken()
        begin = time.perf_counter()
        tasks.complete(session, actor, task.id, data)
        session.commit()
        figures.ours.append(time.perf_counter() - begin)
        figures.statements.append(statements.taken())
    statements.close()


def over_http(session: Session, url: str, plan_id: int, ready: list[HumanTask],
              figures: Figures) -> None:
    """Complete `ready` through the JSON API, each as its unit's staff (signed in first)."""
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "DATABASE_URL": url})
    posts = []
    for task in ready:
        unit = session.get_one(Unit, task.unit_id)
        client = app.test_client()
        signed = client.post("/login", data={"username": f"{unit.code}.staff",
                                             "password": PASSWORD})
        if signed.status_code != 302:  # not signed in: its completion would measure a 401
            print(f"  sign-in of {unit.code}.staff refused ({signed.status_code}): task skipped")
            continue
        posts.append((client, task.id, form_data(session, plan_id, unit)))
    session.commit()
    for client, task_id, data in posts:
        begin = time.perf_counter()
        response = client.post(f"/api/tasks/{task_id}/complete", json=data)
        figures.http.append(time.perf_counter() - begin)
        if response.status_code != 200:
            print(f"  HTTP {response.status_code} on task {task_id}: "
                  f"{response.get_data(as_text=True)[:200]}")
    app.extensions["plancascade.engine"].dispose()


def run(units: int, count: int, url: str | None, folder: Path) -> None:
    """Measure K completions at `units` units, in-process and over HTTP, and print them."""
    url = url or f"sqlite:///{folder / f'completion-{units}.db'}"
    engine = make_engine(url)
    schema.upgrade(engine)
    session = make_session_factory(engine)()
    clock.set_now(at(date(2026, 1, 6), 8))
    plan = prepare(session, units=units, users=True)
    cascade.run(session, plan.id, "unit_plan")
    session.commit()
    # only the real units have accounts (the simulated ones do not sign in)
    staffed = select(User.unit_id).where(User.username.like("%.staff"))
    ready = list(session.scalars(
        select(HumanTask).where(HumanTask.form_key == "unit_plan_adapt",
                                HumanTask.unit_id.in_(staffed))
        .order_by(HumanTask.id).limit(2 * count)))
    figures = Figures([], [], [], [])
    in_process(session, engine, plan.id, ready[:count], figures)
    over_http(session, url, plan.id, ready[count:], figures)
    report(units, engine.dialect.name, figures)
    session.close()
    engine.dispose()


def report(units: int, dialect: str, figures: Figures) -> None:
    """Print one size's figures side by side."""
    a, o = statistics.median(figures.alone), statistics.median(figures.ours)
    line = (f"N={units:>5} ({dialect}, {len(figures.ours)} tasks)  "
            f"SpiffWorkflow alone p50 {ms(a)}  plancascade p50 {ms(o)} p95 {ms(p95(figures.ours))}"
            f"  ratio ×{o / a:.2f}  statements {statistics.median(figures.statements):.0f}")
    if figures.http:
        line += (f"  HTTP ({len(figures.http)} tasks) p50 {ms(statistics.median(figures.http))}"
                 f" p95 {ms(p95(figures.http))}")
    print(line)


def main() -> None:
    """Parse arguments and run each size."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, nargs="+", default=[90, 3400])
    parser.add_argument("--tasks", type=int, default=40)
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for units in args.units:
            run(units, args.tasks, args.database_url, Path(folder))


if __name__ == "__main__":
    main()
