"""Script sandbox figures: cost of a condition, a timer expression and a script, and how long
a run-away script holds the worker before the interpreter stops it.

Run: python bench/bench_scripts.py [--repeat 20000]
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.core.errors import ScriptRefusedError  # noqa: E402
from engine.workflow.sandbox import SandboxEnvironment, collect_effects  # noqa: E402

DATA = {"decision": "approve", "reminder_at": "2026-01-08T08:00:00+07:00", "grace_days": 5}
CASES = (
    ("condition", "eval", 'decision == "approve"'),
    ("timer (name)", "eval", "reminder_at"),
    ("timer (f-string)", "eval", 'f"P{grace_days}D"'),
    ("script (notify)", "exec", 'notify(["unit_staff", "unit_leader"], "reminder_before")'),
)


def per_call(env: SandboxEnvironment, mode: str, source: str, repeat: int) -> float:
    """Return the mean seconds of one evaluation of `source`."""
    start = time.perf_counter()
    with collect_effects():
        for _ in range(repeat):
            if mode == "eval":
                env.evaluate(source, dict(DATA))
            else:
                env.execute(source, dict(DATA))
    return (time.perf_counter() - start) / repeat


def run_away(env: SandboxEnvironment) -> float:
    """Return how long valid glue over 100,000 values holds the caller before it is stopped."""
    data = {"values": list(range(100_000))}
    start = time.perf_counter()
    try:
        env.execute("total = sum(values)\n" * 1000, data)
    except ScriptRefusedError:
        pass
    return time.perf_counter() - start


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20_000)
    args = parser.parse_args()
    env = SandboxEnvironment()
    for label, mode, source in CASES:
        print(f"{label:<18} {per_call(env, mode, source, args.repeat) * 1e6:8.1f} µs")
    print(f"{'run-away stopped':<18} {run_away(env):8.2f} s")


if __name__ == "__main__":
    main()
