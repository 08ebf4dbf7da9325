"""Browser fixtures: the real app served by werkzeug in a thread on a fresh SQLite copy of the
issued 2026 plan, driven by Playwright through Debian's chromium; a screenshot is saved to
test-artifacts/ when a test fails.

These tests run in the SQLite pass only (skipped when TEST_DATABASE_URL is set) and are skipped
when Playwright or /usr/bin/chromium is missing (scripts/browser.sh installs chromium).
"""
from __future__ import annotations

import importlib.util
import os
import re
import shutil
import threading
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.serving import WSGIRequestHandler, make_server

from engine.core import clock
from engine.core.db import make_engine, make_session_factory
from models import Base
from tests.web.conftest import build_world, make_app

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]

HERE = Path(__file__).resolve().parent


def skip_reason() -> str | None:
    """Say why the browser tests cannot run here, or None when they can."""
    if os.environ.get("TEST_DATABASE_URL"):
        return "browser tests run in the SQLite pass only"
    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed (pip install -e '.[test]')"
    if not Path(CHROMIUM).exists():
        return "Debian chromium is missing: run scripts/browser.sh"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip this folder's tests when no browser can run them."""
    reason = skip_reason()
    if reason is None:
        return
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.skip(reason=reason))


class QuietHandler(WSGIRequestHandler):
    """A request handler that does not print one line per request."""

    def log(self, type: str, message: str, *args: Any) -> None:  # noqa: A002
        """Stay silent."""


@dataclass
class LiveServer:
    """The app served on 127.0.0.1, its database and a way to open sessions on it."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[Any]:
    """Keep each phase's report on the item so fixtures know whether the test failed."""
    outcome: Any = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session")
def browser_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file with the 2026 plan issued to the 90 units, built once per run."""
    path = tmp_path_factory.mktemp("browser") / "world.db"
    engine = make_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    with make_session_factory(engine)() as session:
        build_world(session)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    clock.set_now(None)
    return path


@contextmanager
def serve_copy(database: Path, folder: Path) -> Iterator[LiveServer]:
    """Serve the real app (CSRF on) on a free port, on a fresh copy of `database`."""
    shutil.copyfile(database, folder / "live.db")
    engine = make_engine(f"sqlite:///{folder / 'live.db'}")
    app = make_app(engine, WTF_CSRF_ENABLED=True, TESTING=False)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(f"http://127.0.0.1:{server.server_port}", engine,
                     make_session_factory(engine))
    server.shutdown()
    thread.join(timeout=5)
    app.extensions["plancascade.engine"].dispose()
    engine.dispose()


@pytest.fixture
def live_server(tmp_path: Path, browser_world: Path) -> Iterator[LiveServer]:
    """The app on a fresh copy of the world (the 2026 plan issued to the 90 units)."""
    with serve_copy(browser_world, tmp_path) as server:
        yield server


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Debian's chromium, headless, with a fresh user-data dir (through the launch context)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A new page on a 1366×768 screen; saved as a screenshot when the test fails."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.js_errors = errors  # type: ignore[attr-defined]
    yield tab
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


def sign_in(page: Any, server: LiveServer, username: str, password: str = "demo") -> None:
    """Sign in through the login form and land on the inbox.

    The page first leaves the app (about:blank), so that no request still in flight sets the
    previous user's session cookie again after the cookies are cleared.
    """
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto(f"{server.url}/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{server.url}/")
