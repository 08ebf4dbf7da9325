"""`plancascade serve` starts gunicorn through the Python running it, so it works with no
virtualenv bin/ on PATH (pipx, the console script run by its path)."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from engine import cli
from engine.core.db import make_engine
from models import Base

ROOT = Path(__file__).resolve().parents[2]


def test_the_command_runs_gunicorn_as_a_module_of_this_python() -> None:
    assert cli.serve_command("0.0.0.0", 8080, 2) == [
        sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", "0.0.0.0:8080",
        "web.wsgi:app"]
    assert cli.serve_command("::1", 8000, 1)[-2] == "[::1]:8000"


def test_serve_needs_nothing_on_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    executed: list[tuple[str, list[str]]] = []
    monkeypatch.setenv("PATH", "")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'none.db'}")
    monkeypatch.setattr(os, "execv", lambda path, argv: executed.append((path, argv)))
    assert cli.main(["serve", "--port", "8123", "--workers", "1"]) == 0
    assert executed == [(sys.executable, cli.serve_command("127.0.0.1", 8123, 1))]


def free_port() -> int:
    """Return a TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def health(port: int) -> dict[str, Any] | None:
    """Return /healthz's JSON, or None while nothing answers."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            return dict(json.load(response))
    except (urllib.error.URLError, ConnectionError):
        return None


def test_serve_starts_the_app_with_an_empty_path(tmp_path: Path) -> None:
    database = tmp_path / "serve.db"
    engine = make_engine(f"sqlite:///{database}")
    Base.metadata.create_all(engine)
    engine.dispose()
    port = free_port()
    env = {**os.environ, "PATH": "", "DATABASE_URL": f"sqlite:///{database}"}
    server = subprocess.Popen(
        [sys.executable, "-m", "engine.cli", "serve", "--port", str(port), "--workers", "1"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        answer = None
        for _ in range(600):  # a guard against hanging, not a measure: ends at the first answer
            answer = health(port)
            if answer is not None or server.poll() is not None:
                break
            time.sleep(0.1)
        assert answer is not None and answer["status"] == "ok", server.poll()
    finally:
        server.send_signal(signal.SIGTERM)
        _out, err = server.communicate(timeout=60)
    assert server.returncode == 0, err[-2000:]
