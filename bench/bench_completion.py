"""Completing one task: plancascade against SpiffWorkflow alone, on the same tasks, in one run.

For each of K ready "adapt the plan" tasks at N units, it first times what SpiffWorkflow itself
must do (rebuild the workflow from the stored state, set the form data, run the task and the
engine steps to the next wait, serialize the state again), then `tasks.complete` + commit on the
same task (validation, projections, audit, notices, the database). The ratio is the overhead of
everything around the engine (target: ≤ 2×, issue 13).

Run: python bench/bench_completion.py [--units 90 3400] [--tasks 40] [--database-url URL]
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import select

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
from models import HumanTask, Unit  # noqa: E402


def ms(seconds: float) -> str:
    """Format seconds as milliseconds."""
    return f"{seconds * 1000:.2f} ms"


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


def run(units: int, count: int, url: str | None, folder: Path) -> None:
    """Measure K completions at `units` units and print both figures and their ratio."""
    engine = make_engine(url or f"sqlite:///{folder / f'completion-{units}.db'}")
    schema.upgrade(engine)
    session = make_session_factory(engine)()
    clock.set_now(at(date(2026, 1, 6), 8))
    plan = prepare(session, units=units, users=False)
    cast = make_cast(session, province_unit(session).id)
    cascade.run(session, plan.id, "unit_plan")
    session.commit()
    ready = list(session.scalars(
        select(HumanTask).where(HumanTask.form_key == "unit_plan_adapt").limit(count)))
    alone, ours = [], []
    for task in ready:
        unit = session.get(Unit, task.unit_id)
        assert unit is not None
        data = default_content(session, plan.id, unit)
        for item in data["tasks"]:
            item["responsible"] = "Văn phòng"
        alone.append(engine_alone(task, dict(data)))
        begin = time.perf_counter()
        tasks.complete(session, cast.actor("unit_staff", unit.id), task.id, data)
        session.commit()
        ours.append(time.perf_counter() - begin)
    a, o = statistics.median(alone), statistics.median(ours)
    print(f"N={units:>5} ({engine.dialect.name}, {len(ours)} tasks)  "
          f"SpiffWorkflow alone median {ms(a)}  plancascade median {ms(o)}  ratio ×{o / a:.2f}")
    session.close()
    engine.dispose()


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
