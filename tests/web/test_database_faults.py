"""A database that cannot save — read-only, full, or gone — is told to the user as it is: 503
"nothing was lost, try again" (JSON under /api), never the conflict message nor a 500; the task
stays ready; /healthz says the database cannot write."""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event, select, text
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from engine.core import db_faults
from models import HumanTask, HumanTaskStatus
from tests.web.conftest import form_fields, make_app, set_field, task_id_of
from tests.web.conftest import text as body_of

MESSAGE = db_faults.UNAVAILABLE_MESSAGE
CONFLICT = "Người khác vừa xử lý công việc này"
ON_POSTGRESQL = bool(os.environ.get("TEST_DATABASE_URL"))


def refuse_writes(app: Flask, pragma: Callable[[Any], str] | None = None) -> None:
    """Make every connection of the app's engine refuse writes from now on: SQLite's
    `query_only` (or `pragma(connection)`), PostgreSQL's read-only transactions."""
    engine: Engine = app.extensions["plancascade.engine"]

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute(pragma(dbapi_connection) if pragma else "PRAGMA query_only = ON")
        else:
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            dbapi_connection.commit()
        cursor.close()

    event.listen(engine, "connect", on_connect)
    engine.dispose()  # connections opened before now are replaced by refusing ones


def no_growth(dbapi_connection: Any) -> str:
    """Return the pragma that keeps the SQLite file at its size: the next new page is a full
    disk ("database or disk is full")."""
    pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
    return f"PRAGMA max_page_count = {pages}"


def adaptation(client: FlaskClient, fresh: Callable[[], Session]) -> tuple[int, MultiDict]:
    """Return the muong-la adaptation task and a complete, valid form for it."""
    task_id = task_id_of(fresh, "muong-la", "unit_plan_adapt")
    fields = form_fields(body_of(client.get(f"/tasks/{task_id}")))
    for name, _ in list(fields):
        if name.endswith("-responsible"):
            fields = set_field(fields, name, "Văn phòng")
    return task_id, MultiDict(fields)


def task_row(fresh: Callable[[], Session], task_id: int) -> HumanTask:
    """Return the task as committed."""
    with fresh() as session:
        return session.get_one(HumanTask, task_id)


def assert_unavailable(response: Any) -> None:
    """The 503 page: the message, no conflict, a hint when to retry."""
    assert response.status_code == 503
    assert MESSAGE in body_of(response) and CONFLICT not in body_of(response)
    assert response.headers["Retry-After"] == "60"


def test_a_read_only_database_refuses_completion_and_draft_with_503(
        app: Flask, signed_in: Callable[[str], FlaskClient],
        fresh: Callable[[], Session]) -> None:
    client = signed_in("muong-la.staff")
    task_id, form = adaptation(client, fresh)
    refuse_writes(app)
    assert_unavailable(client.post(f"/tasks/{task_id}", data=form))
    form["action"] = "draft"
    assert_unavailable(client.post(f"/tasks/{task_id}", data=form))
    kept = task_row(fresh, task_id)
    assert (kept.status, kept.draft) == (HumanTaskStatus.READY, None)
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["database"] == "read_only"


def test_the_api_answers_503_in_json_on_a_read_only_database(
        app: Flask, client: FlaskClient, fresh: Callable[[], Session]) -> None:
    assert client.post("/api/login", json={"username": "muong-la.staff",
                                           "password": "demo"}).status_code == 200
    task_id = task_id_of(fresh, "muong-la", "unit_plan_adapt")
    data = client.get(f"/api/tasks/{task_id}").get_json()["data"]
    for item in data["tasks"]:
        item["responsible"] = "Văn phòng"
    refuse_writes(app)
    response = client.post(f"/api/tasks/{task_id}/complete", json=data)
    assert (response.status_code, response.get_json()) == (503, {"error": MESSAGE})
    assert task_row(fresh, task_id).status == HumanTaskStatus.READY


@pytest.mark.skipif(ON_POSTGRESQL, reason="a full disk is simulated on SQLite's file")
def test_a_full_disk_refuses_completion_with_503(
        app: Flask, signed_in: Callable[[str], FlaskClient],
        fresh: Callable[[], Session]) -> None:
    client = signed_in("muong-la.staff")
    task_id, form = adaptation(client, fresh)
    refuse_writes(app, no_growth)
    assert_unavailable(client.post(f"/tasks/{task_id}", data=form))
    assert task_row(fresh, task_id).status == HumanTaskStatus.READY


@pytest.fixture
def gone_app(db_engine: Engine) -> Iterator[Flask]:
    """The app configured for a PostgreSQL server that does not answer (nothing listens)."""
    application = make_app(db_engine, DATABASE_URL="postgresql+psycopg://plancascade:x@127.0.0.1:9/x")
    yield application
    application.extensions["plancascade.engine"].dispose()


def test_an_unreachable_database_is_503_for_pages_the_api_and_healthz(gone_app: Flask) -> None:
    client = gone_app.test_client()
    assert_unavailable(client.post("/login", data={"username": "admin", "password": "demo"}))
    response = client.post("/api/login", json={"username": "admin", "password": "demo"})
    assert (response.status_code, response.get_json()) == (503, {"error": MESSAGE})
    health = client.get("/healthz")
    assert (health.status_code, health.get_json()["database"]) == (503, "unreachable")


@pytest.mark.skipif(not ON_POSTGRESQL, reason="PostgreSQL connections")
def test_connections_the_server_dropped_cost_no_request_an_error(
        app: Flask, signed_in: Callable[[str], FlaskClient], db_engine: Engine) -> None:
    client = signed_in("muong-la.staff")
    assert client.get("/").status_code == 200
    with app.extensions["plancascade.engine"].connect() as pooled:  # the one the requests use
        pid = pooled.execute(text("SELECT pg_backend_pid()")).scalar_one()
    with db_engine.connect() as admin:  # as a restarted server would end it
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    assert client.get("/").status_code == 200
    assert client.get("/healthz").status_code == 200


def test_a_conflict_is_still_told_as_one(app: Flask, signed_in: Callable[[str], FlaskClient],
                                         fresh: Callable[[], Session]) -> None:
    """Two sessions completing the same task: the second is told someone else did it."""
    first, second = signed_in("muong-la.staff"), signed_in("muong-la.staff")
    task_id, form = adaptation(first, fresh)
    assert first.post(f"/tasks/{task_id}", data=form).status_code == 302
    again = second.post(f"/tasks/{task_id}", data=form)
    assert again.status_code == 409 and MESSAGE not in body_of(again)
    with fresh() as session:
        done = session.scalars(select(HumanTask).where(HumanTask.id == task_id)).one()
        assert done.status == HumanTaskStatus.COMPLETED
