"""Engine figures for N units: cascade, one task completion, tick with nothing due, storage.

Run: python bench/bench_engine.py [--units 90 900 3400] [--timers 100000]
Prints figures; asserts nothing (speed targets are in DESIGN.md §6).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.core import clock, schema
from engine.core.db import make_engine, make_session_factory  # noqa: E402
from engine.demo.actors import make_cast  # noqa: E402
from engine.demo.bootstrap import at, prepare, province_unit  # noqa: E402
from engine.domain.unit_plans import default_content  # noqa: E402
from engine.processes import cascade, tasks, timers
from models import HumanTask, ProcessInstance, Timer, Unit  # noqa: E402


def ms(seconds: float) -> str:
    """Format seconds as milliseconds."""
    return f"{seconds * 1000:.2f} ms"


def run(units: int, extra_timers: int, folder: Path) -> None:
    """Measure one database of `units` units and print the figures."""
    engine = make_engine(f"sqlite:///{folder / f'bench-{units}.db'}")
    schema.upgrade(engine)
    session = make_session_factory(engine)()
    clock.set_now(at(date(2026, 1, 6), 8))
    plan = prepare(session, units=units, users=False)
    cast = make_cast(session, province_unit(session).id)
    session.commit()

    started = time.perf_counter()
    cascade.run(session, plan.id, "unit_plan")
    session.commit()
    cascade_s = time.perf_counter() - started

    ready = list(
        session.scalars(select(HumanTask).where(HumanTask.form_key == "unit_plan_adapt").limit(30))
    )
    samples = []
    for task in ready:
        unit = session.get(Unit, task.unit_id)
        assert unit is not None
        data = default_content(session, plan.id, unit)
        for item in data["tasks"]:
            item["responsible"] = "Văn phòng"
        begin = time.perf_counter()
        tasks.complete(session, cast.actor("unit_staff", unit.id), task.id, data)
        session.commit()
        samples.append(time.perf_counter() - begin)

    tick_samples = []
    for _ in range(20):
        begin = time.perf_counter()
        timers.tick(session)
        tick_samples.append(time.perf_counter() - begin)
    waiting = session.scalar(select(func.count(Timer.id)))

    sizes = list(
        session.scalars(
            select(func.length(ProcessInstance.state)).where(
                ProcessInstance.process_key == "unit_plan"
            )
        )
    )
    print(
        f"N={units:>5}  cascade {cascade_s:6.2f} s ({ms(cascade_s / units)}/unit)  "
        f"complete task median {ms(statistics.median(samples))} "
        f"p95 {ms(sorted(samples)[int(len(samples) * 0.95) - 1])}  "
        f"tick ({waiting} waiting, none due) median {ms(statistics.median(tick_samples))}  "
        f"state/instance median {statistics.median(sizes):.0f} B"
    )

    if extra_timers:
        instance_ids = list(session.scalars(select(ProcessInstance.id)))
        far = clock.now() + timedelta(days=300)
        session.execute(
            insert(Timer),
            [
                {
                    "instance_id": instance_ids[i % len(instance_ids)],
                    "event_name": "bench",
                    "due_at": far + timedelta(seconds=i),
                }
                for i in range(extra_timers)
            ],
        )
        session.commit()
        samples = []
        for _ in range(20):
            begin = time.perf_counter()
            timers.tick(session)
            samples.append(time.perf_counter() - begin)
        total = session.scalar(select(func.count(Timer.id)))
        print(
            f"         tick with {total} waiting timers, none due: "
            f"median {ms(statistics.median(samples))}"
        )
    session.close()
    engine.dispose()


def main() -> None:
    """Parse arguments and run each size."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, nargs="+", default=[90, 900, 3400])
    parser.add_argument("--timers", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for index, units in enumerate(args.units):
            last = index == len(args.units) - 1
            run(units, args.timers if last else 0, Path(folder))


if __name__ == "__main__":
    main()
