"""Bad values through HTTP (issue 10, item 2): an oversized draft and a NaN sent to the JSON
API are refused with a Vietnamese 400, nothing is stored, and the API keeps serving valid JSON."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from werkzeug.datastructures import MultiDict

from models import HumanTask, HumanTaskStatus
from tests.web.conftest import form_fields, set_field, task_id_of, text


def strict_json(body: str) -> Any:
    """Parse `body` as JSON proper: NaN and Infinity are not JSON."""
    def refuse(token: str) -> None:
        raise ValueError(f"not JSON: {token}")
    return json.loads(body, parse_constant=refuse)


def test_an_oversized_draft_gets_a_400_and_keeps_nothing(signed_in: Any, fresh: Any) -> None:
    client = signed_in("muong-la.staff")
    task_id = task_id_of(fresh, "muong-la", "unit_plan_adapt")
    fields = form_fields(text(client.get(f"/tasks/{task_id}")))
    for row in range(3):  # each field under Flask's 500 kB a field, 1,2 MB together
        fields = set_field(fields, f"tasks-{row}-product", "Sản phẩm " * 30_000)
    # multipart: an urlencoded body is already refused (413) by Flask beyond 500 kB in all
    response = client.post(f"/tasks/{task_id}", data=MultiDict([*fields, ("action", "draft")]),
                           content_type="multipart/form-data")
    assert response.status_code == 400  # the form again, with what is allowed said on it
    body = text(response)
    assert 'id="form-errors"' in body and 'id="task-form"' in body
    assert "Bản nháp quá lớn (1,2 MB); chỉ lưu được bản nháp tối đa 1 MB" in body
    with fresh() as session:
        assert session.get(HumanTask, task_id).draft is None


def test_nan_sent_to_the_api_is_refused_and_the_api_serves_valid_json(
    app: Flask, fresh: Any
) -> None:
    client = app.test_client()
    assert client.post("/api/login", json={"username": "muong-la.staff",
                                           "password": "demo"}).status_code == 200
    task_id = task_id_of(fresh, "muong-la", "unit_plan_adapt")
    data = strict_json(text(client.get(f"/api/tasks/{task_id}")))["data"]
    data["kpis"][0]["target_value"] = "__NAN__"
    body = json.dumps(data).replace('"__NAN__"', "NaN")  # what Python's json would accept
    response = client.post(f"/api/tasks/{task_id}/complete", data=body,
                           content_type="application/json")
    assert response.status_code == 400
    strict_json(text(response))  # the refusal itself is valid JSON
    with fresh() as session:
        task = session.get(HumanTask, task_id)
        assert task.status == HumanTaskStatus.READY and task.draft is None
    shown = strict_json(text(client.get(f"/api/tasks/{task_id}")))
    assert shown["data"]["kpis"][0]["target_value"] == 44.65
