"""Every administration route is for administrators only: anonymous users are sent to sign in,
everyone else gets 404 (the area is hidden, as supervision is), administrators get the page."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from engine.admin import substitutions
from engine.core import clock
from models import ProcessInstance, Unit, User
from tests.web.conftest import login, text

# (method, path, body, status for an administrator)
ROUTES: list[tuple[str, str, Any, int]] = [
    ("GET", "/admin/", None, 200),
    ("GET", "/admin/processes", None, 200),
    ("GET", "/admin/processes/unit_plan/diff?from=1&to=1", None, 200),
    ("GET", "/admin/processes/unit_plan/versions/1.bpmn", None, 200),
    ("POST", "/admin/processes/upload", {}, 400),
    ("GET", "/admin/processes/unit_plan/modeler", None, 200),
    ("POST", "/admin/processes/unit_plan/draft", "json", 400),
    ("POST", "/admin/processes/unit_plan/draft/discard", {}, 302),
    ("POST", "/admin/processes/unit_plan/validate", "json", 400),
    ("POST", "/admin/processes/unit_plan/deploy", "json", 400),
    ("GET", "/admin/migration", None, 200),
    ("POST", "/admin/migration", {}, 302),
    ("GET", "/admin/instances/{instance}", None, 200),
    ("POST", "/admin/instances/{instance}/suspend", {}, 302),
    ("POST", "/admin/instances/{instance}/resume", {}, 302),
    ("POST", "/admin/instances/{instance}/retry", {}, 302),
    ("POST", "/admin/instances/{instance}/cancel", {}, 302),
    ("GET", "/admin/units", None, 200),
    ("GET", "/admin/units/new", None, 200),
    ("GET", "/admin/units/import", None, 200),
    ("POST", "/admin/units/import", {}, 400),
    ("GET", "/admin/units/import/template.xlsx", None, 200),
    ("POST", "/admin/units/import/confirm", {}, 404),
    ("POST", "/admin/units/new", {}, 400),
    ("GET", "/admin/units/{unit}", None, 200),
    ("POST", "/admin/units/{unit}", {}, 400),
    ("GET", "/admin/users", None, 200),
    ("GET", "/admin/users/new", None, 200),
    ("POST", "/admin/users/new", {}, 400),
    ("GET", "/admin/users/{user}", None, 200),
    ("POST", "/admin/users/{user}", {}, 400),
    ("POST", "/admin/users/{user}/password", {}, 200),
    ("GET", "/admin/roles", None, 200),
    ("GET", "/admin/substitutions", None, 200),
    ("POST", "/admin/substitutions", {}, 400),
    ("POST", "/admin/substitutions/{substitution}/revoke", {}, 302),
    ("GET", "/admin/mail", None, 200),
]
NOT_ADMINS = ("muong-la.staff", "skhcn.staff", "ubnd.leader")


@pytest.fixture
def ids(session, world) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Ids the paths need: Mường La's unit, its staff account, its plan instance, a substitution."""
    unit = session.scalars(select(Unit).where(Unit.code == "muong-la")).one()
    staff = session.scalars(select(User).where(User.username == "muong-la.staff")).one()
    leader = session.scalars(select(User).where(User.username == "muong-la.leader")).one()
    instance = session.scalars(
        select(ProcessInstance).where(
            ProcessInstance.unit_id == unit.id, ProcessInstance.process_key == "unit_plan"
        )
    ).one()
    row = substitutions.create(
        session,
        leader.id,
        staff.id,
        leader.id,
        date(2026, 1, 6),
        date(2026, 1, 20),
        today=date(2026, 1, 6),
    )
    session.commit()
    return {"unit": unit.id, "user": staff.id, "instance": instance.id, "substitution": row.id}


def _call(client, method: str, path: str, body):  # type: ignore[no-untyped-def]
    if body == "json":
        return client.open(path, method=method, json={})
    return client.open(path, method=method, data=body)


@pytest.mark.parametrize(
    ("method", "path", "body", "admin_status"), ROUTES, ids=[f"{m} {p}" for m, p, _, _ in ROUTES]
)
def test_admin_route_is_for_administrators_only(
    app: Flask, ids, method, path, body, admin_status
) -> None:
    url = path.format(**ids)
    anonymous = _call(app.test_client(), method, url, body)
    if body == "json":  # a JSON client is answered in JSON, not sent to the sign-in page
        assert anonymous.status_code == 401 and "error" in anonymous.get_json()
    else:
        assert anonymous.status_code == 302
        assert anonymous.headers["Location"].startswith("/login?next=")
    for username in NOT_ADMINS:
        client = app.test_client()
        assert login(client, username).status_code == 302
        response = _call(client, method, url, body)
        assert response.status_code == 404, (username, text(response)[:300])
        assert "Không tìm thấy" in text(response)
    admin = app.test_client()
    assert login(admin, "admin").status_code == 302
    response = _call(admin, method, url, body)
    assert response.status_code == admin_status, text(response)[:500]
    if admin_status != 302 and response.mimetype.startswith("text/"):
        assert "Traceback" not in text(response)


def test_every_admin_route_is_in_the_table(app: Flask) -> None:
    covered = {(m, p.split("?")[0]) for m, p, _, _ in ROUTES}
    placeholders = {
        "instance_id": "{instance}",
        "unit_id": "{unit}",
        "user_id": "{user}",
        "substitution_id": "{substitution}",
        "key": "unit_plan",
        "version": "1",
    }
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("admin."):
            continue
        path = rule.rule
        for name, value in placeholders.items():
            for converter in ("int:", "id:", ""):
                path = path.replace(f"<{converter}{name}>", value)
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            assert (method, path) in covered, (method, path)


def test_only_administrators_see_the_admin_link(signed_in) -> None:
    assert 'href="/admin/"' in text(signed_in("admin").get("/"))
    assert 'href="/admin/"' not in text(signed_in("skhcn.staff").get("/"))


def test_the_admin_link_follows_the_substitutes_grants(signed_in, session, world) -> None:
    """A colleague standing in for the administrator gets the link to the area they may open."""
    admin, ubnd = (session.scalars(select(User).where(User.username == name)).one()
                   for name in ("admin", "ubnd.leader"))
    leader = signed_in("ubnd.leader")
    assert 'href="/admin/"' not in text(leader.get("/"))
    today = clock.today()
    substitutions.create(session, admin.id, admin.id, ubnd.id, today, today, today=today)
    session.commit()
    assert 'href="/admin/"' in text(leader.get("/"))
    assert leader.get("/admin/").status_code == 200


def test_admin_posts_need_the_csrf_token(csrf_app: Flask) -> None:
    client = csrf_app.test_client()
    page = client.get("/login")
    token = text(page).split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"username": "admin", "password": "demo", "csrf_token": token})
    response = client.post(
        "/admin/units/new", data={"code": "xa-moi", "name": "Xã Mới", "kind": "commune"}
    )
    assert response.status_code == 400 and "mã bảo mật" in text(response)
    response = client.post("/admin/processes/unit_plan/validate", json={"xml": "<x/>"})
    assert response.status_code == 400
