"""A fresh installation in the browser's requests: no administrator → the page says how to
create one; the administrator imports units and accounts from Excel with a preview."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from engine.admin import first_run
from models import Unit, User
from tests.engine.test_unit_import import people_rows, province_rows, workbook
from tests.web.conftest import _dispose, flashes, make_app, text


@pytest.fixture
def empty_app(db_engine: Engine) -> Iterator[Flask]:
    application = make_app(db_engine)
    yield application
    _dispose(application)


def units_in(session: Session) -> int:
    return int(session.scalar(select(func.count(Unit.id))) or 0)


def sign_in_admin(app: Flask, session: Session) -> FlaskClient:
    first_run.create_admin(session, "quantri", "mat-khau-dai")
    session.commit()
    client = app.test_client()
    response = client.post("/login", data={"username": "quantri", "password": "mat-khau-dai"})
    assert response.status_code == 302
    return client


def upload(client: FlaskClient, data: bytes, name: str = "don-vi.xlsx") -> Any:
    return client.post(
        "/admin/units/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_without_an_administrator_the_login_page_says_how_to_create_one(
    empty_app: Flask, session: Session
) -> None:
    response = empty_app.test_client().get("/login")
    assert response.status_code == 503
    assert "plancascade create-admin" in text(response)
    first_run.create_admin(session, "quantri", "mat-khau-dai")
    session.commit()
    assert empty_app.test_client().get("/login").status_code == 200


def test_units_and_accounts_are_imported_after_a_preview(
    empty_app: Flask, session: Session
) -> None:
    client = sign_in_admin(empty_app, session)
    assert "Tải tệp mẫu" in text(client.get("/admin/units/import"))
    template = client.get("/admin/units/import/template.xlsx")
    assert template.status_code == 200 and template.data[:2] == b"PK"

    preview = upload(client, workbook(province_rows(), people_rows()))
    page = text(preview)
    assert preview.status_code == 200 and "thêm <strong>92</strong> đơn vị" in page
    assert units_in(session) == 1  # only the administrators' unit: the preview wrote nothing
    token = page.split('name="token" value="')[1].split('"')[0]

    done = client.post("/admin/units/import/confirm", data={"token": token})
    assert done.status_code == 302
    assert flashes(client)[0].startswith(
        "Đã nhập: 92 đơn vị mới, 0 đơn vị cập nhật, 3 tài khoản mới"
    )
    session.expire_all()
    assert units_in(session) == 93
    assert session.scalars(select(User).where(User.username == "skhcn.leader")).one()
    users_page = text(client.get("/admin/users?q=skhcn.leader"))
    assert "Chưa đặt mật khẩu" in users_page
    again = client.post("/admin/units/import/confirm", data={"token": token})
    assert again.status_code == 404 and "tải lên lại" in text(again)


def test_a_broken_workbook_is_refused_with_its_errors_and_nothing_changes(
    empty_app: Flask, session: Session
) -> None:
    client = sign_in_admin(empty_app, session)
    rows = province_rows(2, 2)
    rows[2][2] = "huyện"
    refused = upload(client, workbook(rows))
    assert refused.status_code == 400
    assert "Trang &#39;Đơn vị&#39;, dòng 4, cột C (Loại): Loại không hợp lệ" in text(refused)
    not_excel = upload(client, b"just text", "don-vi.xlsx")
    assert not_excel.status_code == 400 and "không phải là bảng tính Excel" in text(not_excel)
    wrong_name = upload(client, workbook(rows), "don-vi.csv")
    assert wrong_name.status_code == 400 and "Chỉ nhận bảng tính Excel (.xlsx)" in text(wrong_name)
    forged = client.post("/admin/units/import/confirm", data={"token": "../../etc/passwd"})
    assert forged.status_code == 404
    assert units_in(session) == 1


def test_only_administrators_reach_the_import(app: Flask, signed_in: Any) -> None:
    assert signed_in("skhcn.staff").get("/admin/units/import").status_code == 404


def test_random_uploads_are_refused_never_a_server_error(
    empty_app: Flask, session: Session
) -> None:
    import base64
    import random

    client = sign_in_admin(empty_app, session)
    rng = random.Random(2027)
    for _ in range(25):
        data = rng.randbytes(rng.randint(0, 3000))
        if rng.random() < 0.3:
            data = b"PK\x03\x04" + data
        assert upload(client, data).status_code == 400
        api = client.post(
            "/api/units/import", json={"file": base64.b64encode(data).decode(), "dry_run": True}
        )
        assert api.status_code == 400 and api.get_json()["problems"]
    bodies: list[Any] = [[], {"file": 5}, {"file": None}, {"file": "=="}, "x"]
    for body in bodies:
        assert client.post("/api/units/import", json=body).status_code == 400
    lone_surrogate = client.post(
        "/api/units/import", data='{"file": "\\ud800"}', content_type="application/json"
    )
    assert lone_surrogate.status_code == 400
    assert units_in(session) == 1
