"""Web fixtures: an app bound to the test database, clients, sign-in and lookup helpers.

The databases come from tests/conftest.py: a fresh copy per test of a template built once per
run (the issued 2026 plan when the test uses `world`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.test import TestResponse

from engine.demo import seed_data as demo_data
from models import HumanTask, HumanTaskStatus, Unit
from tests.conftest import build_world  # noqa: F401  (re-exported for tests/browser)
from web import create_app

PASSWORD = "demo"


def make_app(db_engine: Engine, **overrides: Any) -> Flask:
    """Create the app on the test database (CSRF off unless asked)."""
    config = {"TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False,
              "DATABASE_URL": db_engine.url.render_as_string(hide_password=False)}
    config.update(overrides)
    return create_app(config)


def _dispose(app: Flask) -> None:
    app.extensions["plancascade.engine"].dispose()


@pytest.fixture
def web_data(world: Any) -> Any:
    """The data the app starts on: the issued 2026 plan (a module may override it)."""
    return world


@pytest.fixture
def people(session: Session) -> None:
    """Only the units and the demo accounts: enough for pages that need no workflow."""
    demo_data.create_demo_users(session, demo_data.load_units(session))
    session.commit()


@pytest.fixture
def app(db_engine: Engine, web_data: Any) -> Iterator[Flask]:
    """The app on a database holding the issued 2026 plan (every unit has its adoption task)."""
    application = make_app(db_engine)
    yield application
    _dispose(application)


@pytest.fixture
def csrf_app(db_engine: Engine, web_data: Any) -> Iterator[Flask]:
    """The app with CSRF protection on, as in production."""
    application = make_app(db_engine, WTF_CSRF_ENABLED=True)
    yield application
    _dispose(application)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """An anonymous client."""
    return app.test_client()


def login(client: FlaskClient, username: str, password: str = PASSWORD,
          **kwargs: Any) -> TestResponse:
    """Sign in through the HTML form."""
    return client.post("/login", data={"username": username, "password": password}, **kwargs)


@pytest.fixture
def signed_in(app: Flask) -> Callable[[str], FlaskClient]:
    """Return a factory of clients signed in as a demo user."""
    def make(username: str) -> FlaskClient:
        user_client = app.test_client()
        response = login(user_client, username)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        with user_client.session_transaction() as session:
            session.pop("_flashes", None)  # the greeting: tests look at what comes next
        return user_client
    return make


@pytest.fixture
def fresh(session_factory: sessionmaker[Session]) -> Callable[[], Session]:
    """Return a factory of new sessions, to read what requests committed."""
    return session_factory


def unit_id(session: Session, code: str) -> int:
    """Return the id of the unit `code`."""
    return session.scalars(select(Unit.id).where(Unit.code == code)).one()


def ready_task(session: Session, unit_code: str, form_key: str) -> HumanTask:
    """Return the ready task of `form_key` of the unit `unit_code`."""
    return session.scalars(select(HumanTask).where(
        HumanTask.unit_id == unit_id(session, unit_code), HumanTask.form_key == form_key,
        HumanTask.status == HumanTaskStatus.READY)).one()


def task_id_of(fresh: Callable[[], Session], unit_code: str, form_key: str) -> int:
    """Return the id of the ready task of `form_key` of the unit `unit_code`."""
    with fresh() as session:
        return ready_task(session, unit_code, form_key).id


def flashes(client: FlaskClient) -> list[str]:
    """Return (and keep) the messages flashed in the client's session."""
    with client.session_transaction() as session:
        return [message for _category, message in session.get("_flashes", [])]


def text(response: TestResponse) -> str:
    """Return a response's body as text."""
    return response.get_data(as_text=True)


class _FormReader(HTMLParser):
    """Collect what a browser would submit from one form (no buttons, no <template> content)."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.template_depth = 0
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._buffer: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Track the form, its controls and <template> blocks."""
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        if tag == "template":
            self.template_depth += 1
        if self.template_depth or "name" not in a and tag != "option":
            return
        if tag == "input" and a.get("type", "text") not in ("submit", "button"):
            kind = a.get("type", "text")
            if kind not in ("checkbox", "radio") or "checked" in a:
                self.fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea":
            self._textarea, self._buffer = a["name"], []
        elif tag == "select":
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data: str) -> None:
        """Keep a textarea's text."""
        if self._textarea is not None:
            self._buffer.append(data)

    def handle_endtag(self, tag: str) -> None:
        """Close textareas, selects, templates and the form."""
        if not self.inside:
            return
        if tag == "template":
            self.template_depth -= 1
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._buffer)
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [v for v, selected in self._options if selected] or \
                [v for v, _ in self._options[:1]]
            self.fields += [(self._select, v) for v in chosen]
            self._select = None
        elif tag == "form":
            self.inside = False


def form_fields(html: str, form_id: str = "task-form") -> list[tuple[str, str]]:
    """Return the (name, value) pairs a browser would submit from the form `form_id`."""
    reader = _FormReader(form_id)
    reader.feed(html)
    return reader.fields


def set_field(fields: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    """Return `fields` with every value of `name` replaced by one `value` (added when absent)."""
    kept = [(n, v) for n, v in fields if n != name]
    return kept + [(name, value)]


def field_value(fields: list[tuple[str, str]], name: str) -> str | None:
    """Return the last value of `name`, as the server reads it."""
    values = [v for n, v in fields if n == name]
    return values[-1] if values else None
