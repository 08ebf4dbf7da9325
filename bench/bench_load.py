"""A bounded load test at national size on PostgreSQL: web workers, tick workers and clients.

It prepares a database of N units with the 2026 plan issued (engine.demo.simulation.start_year,
as `simulate` does; demo accounts for the 90 real units, password "demo"), starts gunicorn
(`engine.cli serve --workers W`) and T `engine.cli tick --loop` workers on it, then runs C
client threads for a fixed time: each completes its unit's tasks through the web forms (the
staff adapts the plan, the leader returns it, again and again) and a few also read the
supervision matrix and /api/status as Sở KHCN's staff (see bench/load_clients.py). The servers
are always stopped (process-group kill); a hard timeout bounds the whole run.

Clients, servers and PostgreSQL share this machine's CPU: on a small machine the figures are
those of the whole system saturated, not of the app alone.

Run: python bench/bench_load.py --database-url postgresql+psycopg://USER:PASS@HOST/DB
         [--units 3400] [--clients 20] [--seconds 60] [--readers 4] [--think 0] [--reset]
Prints figures; asserts nothing (targets: completion p95 ≤ 50 ms at 20 clients, 0 errors).
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from load_clients import Client, Record, run_clients, sign_in_client  # noqa: E402
from load_servers import Servers  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from engine.core import schema  # noqa: E402
from engine.core.db import make_engine, make_session_factory  # noqa: E402
from engine.demo.simulation import start_year  # noqa: E402
from models import ProcessInstance, Unit, User  # noqa: E402

FROZEN_NOW = "2026-01-07T09:00:00+07:00"  # the plan issued on 06/01, adoption due 10/01
TARGET_COMPLETION_P95_MS = 50.0
KINDS = ("completion", "completion (adapt)", "completion (return)", "task page", "inbox",
         "matrix", "/api/status")


class HardTimeout(Exception):
    """The whole run took longer than --hard-timeout."""


def _alarm(_number: int, _frame: Any) -> None:
    raise HardTimeout


def prepare(url: str, units: int, clients: int, reset: bool) -> list[str]:
    """Build (or reuse) the database; return the codes of the units the clients play."""
    engine = make_engine(url)
    if reset:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    schema.upgrade(engine)
    with make_session_factory(engine)() as session:
        started = session.scalar(select(func.count()).select_from(ProcessInstance).where(
            ProcessInstance.process_key == "unit_plan"))
        if not started:
            begin = time.perf_counter()
            start_year(session, units=units, users=True, seed=1, late_fraction=0.0)
            started = session.scalar(select(func.count()).select_from(ProcessInstance).where(
                ProcessInstance.process_key == "unit_plan"))
            print(f"prepared: {started} unit plans in {time.perf_counter() - begin:.0f} s")
        else:
            print(f"reused: {started} unit plans already started (--reset to rebuild)")
        if started != units:
            raise SystemExit(f"the database holds {started} unit plans, not {units}: --reset")
        usernames = set(session.scalars(select(User.username).where(User.active.is_(True))))
        codes = [code for code in session.scalars(select(Unit.code).where(
            Unit.id.in_(select(ProcessInstance.unit_id).where(
                ProcessInstance.process_key == "unit_plan"))).order_by(Unit.id))
            if f"{code}.staff" in usernames and f"{code}.leader" in usernames]
    engine.dispose()
    if len(codes) < clients:
        raise SystemExit(f"only {len(codes)} units have demo accounts; use ≤ {len(codes)} clients")
    return codes[:clients]


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of `values` (share in 0..1)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def report(record: Record, elapsed: float) -> None:
    """Print p50/p95/max, counts and errors per kind, the request rate and the targets."""
    samples = dict(record.samples)
    samples["completion"] = samples.get("completion (adapt)", []) + samples.get(
        "completion (return)", [])
    errors = dict(record.errors)
    errors["completion"] = errors.get("completion (adapt)", 0) + errors.get(
        "completion (return)", 0)
    print(f"{'kind':<20} {'count':>6} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind in (*KINDS, "sign-in"):
        values = [v * 1000 for v in samples.get(kind, [])]
        if not values and not errors.get(kind):
            continue
        shown = (f"{statistics.median(values):8.1f} {percentile(values, 0.95):8.1f} "
                 f"{max(values):8.1f}") if values else f"{'-':>8} {'-':>8} {'-':>8}"
        print(f"{kind:<20} {len(values):>6} {errors.get(kind, 0):>6} {shown}")
    total = sum(len(samples.get(k, [])) for k in KINDS if k != "completion")
    done = len(samples["completion"])
    failed = sum(errors.get(k, 0) for k in KINDS if k != "completion")
    p95 = percentile([v * 1000 for v in samples["completion"]], 0.95) if done else float("nan")
    print(f"requests {total} in {elapsed:.1f} s = {total / elapsed:.1f}/s; "
          f"completions {done / elapsed:.1f}/s")
    print(f"target: completion p95 ≤ {TARGET_COMPLETION_P95_MS:.0f} ms -> measured {p95:.1f} ms; "
          f"errors 0 -> measured {failed} (+{errors.get('sign-in', 0)} at sign-in)")
    for message in record.messages[:10]:
        print(f"  error: {message}")


def load(args: argparse.Namespace, codes: list[str], logs: Path) -> None:
    """Start the servers, sign the clients in, run them, stop the servers, print figures."""
    with Servers(args.database_url, port=args.port, web_workers=args.web_workers,
                 ticks=args.ticks, now=FROZEN_NOW, logs=logs) as servers:
        servers.wait_ready(timeout=90)
        print(f"ready: {args.web_workers} web workers, {args.ticks} tick workers "
              f"at {servers.base_url}", flush=True)
        clients: list[Client] = []
        for number, code in enumerate(codes):
            client = sign_in_client(servers.base_url, number, code, number < args.readers)
            if client is None:
                raise SystemExit(f"client {number} ({code}) could not sign in")
            clients.append(client)
        print(f"running {len(clients)} clients ({args.readers} also reading) for "
              f"{args.seconds:.0f} s, think time {args.think} s", flush=True)
        before, load_before = usage(servers), os.getloadavg()[0]
        record, elapsed = run_clients(clients, args.seconds, args.think, join_timeout=60)
        after, load_after = usage(servers), os.getloadavg()[0]
        servers.check_alive()
    report(record, elapsed)
    print(f"CPU used during the run ({elapsed:.0f} s wall, {os.cpu_count()} CPUs; load average "
          f"{load_before:.1f} before, {load_after:.1f} after):")
    for name, seconds in sorted(after.items()):
        spent = seconds - before.get(name, 0.0)
        print(f"  {name:<26} {spent:6.1f} s = {spent / elapsed:4.2f} CPU")


def usage(servers: Servers) -> dict[str, float]:
    """CPU seconds so far: each server, PostgreSQL, and this process (the clients)."""
    mine = resource.getrusage(resource.RUSAGE_SELF)
    return {**servers.cpu_seconds(), "clients (this process)": mine.ru_utime + mine.ru_stime}


def main() -> None:
    """Parse the arguments, prepare the database, run the load under a hard timeout."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="a PostgreSQL database of its own")
    parser.add_argument("--units", type=int, default=3400)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--readers", type=int, default=4, help="clients that also read")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=0.0, help="pause between two loops")
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--ticks", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--reset", action="store_true", help="drop everything in the database")
    parser.add_argument("--hard-timeout", type=float, default=1800, help="seconds, everything")
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(int(args.hard_timeout))
    try:
        codes = prepare(args.database_url, args.units, args.clients, args.reset)
        with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
            load(args, codes, Path(folder))
    except HardTimeout:
        print(f"stopped: the run exceeded --hard-timeout {args.hard_timeout:.0f} s")
    finally:
        signal.alarm(0)


if __name__ == "__main__":
    main()
