"""The processes a load test runs against: gunicorn web workers and `tick --loop` workers.

Each is started in its own process group (so stopping it stops its children too), with its
output in a log file; `Servers` is a context manager that always stops every one of them:
SIGTERM to the group, then SIGKILL to whatever is still alive after a grace period.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import requests

ROOT = Path(__file__).resolve().parents[1]
STOP_GRACE_SECONDS = 10.0


def server_environment(database_url: str, now: str) -> dict[str, str]:
    """The environment of every server process: the database, a frozen clock (timers due in
    real time would play the year under the load), production mode with a session key, and
    one trusted proxy (each client sends its own X-Forwarded-For, as behind nginx, so the
    sign-in throttle of 10 per minute per address does not refuse the clients' sign-ins)."""
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url,
        "PLANCASCADE_NOW": now,
        "PLANCASCADE_DEMO": "0",
        "SECRET_KEY": secrets.token_hex(32),
        "PLANCASCADE_PROXIES": "1",
        "PYTHONPATH": str(ROOT),
    })
    env.pop("PLANCASCADE_SMTP_URL", None)  # no mail leaves a benchmark
    return env


class Servers:
    """Web workers (`engine.cli serve`) and tick workers on one database, stopped on exit."""

    def __init__(self, database_url: str, *, port: int, web_workers: int, ticks: int,
                 now: str, logs: Path) -> None:
        self.env = server_environment(database_url, now)
        self.port, self.web_workers, self.ticks, self.logs = port, web_workers, ticks, logs
        self.processes: list[tuple[str, subprocess.Popen[bytes]]] = []

    @property
    def base_url(self) -> str:
        """The web app's address."""
        return f"http://127.0.0.1:{self.port}"

    def _start(self, name: str, arguments: list[str]) -> None:
        log = (self.logs / f"{name}.log").open("wb")
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "engine.cli", *arguments], cwd=ROOT, env=self.env,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self.processes.append((name, process))

    def __enter__(self) -> Servers:
        self._start("web", ["serve", "--workers", str(self.web_workers),
                            "--port", str(self.port)])
        for number in range(self.ticks):
            self._start(f"tick-{number + 1}", ["tick", "--loop", "--interval", "2"])
        return self

    def wait_ready(self, timeout: float) -> None:
        """Wait until /healthz answers 200 and every process is still running."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                if requests.get(f"{self.base_url}/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise TimeoutError(f"the web app did not answer /healthz within {timeout:.0f} s")

    def check_alive(self) -> None:
        """Raise when a server process has exited (its log's tail in the message)."""
        for name, process in self.processes:
            if process.poll() is not None:
                tail = (self.logs / f"{name}.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{name} exited with {process.returncode}:\n{tail}")

    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds used so far by each server's live processes (gunicorn: master and
        workers), and by every PostgreSQL server process on this machine (all databases)."""
        used: dict[str, float] = {}
        groups = {process.pid: name for name, process in self.processes}
        for group, command, seconds in _proc_table():
            name = groups.get(group) or ("postgres (all databases)"
                                         if command == "postgres" else None)
            if name is not None:
                used[name] = used.get(name, 0.0) + seconds
        return used

    def stop(self) -> None:
        """SIGTERM every process group, wait, then SIGKILL the groups still alive."""
        for _, process in self.processes:
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for _, process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            _signal_group(process, signal.SIGKILL)
            process.wait()
        self.processes.clear()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()


def _signal_group(process: subprocess.Popen[bytes], number: signal.Signals) -> None:
    """Send `number` to the process group `process` leads (it may be gone already)."""
    try:
        os.killpg(process.pid, number)
    except ProcessLookupError:
        pass


def _proc_table() -> list[tuple[int, str, float]]:
    """(process group, command, CPU seconds) of every process /proc shows."""
    tick = os.sysconf("SC_CLK_TCK")
    table = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        command = raw[raw.index("(") + 1:raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2:].split()
        table.append((int(fields[2]), command, (int(fields[11]) + int(fields[12])) / tick))
    return table
