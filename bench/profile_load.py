"""Where a web worker's time goes in the load test's loop: the same requests (a unit's inbox,
its task page, the staff's adaptation, the leader's return; the matrix and /api/status) made
in-process through Flask's test client under cProfile, on a database bench_load.py prepared.

Run: python bench/profile_load.py --database-url URL [--unit CODE] [--loops 10] [--top 25]
Prints the time per request kind (inflated by the profiler) and the top functions; asserts
nothing. The client's own work (parsing the task form) is in the profile but not in the times.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_load import FROZEN_NOW  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from load_clients import PASSWORD, READER, TASK_LINK, adapt_fields, return_fields  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402

from web import create_app  # noqa: E402

Timings = dict[str, list[float]]


def timed(timings: Timings, kind: str, action: object) -> object:
    """Call `action`, add its duration to `kind`."""
    begin = time.perf_counter()
    result = action()  # type: ignore[operator]
    timings[kind].append(time.perf_counter() - begin)
    return result


def complete_one(client: FlaskClient, timings: Timings) -> bool:
    """Open the first task of the client's inbox and complete it (as bench_load's clients)."""
    inbox = timed(timings, "inbox", lambda: client.get("/"))
    found = TASK_LINK.search(inbox.get_data(as_text=True))  # type: ignore[attr-defined]
    if found is None:
        return False
    path = f"/tasks/{found.group(1)}"
    page = timed(timings, "task page", lambda: client.get(path)).get_data(  # type: ignore[attr-defined]
        as_text=True)
    leader = 'name="decision"' in page
    fields = return_fields(page) if leader else adapt_fields(page)
    answer = timed(timings, f"completion ({'return' if leader else 'adapt'})",
                   lambda: client.post(path, data=MultiDict(fields)))
    assert answer.status_code == 302, answer.status_code  # type: ignore[attr-defined]
    return True


def main() -> None:
    """Sign in, warm up, then profile `loops` rounds of the load test's loop."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--unit", default="muong-la")
    parser.add_argument("--loops", type=int, default=10)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    os.environ["PLANCASCADE_NOW"] = FROZEN_NOW
    app = create_app({"DATABASE_URL": args.database_url, "SECRET_KEY": "x" * 32,
                      "PLANCASCADE_DEMO": False, "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False})
    clients = {}
    for name in (f"{args.unit}.staff", f"{args.unit}.leader", READER):
        clients[name] = app.test_client()
        clients[name].post("/login", data={"username": name, "password": PASSWORD})
    staff, leader, reader = clients.values()
    timings: Timings = defaultdict(list)

    def loop() -> None:
        if not complete_one(staff, timings):
            complete_one(leader, timings)
        timed(timings, "matrix", lambda: reader.get("/supervision"))
        timed(timings, "/api/status", lambda: reader.get("/api/status"))

    for _ in range(2):
        loop()
    timings.clear()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.loops):
        loop()
    profiler.disable()
    for kind, values in timings.items():
        print(f"{kind:<20} n={len(values):>3}  median {statistics.median(values) * 1000:7.1f} ms")
    print(f"--- top {args.top} by own time ---")
    pstats.Stats(profiler, stream=sys.stdout).strip_dirs().sort_stats("tottime").print_stats(
        args.top)
    print(f"--- top {args.top} of plancascade's own functions by cumulative time ---")
    root = str(Path(__file__).resolve().parents[1])
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(
        f"{root}/(engine|web|models)/", args.top)


if __name__ == "__main__":
    main()
