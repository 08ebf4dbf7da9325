"""Sign in, sign out, sessions, the header, the account page and CSRF."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from models import AuditEvent, User
from tests.web.conftest import flashes, login, text


@pytest.fixture
def web_data(people: None) -> None:
    """Sign-in pages need the accounts only, not the issued plan."""

def test_login_page_renders_in_vietnamese(client) -> None:
    response = client.get("/login")
    assert response.status_code == 200
    body = text(response)
    assert '<html lang="vi">' in body and "Tên đăng nhập" in body and "Mật khẩu" in body


def test_login_redirects_to_inbox_and_header_shows_who_i_am(client) -> None:
    response = login(client, "muong-la.leader")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert flashes(client) == ["Xin chào, Lãnh đạo Xã Mường La!"]
    body = text(client.get("/"))
    assert "Lãnh đạo Xã Mường La" in body and "Xã Mường La · Lãnh đạo đơn vị" in body


def test_session_cookie_lasts_eight_hours(client) -> None:
    response = login(client, "skhcn.staff")
    cookie = response.headers["Set-Cookie"]
    assert "Expires=" in cookie and "HttpOnly" in cookie
    assert client.application.permanent_session_lifetime.total_seconds() == 8 * 3600


@pytest.mark.parametrize(("username", "password"), [
    ("muong-la.staff", "sai-mat-khau"), ("khong-ton-tai", "demo"), ("", "")])
def test_bad_credentials_are_refused(client, username: str, password: str) -> None:
    response = login(client, username, password)
    assert response.status_code == 400
    body = text(response)
    assert ("Tên đăng nhập hoặc mật khẩu không đúng" in body
            or "Vui lòng nhập tên đăng nhập" in body)
    assert client.get("/").status_code == 302


def test_inactive_user_is_refused_and_loses_open_sessions(client, fresh, signed_in) -> None:
    open_session = signed_in("muong-la.staff")
    with fresh() as session:
        session.scalars(select(User).where(User.username == "muong-la.staff")).one().active = False
        session.commit()
    response = login(client, "muong-la.staff")
    assert response.status_code == 400
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in text(response)
    assert "khóa" not in text(response)  # the account's state is not revealed
    assert open_session.get("/").status_code == 302


@pytest.mark.parametrize(("target", "expected"), [
    ("/notifications", "/notifications"),
    ("/?quick=overdue", "/?quick=overdue"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("/\\evil.example", "/"),
])
def test_only_relative_next_redirects(client, target: str, expected: str) -> None:
    response = client.post("/login", query_string={"next": target},
                           data={"username": "skhcn.staff", "password": "demo"})
    assert response.status_code == 302 and response.headers["Location"] == expected


def test_anonymous_is_sent_to_login_with_next(client) -> None:
    response = client.get("/notifications?page=2")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/notifications?page%3D2"
    assert flashes(client) == ["Vui lòng đăng nhập để tiếp tục."]


def test_logged_in_user_visiting_login_goes_to_inbox(signed_in) -> None:
    user = signed_in("skhcn.staff")
    response = user.get("/login")
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_logout_needs_post_and_ends_the_session(signed_in) -> None:
    user = signed_in("skhcn.staff")
    assert user.get("/logout").status_code == 405
    response = user.post("/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert flashes(user) == ["Bạn đã đăng xuất."]
    assert user.get("/").status_code == 302


def test_account_page_shows_identity(signed_in) -> None:
    body = text(signed_in("skhcn.leader").get("/account"))
    assert "skhcn.leader" in body and "Lãnh đạo Sở KHCN" in body
    assert "Sở Khoa học và Công nghệ" in body and "Đổi mật khẩu" in body


@pytest.mark.parametrize(("current", "new", "confirm", "message"), [
    ("sai", "matkhaumoi1", "matkhaumoi1", "Mật khẩu hiện tại không đúng"),
    ("demo", "ngan", "ngan", "Mật khẩu mới cần ít nhất 8 ký tự"),
    ("demo", "matkhaumoi1", "matkhaukhac", "Xác nhận mật khẩu không khớp"),
    ("", "matkhaumoi1", "matkhaumoi1", "Vui lòng nhập mật khẩu hiện tại"),
])
def test_change_password_refusals(signed_in, fresh, current: str, new: str, confirm: str,
                                  message: str) -> None:
    user = signed_in("muong-la.staff")
    response = user.post("/account/password", data={
        "current_password": current, "new_password": new, "confirm_password": confirm})
    assert response.status_code == 400 and message in text(response)
    with fresh() as session:
        account = session.scalars(select(User).where(User.username == "muong-la.staff")).one()
        assert check_password_hash(account.password_hash, "demo")


def test_change_password_keeps_me_in_and_signs_out_other_sessions(signed_in, fresh, client) -> None:
    user, elsewhere = signed_in("muong-la.staff"), signed_in("muong-la.staff")
    response = user.post("/account/password", data={
        "current_password": "demo", "new_password": "matkhaumoi1",
        "confirm_password": "matkhaumoi1"})
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert flashes(user) == ["Đã đổi mật khẩu."]
    assert user.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    with fresh() as session:
        account = session.scalars(select(User).where(User.username == "muong-la.staff")).one()
        assert check_password_hash(account.password_hash, "matkhaumoi1")
        assert session.scalars(select(AuditEvent).where(
            AuditEvent.action == "user.password_changed", AuditEvent.actor_id == account.id)).one()
    assert login(client, "muong-la.staff", "matkhaumoi1").status_code == 302


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def test_csrf_refuses_a_post_without_token(csrf_app) -> None:
    client = csrf_app.test_client()
    response = client.post("/login", data={"username": "skhcn.staff", "password": "demo"})
    assert response.status_code == 400
    assert "mã bảo mật" in text(response)
    token = _token(text(client.get("/login")))
    response = client.post("/login", data={"username": "skhcn.staff", "password": "demo",
                                            "csrf_token": token})
    assert response.status_code == 302
    inbox = text(client.get("/"))
    assert client.post("/logout").status_code == 400
    assert client.post("/logout", data={"csrf_token": _token(inbox)}).status_code == 302
