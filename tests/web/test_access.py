"""The access matrix: who may see (else 404) and do (else 403) Mường La's adaptation task."""
from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.web.conftest import login, task_id_of

HTML_VIEW = ("GET", "/tasks/{id}")
HTML_COMPLETE = ("POST", "/tasks/{id}")
HTML_DRAFT = ("POST", "/tasks/{id}", {"action": "draft"})
HTML_CLAIM = ("POST", "/tasks/{id}/claim")
HTML_RELEASE = ("POST", "/tasks/{id}/release")
API_VIEW = ("GET", "/api/tasks/{id}")
API_COMPLETE: tuple[str, str, dict[str, Any]] = ("POST", "/api/tasks/{id}/complete", {})

# user, request, expected status (the task is muong-la's "unit_plan_adapt", role unit_staff)
MATRIX = [
    ("muong-la.staff", HTML_VIEW, 200),
    ("muong-la.staff", HTML_COMPLETE, 400),  # allowed: only the empty form is refused
    ("muong-la.staff", HTML_DRAFT, 302),
    ("muong-la.staff", HTML_CLAIM, 302),
    ("muong-la.staff", HTML_RELEASE, 302),
    ("muong-la.staff", API_VIEW, 200),
    ("muong-la.staff", API_COMPLETE, 400),
    ("to-hieu.staff", HTML_VIEW, 404),
    ("to-hieu.staff", HTML_COMPLETE, 404),
    ("to-hieu.staff", HTML_DRAFT, 404),
    ("to-hieu.staff", HTML_CLAIM, 404),
    ("to-hieu.staff", HTML_RELEASE, 404),
    ("to-hieu.staff", API_VIEW, 404),
    ("to-hieu.staff", API_COMPLETE, 404),
    ("so-tai-chinh.leader", HTML_VIEW, 404),
    ("so-tai-chinh.leader", API_COMPLETE, 404),
    ("muong-la.leader", HTML_VIEW, 200),
    ("muong-la.leader", HTML_COMPLETE, 403),
    ("muong-la.leader", HTML_DRAFT, 403),
    ("muong-la.leader", HTML_CLAIM, 403),
    ("muong-la.leader", API_COMPLETE, 403),
    ("skhcn.staff", HTML_VIEW, 200),
    ("skhcn.staff", HTML_COMPLETE, 403),
    ("skhcn.staff", API_COMPLETE, 403),
    ("ubnd.leader", HTML_COMPLETE, 403),
    ("inspector", API_COMPLETE, 403),
    ("admin", HTML_COMPLETE, 403),
    (None, HTML_VIEW, 302),
    (None, HTML_COMPLETE, 302),
    (None, HTML_CLAIM, 302),
    (None, API_VIEW, 401),
    (None, API_COMPLETE, 401),
]


def _call(client: FlaskClient, request: tuple, task_id: int):  # type: ignore[type-arg]
    method, path = request[0], request[1].format(id=task_id)
    body = request[2] if len(request) > 2 else {"action": "complete"}
    if path.startswith("/api/"):
        return client.open(path, method=method, json=body if method == "POST" else None)
    return client.open(path, method=method, data=body if method == "POST" else None)


@pytest.mark.parametrize(("username", "request_", "expected"), MATRIX,
                         ids=[f"{u or 'anonymous'}-{r[0]}-{r[1]}-{e}" for u, r, e in MATRIX])
def test_access_matrix(app, fresh, username: str | None, request_: tuple,  # type: ignore[type-arg]
                       expected: int) -> None:
    task_id = task_id_of(fresh, "muong-la", "unit_plan_adapt")
    client = app.test_client()
    if username is not None:
        assert login(client, username).status_code == 302
    response = _call(client, request_, task_id)
    assert response.status_code == expected
    if expected == 404:
        assert "Không tìm thấy công việc" in response.get_data(as_text=True)
    if expected == 302 and username is None:
        assert response.headers["Location"].startswith("/login?next=")


def test_other_units_tasks_never_appear_in_my_lists(signed_in, fresh) -> None:
    other = task_id_of(fresh, "muong-la", "unit_plan_adapt")
    client = signed_in("to-hieu.staff")
    assert "Xã Mường La" not in client.get("/").get_data(as_text=True)
    assert other not in [t["id"] for t in client.get("/api/tasks").get_json()]
