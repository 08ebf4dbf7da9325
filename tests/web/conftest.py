"""Web fixtures: an app bound to the test database, clients, sign-in and lookup helpers."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.test import TestResponse

from models import HumanTask, HumanTaskStatus, Unit
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
def app(db_engine: Engine, world: Any) -> Iterator[Flask]:
    """The app on a database holding the issued 2026 plan (every unit has its adoption task)."""
    application = make_app(db_engine)
    yield application
    _dispose(application)


@pytest.fixture
def csrf_app(db_engine: Engine, world: Any) -> Iterator[Flask]:
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
