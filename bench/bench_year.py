"""The full-year simulation at national size: `engine.cli simulate` in a child process, its
wall time and its peak resident memory (the child's ru_maxrss), next to the targets.

Run: python bench/bench_year.py [--units 3400] [--database-url URL] [--profile [--top 30]]
         [--timeout 1800]
A run longer than --timeout is interrupted (SIGINT) and reported with its last progress line.
With --database-url (PostgreSQL) the database's public schema is dropped first: give it one of
its own. --profile runs the child under cProfile (slower: compare times without it) and prints
the functions that cost most, by own time and by cumulative time (an interrupted run's too).
Prints figures; asserts nothing (targets: ≤ 2 min and ≤ 200 MB at 3,400 units).
"""

from __future__ import annotations

import argparse
import pstats
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from engine.core.db import make_engine  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 120.0
TARGET_MB = 200.0


def reset(url: str) -> None:
    """Empty a PostgreSQL database (simulate needs a fresh one)."""
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def command(args: argparse.Namespace, profile: Path | None) -> list[str]:
    """The child's command line."""
    runner = ["-m", "cProfile", "-o", str(profile)] if profile else []
    database = ["--database", args.database_url] if args.database_url else []
    return [sys.executable, *runner, "-m", "engine.cli", "simulate", "--units", str(args.units),
            "--seed", str(args.seed), *database]


def print_profile(path: Path, top: int) -> None:
    """Print the `top` functions by own time, then by cumulative time."""
    for key in ("tottime", "cumulative"):
        print(f"--- top {top} by {key} ---", flush=True)
        pstats.Stats(str(path), stream=sys.stdout).strip_dirs().sort_stats(key).print_stats(top)


def stop(child: subprocess.Popen[str], interrupted: threading.Event) -> None:
    """Interrupt the child (under cProfile, its profile so far is still written), then kill it
    if it has not ended after a grace period."""
    interrupted.set()
    child.send_signal(signal.SIGINT)
    try:
        child.wait(timeout=60)
    except subprocess.TimeoutExpired:
        child.kill()


def run_child(argv: list[str], timeout: float, out: Path) -> tuple[int | None, float, str]:
    """Run the child, echoing its progress lines with the elapsed time; interrupt it at
    `timeout`. Return its exit code (None when interrupted), its wall time and the last
    progress line it printed."""
    begin = time.perf_counter()
    last, interrupted = "", threading.Event()
    with out.open("w") as stdout:
        child = subprocess.Popen(argv, cwd=ROOT, stdout=stdout, stderr=subprocess.PIPE,
                                 text=True)
        watchdog = threading.Timer(timeout, stop, args=(child, interrupted))
        watchdog.start()
        assert child.stderr is not None
        for line in child.stderr:
            if interrupted.is_set():
                continue  # the KeyboardInterrupt's traceback
            last = line.strip() or last
            print(f"  [{time.perf_counter() - begin:7.1f} s] {line.rstrip()}", flush=True)
        code = child.wait()
        watchdog.cancel()
    return (None if interrupted.is_set() else code), time.perf_counter() - begin, last


def main() -> None:
    """Run the simulation once in a child and print its time and peak memory."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=3400)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", help="PostgreSQL (emptied first); default: SQLite")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before stopping it")
    args = parser.parse_args()
    if args.database_url:
        reset(args.database_url)
    with tempfile.TemporaryDirectory() as folder:
        profile = Path(folder) / "simulate.prof" if args.profile else None
        out = Path(folder) / "summary.json"
        code, seconds, last = run_child(command(args, profile), args.timeout, out)
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
        dialect = "PostgreSQL" if args.database_url else "SQLite"
        state = {None: f"STOPPED at --timeout (last progress: {last or 'none'})", 0: "done"}
        print(f"N={args.units} ({dialect}{', under cProfile' if profile else ''}, "
              f"{state.get(code, f'failed with exit code {code}')})  "
              f"wall {seconds:.1f} s (target ≤ {TARGET_SECONDS:.0f} s)  "
              f"peak RSS {peak_mb:.0f} MB (target ≤ {TARGET_MB:.0f} MB)")
        if code == 0:
            print(out.read_text().strip()[:1500])
        if profile and profile.exists():
            print_profile(profile, args.top)


if __name__ == "__main__":
    main()
