"""Sign-in and session protection: throttling by address and by account (429 in Vietnamese),
security headers on every kind of response, sessions revoked server-side, the production
session key, and one answer for a wrong password and a deactivated account."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models import LoginFailure, User
from tests.web.conftest import _dispose, login, make_app, text
from web.config import load_config

LOCKED = "Bạn đã thử đăng nhập quá nhiều lần. Vui lòng thử lại sau {} phút."
# Address limits in tests count per hour: a slow machine never sees a window end mid-test.
WITHIN_AN_HOUR = re.compile(r"Vui lòng thử lại sau (\d+) phút\.")
GENERIC = "Tên đăng nhập hoặc mật khẩu không đúng"
SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options",
                    "Referrer-Policy")
TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"


@pytest.fixture
def web_data(people: None) -> None:
    """Sign-in needs the accounts only."""


@pytest.fixture
def throttled(db_engine: Engine, web_data: None) -> Iterator[Callable[..., Flask]]:
    """Return a factory of apps with throttling on (small limits, set per test)."""
    made: list[Flask] = []

    def make(**overrides: Any) -> Flask:
        config = {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "plancascade-db://",
                  "LOGIN_ADDRESS_LIMIT": "1000 per minute", "LOGIN_MAX_FAILURES": 1000}
        config.update(overrides)
        made.append(make_app(db_engine, **config))
        return made[-1]

    yield make
    for app in made:
        _dispose(app)


def api_login(client: FlaskClient, username: str, password: str = "demo") -> Any:
    """Sign in through the JSON API."""
    return client.post("/api/login", json={"username": username, "password": password})


# --- throttling by address -----------------------------------------------------------------


def _minutes(message: str) -> int:
    """Return the minutes a 429 message asks to wait (within the hour-long test window)."""
    found = WITHIN_AN_HOUR.search(message)
    assert found is not None, message
    assert 1 <= int(found.group(1)) <= 60
    return int(found.group(1))


def test_too_many_attempts_from_one_address_get_429_page_and_json(throttled) -> None:
    client = throttled(LOGIN_ADDRESS_LIMIT="3 per hour").test_client()
    for _ in range(3):
        assert login(client, "muong-la.staff", "sai").status_code == 400
    page = login(client, "muong-la.staff")  # even the right password, until the window ends
    assert page.status_code == 429 and page.mimetype == "text/html"
    minutes = _minutes(text(page))
    assert LOCKED.format(minutes) in text(page) and '<html lang="vi">' in text(page)
    assert 0 < int(page.headers["Retry-After"]) <= 3600
    answer = api_login(client, "skhcn.staff")  # the API shares the address's budget
    assert answer.status_code == 429
    assert answer.get_json() == {"error": LOCKED.format(_minutes(answer.get_json()["error"]))}
    assert client.get("/").status_code == 302  # nobody was signed in


def test_the_address_budget_is_shared_by_every_worker(throttled) -> None:
    # two apps on one database stand for two gunicorn workers (the default storage)
    first, second = throttled(LOGIN_ADDRESS_LIMIT="2 per hour"), throttled(
        LOGIN_ADDRESS_LIMIT="2 per hour")
    assert login(first.test_client(), "muong-la.staff", "sai").status_code == 400
    assert login(second.test_client(), "muong-la.staff", "sai").status_code == 400
    assert login(first.test_client(), "muong-la.staff").status_code == 429
    assert login(second.test_client(), "muong-la.staff").status_code == 429


def test_the_address_behind_a_trusted_proxy_is_the_forwarded_one(throttled) -> None:
    def attempt(app: Flask, forwarded_for: str) -> int:
        return login(app.test_client(), "muong-la.staff", "sai",
                     headers={"X-Forwarded-For": forwarded_for}).status_code

    direct = throttled(LOGIN_ADDRESS_LIMIT="1 per hour")
    assert [attempt(direct, "10.0.0.1"), attempt(direct, "10.0.0.2")] == [400, 429]  # ignored
    proxied = throttled(LOGIN_ADDRESS_LIMIT="1 per hour", PLANCASCADE_PROXIES=1)
    assert [attempt(proxied, "10.0.0.3"), attempt(proxied, "10.0.0.4"),
            attempt(proxied, "10.0.0.3")] == [400, 400, 429]


def test_password_change_attempts_are_throttled_too(throttled) -> None:
    client = throttled(LOGIN_ADDRESS_LIMIT="2 per hour").test_client()
    assert login(client, "muong-la.staff").status_code == 302  # 1 of 2
    data = {"current_password": "sai", "new_password": "matkhaumoi1",
            "confirm_password": "matkhaumoi1"}
    assert client.post("/account/password", data=data).status_code == 400  # 2 of 2
    refused = client.post("/account/password", data=data)
    assert refused.status_code == 429
    minutes = _minutes(text(refused))
    assert f"Bạn đã thử đổi mật khẩu quá nhiều lần. Vui lòng thử lại sau {minutes} phút." \
        in text(refused)
    assert client.get("/account").status_code == 200  # pages are not throttled


def test_throttling_is_off_in_tests_unless_asked(client) -> None:
    for _ in range(12):
        assert login(client, "muong-la.staff", "sai").status_code == 400
    assert login(client, "muong-la.staff").status_code == 302


# --- lockout by account --------------------------------------------------------------------


def _age_failures(fresh: Callable[[], Session], by: timedelta) -> None:
    """Move every recorded failure `by` into the past (the window passing, without waiting)."""
    with fresh() as session:
        for failure in session.scalars(select(LoginFailure)):
            failure.failed_at -= by
        session.commit()


def test_an_account_is_locked_after_failures_until_the_window_ends(throttled, fresh) -> None:
    app = throttled(LOGIN_MAX_FAILURES=3, LOGIN_FAILURE_WINDOW=timedelta(minutes=15))
    client = app.test_client()
    for _ in range(3):
        response = login(client, "muong-la.staff", "sai")
        assert response.status_code == 400 and GENERIC in text(response)
    locked = login(client, "muong-la.staff")  # the right password, refused while locked
    assert locked.status_code == 429 and _minutes(text(locked)) in (14, 15)
    assert 'name="password"' in text(locked)  # the form stays on the page
    answer = api_login(app.test_client(), "muong-la.staff")  # from anywhere, by the API too
    minutes = _minutes(answer.get_json()["error"])
    assert answer.status_code == 429 and minutes in (14, 15)
    assert answer.get_json() == {"error": LOCKED.format(minutes)}
    assert login(app.test_client(), "muong-la.leader").status_code == 302  # others sign in
    _age_failures(fresh, timedelta(minutes=13))
    still = login(client, "muong-la.staff")
    assert still.status_code == 429 and _minutes(text(still)) in (1, 2)
    _age_failures(fresh, timedelta(minutes=2, seconds=1))  # the window has passed
    assert login(client, "muong-la.staff").status_code == 302
    with fresh() as session:  # a success forgets the account's failures
        assert session.scalars(select(LoginFailure).where(
            LoginFailure.username == "muong-la.staff")).all() == []


def test_an_unknown_account_locks_alike(throttled) -> None:
    client = throttled(LOGIN_MAX_FAILURES=2).test_client()
    for _ in range(2):
        assert api_login(client, "khong-ton-tai", "x").status_code == 401
    assert api_login(client, "khong-ton-tai", "x").get_json() == {"error": LOCKED.format(15)}


# --- one answer for a deactivated account --------------------------------------------------


def _deactivate(fresh: Callable[[], Session], username: str) -> None:
    with fresh() as session:
        session.scalars(select(User).where(User.username == username)).one().active = False
        session.commit()


def test_a_deactivated_account_gets_the_wrong_password_answer(client, fresh) -> None:
    wrong_page = text(login(client, "muong-la.staff", "sai"))
    wrong_json = api_login(client, "muong-la.staff", "sai")
    _deactivate(fresh, "muong-la.staff")
    page = login(client, "muong-la.staff")
    assert page.status_code == 400 and GENERIC in text(page) and "khóa" not in text(page)
    assert text(page) == wrong_page
    answer = api_login(client, "muong-la.staff")
    assert (answer.status_code, answer.get_json()) == (401, wrong_json.get_json())
    assert client.get("/").status_code == 302


# --- sessions end server-side --------------------------------------------------------------


def _replay(app: Flask, cookie: str) -> FlaskClient:
    """Return a new client presenting a copied session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief


def _cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def test_a_cookie_copied_before_logout_no_longer_works(app, signed_in) -> None:
    user = signed_in("muong-la.staff")
    copied = _cookie(user)
    assert _replay(app, copied).get("/").status_code == 200  # the copy works while signed in
    assert user.post("/logout").status_code == 302
    replayed = _replay(app, copied).get("/")
    assert replayed.status_code == 302 and replayed.headers["Location"].startswith("/login")
    assert _replay(app, copied).get("/api/tasks").status_code == 401


def test_an_api_logout_ends_copied_sessions_too(app) -> None:
    client = app.test_client()
    assert api_login(client, "muong-la.staff").status_code == 200
    copied = _cookie(client)
    assert client.post("/api/logout", json={}).get_json() == {"ok": True}
    assert _replay(app, copied).get("/api/tasks").status_code == 401


def test_a_password_change_ends_copied_sessions(app, signed_in) -> None:
    user = signed_in("muong-la.staff")
    copied = _cookie(user)
    response = user.post("/account/password", data={
        "current_password": "demo", "new_password": "matkhaumoi1",
        "confirm_password": "matkhaumoi1"})
    assert response.status_code == 302
    assert user.get("/").status_code == 200  # the one who changed it stays signed in
    assert _replay(app, copied).get("/").status_code == 302


# --- headers -------------------------------------------------------------------------------


def _assert_protected(response: Any) -> None:
    for name in SECURITY_HEADERS:
        assert name in response.headers, name
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
    script = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
    assert script.split() == ["script-src", "'self'"]  # no inline scripts, no eval
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_every_kind_of_response_carries_the_security_headers(client, signed_in) -> None:
    page = client.get("/login")
    json_answer = client.get("/api/units")
    static = client.get("/static/js/page_actions.js")
    missing = signed_in("skhcn.staff").get("/khong-co-trang-nay")
    assert (page.status_code, json_answer.status_code, static.status_code,
            missing.status_code) == (200, 401, 200, 404)
    assert json_answer.is_json and "Không tìm thấy" in text(missing)
    for response in (page, json_answer, static, missing):
        _assert_protected(response)


def test_templates_hold_no_inline_script_or_handler() -> None:
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>")
    handler = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
    offenders = [f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
                 for path in sorted(TEMPLATES.rglob("*.html"))
                 for pattern in (inline_script, handler)
                 for match in pattern.finditer(path.read_text(encoding="utf-8"))]
    assert offenders == []


# --- configuration -------------------------------------------------------------------------


def test_production_refuses_a_short_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANCASCADE_DEMO", "0")
    monkeypatch.setenv("SECRET_KEY", "k" * 31)
    with pytest.raises(RuntimeError, match="at least 32 bytes") as refused:
        load_config()
    assert "Cần đặt SECRET_KEY dài ít nhất 32 byte" in str(refused.value)
    monkeypatch.setenv("SECRET_KEY", "k" * 32)
    assert load_config()["SECRET_KEY"] == "k" * 32
    monkeypatch.setenv("PLANCASCADE_DEMO", "1")  # the demo and the tests accept any key
    monkeypatch.setenv("SECRET_KEY", "k")
    assert load_config()["SECRET_KEY"] == "k"
    assert load_config({"TESTING": True, "PLANCASCADE_DEMO": False})["SECRET_KEY"] == "k"


def test_the_session_cookie_can_be_made_secure(monkeypatch: pytest.MonkeyPatch,
                                               db_engine: Engine, people: None) -> None:
    assert load_config()["SESSION_COOKIE_SECURE"] is False
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    app = make_app(db_engine)
    try:
        assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
        response = login(app.test_client(), "muong-la.staff", base_url="https://localhost")
        assert response.status_code == 302
        assert "; Secure" in response.headers["Set-Cookie"]
    finally:
        _dispose(app)
