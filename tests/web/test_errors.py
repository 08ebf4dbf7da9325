"""Error pages: Vietnamese HTML (JSON under /api/), never a traceback."""
from __future__ import annotations

import pytest
from flask import Flask

from tests.web.conftest import login, make_app, text


@pytest.fixture
def web_data(people: None) -> None:
    """Error pages need the accounts only."""


def test_unknown_page_is_a_vietnamese_404(client) -> None:
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    assert "Không tìm thấy" in text(response) and '<html lang="vi">' in text(response)


def test_wrong_method_is_a_vietnamese_405(client) -> None:
    response = client.get("/logout")
    assert response.status_code == 405 and "Thao tác không được hỗ trợ" in text(response)


def test_too_large_upload_is_a_vietnamese_413(db_engine, people) -> None:
    app = make_app(db_engine, MAX_CONTENT_LENGTH=1000)
    response = app.test_client().post("/login", data={"username": "x" * 5000, "password": "y"})
    assert response.status_code == 413 and "vượt quá dung lượng" in text(response)


def _failing_app(db_engine) -> Flask:
    app = make_app(db_engine)

    def explode() -> str:
        raise RuntimeError("bí mật nội bộ")

    app.add_url_rule("/boom", "boom", explode)
    app.add_url_rule("/api/boom", "api_boom", explode)
    return app


def test_unexpected_error_is_a_500_page_without_traceback(db_engine, people) -> None:
    client = _failing_app(db_engine).test_client()
    login(client, "muong-la.staff")
    response = client.get("/boom")
    assert response.status_code == 500
    body = text(response)
    assert "Lỗi hệ thống" in body and "Traceback" not in body and "bí mật" not in body
    api = client.get("/api/boom")
    assert api.status_code == 500 and "bí mật" not in api.get_json()["error"]


def test_error_pages_work_signed_in(client) -> None:
    login(client, "muong-la.staff")
    response = client.get("/tasks/123456")
    assert response.status_code == 404 and "Không tìm thấy công việc" in text(response)
    assert "Chuyên viên Xã Mường La" in text(response)
