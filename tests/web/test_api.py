"""The JSON API of DESIGN §7: login, units, tasks, one task, completion and its errors."""
from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from models import HumanTask, HumanTaskStatus, UnitPlan
from tests.web.conftest import task_id_of, unit_id


def api_login(client: FlaskClient, username: str, password: str = "demo"):
    """Sign in through the API."""
    return client.post("/api/login", json={"username": username, "password": password})


def test_login_answers_who_i_am_and_sets_the_cookie(client) -> None:
    response = api_login(client, "muong-la.staff")
    assert response.status_code == 200
    assert response.get_json() == {"username": "muong-la.staff",
                                   "full_name": "Chuyên viên Xã Mường La",
                                   "unit": "Xã Mường La", "roles": ["unit_staff"]}
    assert "session=" in response.headers["Set-Cookie"]
    assert client.get("/api/tasks").status_code == 200


def test_login_errors_are_json(client) -> None:
    wrong = api_login(client, "muong-la.staff", "sai")
    assert wrong.status_code == 401
    assert wrong.get_json() == {"error": "Tên đăng nhập hoặc mật khẩu không đúng"}
    missing = client.post("/api/login", json={"username": "x"})
    assert missing.status_code == 400 and "error" in missing.get_json()
    form = client.post("/api/login", data={"username": "muong-la.staff", "password": "demo"})
    assert form.status_code == 415 and "JSON" in form.get_json()["error"]


def test_anonymous_calls_get_401_json(client) -> None:
    for path in ("/api/units", "/api/tasks", "/api/tasks/1"):
        response = client.get(path)
        assert response.status_code == 401
        assert response.get_json() == {"error": "Cần đăng nhập để sử dụng chức năng này"}


def test_logout_ends_the_api_session(client) -> None:
    api_login(client, "skhcn.staff")
    assert client.post("/api/logout", json={}).get_json() == {"ok": True}
    assert client.get("/api/tasks").status_code == 401


def test_units_lists_every_active_unit(client) -> None:
    api_login(client, "skhcn.staff")
    units = client.get("/api/units").get_json()
    kinds = [u["kind"] for u in units]
    assert (kinds.count("province"), kinds.count("department"), kinds.count("commune")) == \
        (1, 15, 75)
    assert {"code": "muong-la", "name": "Xã Mường La", "kind": "commune"} in units
    assert set(units[0]) == {"code", "name", "kind"}


def test_tasks_lists_my_open_tasks(client, fresh) -> None:
    api_login(client, "muong-la.staff")
    response = client.get("/api/tasks")
    assert response.headers["X-Total-Count"] == "1"
    assert response.get_json() == [{
        "id": task_id_of(fresh, "muong-la", "unit_plan_adapt"),
        "title": "Xây dựng kế hoạch của đơn vị", "process": "unit_plan", "unit": "muong-la",
        "role": "unit_staff", "due": "2026-01-10", "form": "unit_plan_adapt"}]


def test_task_gives_schema_and_prefilled_data(client, fresh) -> None:
    api_login(client, "muong-la.staff")
    task_id = task_id_of(fresh, "muong-la", "unit_plan_adapt")
    body = client.get(f"/api/tasks/{task_id}").get_json()
    assert body["id"] == task_id and body["form"]["title"].startswith("Xây dựng kế hoạch")
    assert body["form"]["properties"]["kpis"]["type"] == "array"
    assert len(body["data"]["kpis"]) == 29 and len(body["data"]["tasks"]) == 24
    assert client.get("/api/tasks/999999").status_code == 404


def _filled(client: FlaskClient, task_id: int) -> dict:  # type: ignore[type-arg]
    data = client.get(f"/api/tasks/{task_id}").get_json()["data"]
    for item in data["tasks"]:
        item["responsible"] = "Phòng Văn hóa - Xã hội"
    return data


def test_complete_with_bad_number_gives_field_errors_then_conflict_on_repeat(
        client, fresh) -> None:
    api_login(client, "muong-la.staff")
    task_id = task_id_of(fresh, "muong-la", "unit_plan_adapt")
    data = _filled(client, task_id)
    data["kpis"][0]["target_value"] = "nhiều"
    data["kpis"][1]["target_value"] = 101
    bad = client.post(f"/api/tasks/{task_id}/complete", json=data)
    assert bad.status_code == 400
    assert bad.get_json() == {"error": "Dữ liệu nhập chưa hợp lệ", "fields": {
        "kpis.0.target_value": "Phải là một số",
        "kpis.1.target_value": "Giá trị phải nhỏ hơn hoặc bằng 100"}}
    data["kpis"][0]["target_value"] = "85,5"  # strings are read like the HTML form's
    data["kpis"][1]["target_value"] = 90
    done = client.post(f"/api/tasks/{task_id}/complete", json=data)
    assert done.status_code == 200
    assert done.get_json()["status"] == "completed" and done.get_json()["id"] == task_id
    with fresh() as session:
        assert session.get(HumanTask, task_id).status == HumanTaskStatus.COMPLETED
        record = session.scalars(select(UnitPlan).where(
            UnitPlan.unit_id == unit_id(session, "muong-la"))).one()
        assert record.kpis[0]["target_value"] == 85.5
    again = client.post(f"/api/tasks/{task_id}/complete", json=data)
    assert again.status_code == 409
    assert again.get_json() == {"error": "Công việc này đã được xử lý hoặc không còn hiệu lực"}


def test_complete_refuses_non_objects_and_other_roles(client, fresh) -> None:
    api_login(client, "muong-la.staff")
    task_id = task_id_of(fresh, "muong-la", "unit_plan_adapt")
    assert client.post(f"/api/tasks/{task_id}/complete", json=[1, 2]).status_code == 400
    assert client.post(f"/api/tasks/{task_id}/complete", data="x").status_code == 415
    client.post("/api/logout", json={})
    api_login(client, "muong-la.leader")
    refused = client.post(f"/api/tasks/{task_id}/complete", json={})
    assert refused.status_code == 403
    assert refused.get_json() == {"error": "Bạn không có vai trò thực hiện bước này"}


def test_api_errors_for_unknown_paths_and_methods_are_json(client) -> None:
    api_login(client, "muong-la.staff")
    missing = client.get("/api/khong-co")
    assert missing.status_code == 404 and "error" in missing.get_json()
    wrong = client.delete("/api/tasks")
    assert wrong.status_code == 405 and "error" in wrong.get_json()
