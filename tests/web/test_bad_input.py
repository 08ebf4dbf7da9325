"""Bad input is a 4xx with a Vietnamese message, never a 500: one regression test per cause
the fuzzing of issue 10 found (ids out of a column's range, Unicode digits, 5,000-digit
numbers, deep JSON, NaN, NUL, lone surrogates, CR/LF in `next`, a list for a string, BPMN in
ISO-8859-1 or UTF-16, the modeler's own size limit)."""

from __future__ import annotations

import io
import json
import re

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from engine import cli
from engine.core.paths import BPMN_DIR
from models import HumanTask, ProcessDefinition, ProcessInstance
from tests.web.conftest import flashes, text
from web.auth.identity import safe_next
from web.json_body import MAX_DEPTH
from web.params import MAX_ID, clamp_int, parse_id

UNIT_PLAN = (BPMN_DIR / "unit_plan.bpmn").read_bytes()
INVALID = "Dữ liệu chứa ký tự không hợp lệ"


@pytest.fixture
def staff(signed_in):  # type: ignore[no-untyped-def]
    return signed_in("muong-la.staff")


@pytest.fixture
def admin(signed_in):  # type: ignore[no-untyped-def]
    return signed_in("admin")


@pytest.fixture
def task_id(staff) -> int:  # type: ignore[no-untyped-def]
    return int(staff.get("/api/tasks").get_json()[0]["id"])


# --- ids and numbers ----------------------------------------------------------------------


def test_every_route_reads_ids_with_the_range_checked_converter(app: Flask) -> None:
    plain = [r.rule for r in app.url_map.iter_rules()
             if any(isinstance(c, IntegerConverter) for c in r._converters.values())]
    assert plain == []


@pytest.mark.parametrize("text_, expected", [
    ("1", 1), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), None), ("0", None), ("-1", None),
    ("²", None), ("١٢", None), ("9" * 5000, None), ("12 ", None), ("", None), (None, None),
])
def test_an_id_is_ascii_digits_within_an_integer_column(text_, expected) -> None:
    assert parse_id(text_) == expected


def test_pages_and_offsets_clamp_without_converting_huge_numbers() -> None:
    assert clamp_int("9" * 5000, 1, 1, 100) == 100
    assert clamp_int("-" + "9" * 5000, 1, 1, 100) == 1
    assert clamp_int("²", 7, 1, 100) == 7
    assert clamp_int(" 42 ", 7, 1, 100) == 42


@pytest.mark.parametrize("path", [
    "/tasks/9223372036854775808", "/tasks/2147483648", "/tasks/²", "/tasks/" + "9" * 5000,
    "/instances/2147483648", "/api/tasks/9223372036854775808",
])
def test_ids_beyond_the_column_range_in_paths_are_not_found(staff, path) -> None:
    response = staff.get(path)
    assert response.status_code == 404
    if path.startswith("/api/"):
        assert response.get_json()["error"]


def test_huge_offsets_and_limits_in_the_api_are_clamped(staff) -> None:
    assert staff.get("/api/tasks?offset=99999999999999999999").get_json() == []
    response = staff.get("/api/tasks?limit=" + "9" * 5000)
    assert response.status_code == 200 and len(response.get_json()) == 1


@pytest.mark.parametrize("query", ["plan=²", "plan=99999999999999999999", "plan=" + "9" * 5000])
def test_a_bad_plan_id_in_the_query_is_a_400_naming_it(signed_in, query) -> None:
    response = signed_in("skhcn.staff").get(f"/api/status?{query}")
    assert response.status_code == 400
    assert "“plan”" in response.get_json()["error"]
    page = signed_in("skhcn.staff").get(f"/supervision?{query}")
    assert page.status_code == 400 and "“plan”" in text(page)


def test_huge_pages_show_the_last_page(signed_in) -> None:
    assert signed_in("skhcn.staff").get("/supervision?page=" + "9" * 5000).status_code == 200
    assert signed_in("skhcn.staff").get("/?page=99999999999999999999").status_code == 200


def test_ids_out_of_range_in_admin_queries_and_forms(admin) -> None:
    assert admin.get("/admin/users?unit=99999999999999999999").status_code == 400
    assert admin.get("/admin/migration?mode=one&instance=²").status_code == 200
    response = admin.post("/admin/units/new", data={
        "code": "xa-moi", "name": "Xã Mới", "kind": "commune", "parent_id": "99999999999"})
    assert response.status_code == 400 and "Lựa chọn không hợp lệ" in text(response)


def test_an_out_of_range_plan_to_copy_is_refused(signed_in) -> None:
    response = signed_in("skhcn.staff").post("/plans/copy", data={"source": "2147483648"})
    assert response.status_code == 400 and "Vui lòng chọn kế hoạch" in text(response)


def test_an_out_of_range_instance_in_an_extension_request(staff) -> None:
    response = staff.post("/units/muong-la/extensions", data={
        "instance_id": "9223372036854775808", "requested_due": "20/01/2026", "reason": "Bận"})
    assert response.status_code == 400


# --- JSON bodies ---------------------------------------------------------------------------


def post_raw(client, path: str, body: bytes | str):  # type: ignore[no-untyped-def]
    return client.post(path, data=body, content_type="application/json")


@pytest.mark.parametrize("body, message", [
    ("[" * 5000 + "]" * 5000, "lồng nhau quá sâu"),
    ('{"a":' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1), "lồng nhau quá sâu"),
    ('{"username": NaN, "password": "x"}', "NaN"),
    ('{"username": "a", "password": -Infinity}', "NaN"),
    ('{"username": "a", "password": 1e999}', "NaN"),
    ('{"username": "a", "password": ' + "9" * 5000 + "}", "NaN"),
    ('{"username": "a\\u0000", "password": "x"}', INVALID),
    ('{"username": "a\\ud800", "password": "x"}', INVALID),
    ('{"a\\udfff": 1}', INVALID),
    (b'{"username": "\xff\xfe\xfd", "password": "x"}', "không phải JSON"),
    ('{"username": ', "không phải JSON"),
])
def test_api_login_refuses_unreadable_json_before_anything(client, body, message) -> None:
    response = post_raw(client, "/api/login", body)
    assert response.status_code == 400
    assert message in response.get_json()["error"]


def test_api_login_body_has_a_small_limit(client) -> None:
    response = post_raw(client, "/api/login", json.dumps({"username": "a" * 20000}))
    assert response.status_code == 413 and "quá lớn" in response.get_json()["error"]


def test_a_list_for_a_string_in_a_task_form_names_the_field(staff, task_id) -> None:
    data = staff.get(f"/api/tasks/{task_id}").get_json()["data"]
    response = staff.post(f"/api/tasks/{task_id}/complete", json={**data, "notes": ["a", "b"]})
    assert response.status_code == 400
    assert "notes" in response.get_json()["fields"]


def test_nan_in_a_task_completion_is_refused_by_the_reader(staff, task_id) -> None:
    response = post_raw(staff, f"/api/tasks/{task_id}/complete", '{"notes": NaN}')
    assert response.status_code == 400 and "NaN" in response.get_json()["error"]


def test_a_json_request_to_a_page_route_is_answered_in_json(admin) -> None:
    response = post_raw(admin, "/admin/processes/unit_plan/validate", '{"xml": "\\ud800"}')
    assert response.status_code == 400 and response.is_json
    assert INVALID in response.get_json()["error"]


@pytest.mark.parametrize("body", ['"text"', '{"username": 5, "password": ["x"]}', "[" * 3000])
def test_a_form_route_refuses_a_json_body_instead_of_reading_it_as_a_form(client, body) -> None:
    response = post_raw(client, "/login", body)
    assert response.status_code == 415 and "không nhận JSON" in response.get_json()["error"]


def test_the_modeler_enforces_its_own_limit_with_csrf_on(csrf_app: Flask) -> None:
    client = csrf_app.test_client()
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"',
                      text(client.get("/login"))).group(1)  # type: ignore[union-attr]
    client.post("/login", data={"username": "admin", "password": "demo", "csrf_token": token})
    page = text(client.get("/admin/processes/unit_plan/modeler"))
    csrf = re.search(r'"csrfToken": "([^"]+)"', page).group(1)  # type: ignore[union-attr]
    body = json.dumps({"xml": "x" * (7 * 1024 * 1024)})
    response = client.post("/admin/processes/unit_plan/draft", data=body,
                           content_type="application/json", headers={"X-CSRFToken": csrf})
    assert response.status_code == 413
    assert "quá lớn" in response.get_json()["error"]


# --- strings: NUL, CR/LF in next -----------------------------------------------------------


def test_nul_in_a_form_is_refused_and_nothing_is_saved(staff, task_id, fresh) -> None:
    response = staff.post(f"/tasks/{task_id}", data={"action": "draft", "notes": "a\x00b"})
    assert response.status_code == 400 and INVALID in text(response)
    with fresh() as session:
        assert (session.get(HumanTask, task_id).draft or {}).get("notes") is None


@pytest.mark.parametrize("path", ["/units/%00", "/?q=%00", "/api/tasks?x=%00"])
def test_nul_in_a_path_or_query_is_refused(staff, path) -> None:
    response = staff.get(path)
    assert response.status_code == 400 and INVALID in text(response)


@pytest.mark.parametrize("target", [
    "/\r\nSet-Cookie: x=1", "/a\nb", "/\tx", "//evil.example", "/\\evil.example",
    "https://evil.example/", "javascript:alert(1)", "", None,
])
def test_safe_next_refuses_anything_but_a_plain_path(target) -> None:
    assert safe_next(target) is None


def test_safe_next_keeps_a_path_with_its_query() -> None:
    assert safe_next("/tasks/12?tab=kpis") == "/tasks/12?tab=kpis"


def test_crlf_in_next_never_reaches_a_header_after_a_claim(staff, task_id, fresh) -> None:
    response = staff.post(f"/tasks/{task_id}/claim", data={"next": "/\r\nSet-Cookie: x=1"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    with fresh() as session:
        assert session.get(HumanTask, task_id).claimed_by_id is not None


def test_crlf_in_next_after_an_instance_operation(admin, fresh) -> None:
    with fresh() as session:
        instance_id = session.scalars(select(ProcessInstance.id).limit(1)).one()
    response = admin.post(f"/admin/instances/{instance_id}/suspend",
                          data={"next": "/x\r\nLocation: //evil", "reason": "Kiểm tra"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/instances/{instance_id}"


# --- BPMN in other encodings ---------------------------------------------------------------


def reencoded(encoding: str, declared: str) -> bytes:
    """unit_plan.bpmn with a comment in Latin-1 letters, in `encoding` declaring `declared`."""
    source = UNIT_PLAN.decode("utf-8").replace(
        '<?xml version="1.0" encoding="UTF-8"?>', f'<?xml version="1.0" encoding="{declared}"?>'
    ).replace("<bpmn:process ", "<!-- Café, naïve --><bpmn:process ", 1)
    return source.encode(encoding, errors="xmlcharrefreplace")


@pytest.mark.parametrize("encoding, declared", [
    ("iso-8859-1", "ISO-8859-1"), ("utf-16", "UTF-16"), ("utf-16-le", "UTF-16"),
])
def test_bpmn_in_another_encoding_deploys_as_the_cli_validates_it(
        admin, fresh, tmp_path, capsys, encoding, declared) -> None:
    data = reencoded(encoding, declared)
    path = tmp_path / "unit_plan.bpmn"
    path.write_bytes(data)
    assert cli.main(["validate", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True
    response = admin.post("/admin/processes/upload", content_type="multipart/form-data", data={
        "file": (io.BytesIO(data), "unit_plan.bpmn"), "comment": "Bảng mã khác"})
    assert response.status_code == 302, flashes(admin)
    with fresh() as session:
        stored = session.scalars(select(ProcessDefinition.bpmn_xml).where(
            ProcessDefinition.process_key == "unit_plan").order_by(
            ProcessDefinition.version.desc())).first()
    assert stored is not None and "Café, naïve" in stored and 'encoding="UTF-8"' in stored


def test_a_utf16_doctype_is_refused_like_a_utf8_one(admin) -> None:
    data = ('<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE x [<!ENTITY e "e">]>\n'
            + UNIT_PLAN.decode("utf-8").split("\n", 1)[1]).encode("utf-16")
    response = admin.post("/admin/processes/upload", content_type="multipart/form-data", data={
        "file": (io.BytesIO(data), "unit_plan.bpmn"), "comment": "DOCTYPE"})
    assert response.status_code == 400 and "DOCTYPE" in text(response)
