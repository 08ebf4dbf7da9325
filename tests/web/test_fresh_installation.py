"""A real province's first year, without `--demo`, driven through the JSON API: the first
administrator, units and accounts from Excel, the 2027 plan from Excel (changed targets, one
more KPI), Sở KHCN's draft, its leader's issue — then every unit has its adoption task due on
2027's date, prefilled with the 2027 targets."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from engine.admin import first_run
from engine.core import clock
from engine.core.workcalendar import WorkCalendar
from engine.demo.bootstrap import at
from engine.demo.seed_data import plan_data, read_json
from engine.domain.plan_rows import KPI_FIELDS, TASK_FIELDS, TEMPLATE_FIELDS
from engine.queries.plan_export import plan_workbook
from engine.workflow import definitions
from models import Plan, PlanKpi, PlanTask, ProcessInstance, TemplateTask
from tests.web.conftest import _dispose, make_app

PASSWORD = "mat-khau-2027"
KINDS = {"province": "tỉnh", "department": "sở, ban, ngành"}


def units_workbook() -> bytes:
    """The province's 91 units (as in units.json) and the accounts of this test."""
    data = read_json("units.json")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Đơn vị"
    sheet.append(["Mã", "Tên đơn vị", "Loại", "Đơn vị cấp trên"])
    for row in [data["province"], *data["departments"], *data["communes"]]:
        kind = KINDS.get(row["kind"]) or ("phường" if row["subkind"] == "phuong" else "xã")
        sheet.append([row["code"], row["name"], kind, None])
    people = book.create_sheet("Người dùng")
    people.append(["Tên đăng nhập", "Họ và tên", "Mã đơn vị", "Vai trò", "E-mail"])
    people.append(["skhcn.staff", "Nguyễn Văn An", "so-khoa-hoc-va-cong-nghe", "dost_staff", None])
    people.append(
        ["skhcn.leader", "Trần Văn Bình", "so-khoa-hoc-va-cong-nghe", "dost_leader", None]
    )
    people.append(["muong-la.staff", "Lò Thị Cúc", "muong-la", "unit_staff", None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def plan_2027_workbook() -> bytes:
    """The shipped plan moved to 2027, with I.1's target raised and one more KPI (I.3)."""
    data = plan_data(2027, WorkCalendar())
    plan = Plan(
        year=2027,
        title=data["decision"]["plan_title"],
        adoption_due_date=date.fromisoformat(data["deadlines"]["unit_plan_due"]),
    )
    kpis = [dict(k) for k in data["kpis"]]
    kpis[0]["target_text"] = "50%"
    kpis.insert(
        2,
        {
            **kpis[1],
            "code": "I.3",
            "name": "Tỷ lệ hộ gia đình có cáp quang",
            "target_text": "≥ 90%",
        },
    )
    plan.kpis = [PlanKpi(code=k["code"], **{f: k.get(f) for f in KPI_FIELDS}) for k in kpis]
    plan.tasks = [
        PlanTask(code=t["code"], **{f: t.get(f) for f in TASK_FIELDS}) for t in data["tasks"]
    ]
    plan.template_tasks = [
        TemplateTask(code=t["code"], unit_kind=kind, **{f: t.get(f) for f in TEMPLATE_FIELDS})
        for kind, key in (("department", "department_template"), ("commune", "commune_template"))
        for t in data[key]
    ]
    return plan_workbook(plan)


@pytest.fixture
def fresh_app(db_engine: Engine, session: Session) -> Iterator[Flask]:
    definitions.deploy_builtin(session)  # what `plancascade init` does
    session.commit()
    application = make_app(db_engine)
    yield application
    _dispose(application)


def api_login(app: Flask, username: str, password: str = PASSWORD) -> FlaskClient:
    client = app.test_client()
    response = client.post("/api/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_json()
    return client


def encoded(data: bytes, **extra: Any) -> dict[str, Any]:
    return {"file": base64.b64encode(data).decode("ascii"), **extra}


def only_task(client: FlaskClient, form: str) -> dict[str, Any]:
    listed = client.get("/api/tasks").get_json()
    found = [t for t in listed if t["form"] == form]
    assert len(found) == 1, listed
    return client.get(f"/api/tasks/{found[0]['id']}").get_json()


def test_a_fresh_installation_runs_its_2027_plan(fresh_app: Flask, session: Session) -> None:
    clock.set_now(at(date(2027, 1, 5), 9))
    first_run.create_admin(session, "quantri", PASSWORD)
    session.commit()
    admin = api_login(fresh_app, "quantri")
    dry = admin.post("/api/units/import", json=encoded(units_workbook(), dry_run=True))
    assert dry.get_json() == {
        "units_created": 91,
        "units_updated": 0,
        "users_created": 3,
        "users_updated": 0,
        "applied": False,
    }
    done = admin.post("/api/units/import", json=encoded(units_workbook()))
    assert done.status_code == 200 and done.get_json()["applied"] is True
    for username in ("skhcn.staff", "skhcn.leader", "muong-la.staff"):
        first_run.set_password(session, username, PASSWORD)  # `plancascade set-password`
    session.commit()

    staff = api_login(fresh_app, "skhcn.staff")
    imported = staff.post("/api/plans/import", json=encoded(plan_2027_workbook()))
    assert imported.status_code == 200, imported.get_json()
    assert (imported.get_json()["year"], imported.get_json()["kpis"]) == (2027, 30)
    draft = only_task(staff, "province_plan_draft")
    assert draft["data"]["adoption_due_date"] == "2027-01-11"
    assert draft["data"]["report_regimes"] == ["quarterly"]
    drafted = {**draft["data"], "report_regimes": ["quarterly", "six_month"]}  # a 6-month regime
    sent = staff.post(f"/api/tasks/{draft['id']}/complete", json=drafted)
    assert sent.status_code == 200, sent.get_json()

    leader = api_login(fresh_app, "skhcn.leader")
    approve = only_task(leader, "province_plan_approve")
    issued = leader.post(
        f"/api/tasks/{approve['id']}/complete",
        json={
            "decision": "approve",
            "decision_number": "12/QĐ-UBND",
            "decision_date": "2027-01-05",  # the clock's day: not in the future
        },
    )
    assert issued.status_code == 200, issued.get_json()
    assert staff.get("/api/plans").get_json()[0]["status"] == "issued"

    unit = api_login(fresh_app, "muong-la.staff")
    adoption = only_task(unit, "unit_plan_adapt")
    assert adoption["due"] == "2027-01-11"
    targets = {k["code"]: (k["comparator"], k["target_value"]) for k in adoption["data"]["kpis"]}
    assert targets["I.1"] == (">=", 50.0) and targets["I.3"] == (">=", 90.0)
    status = staff.get("/api/status").get_json()
    assert len(status["units"]) == 90
    stages = [s["key"] for s in status["stages"]]  # in deadline order
    assert stages == ["adoption", "q1", "q2", "h1", "q3", "q4", "h2", "inspection"]
    assert set(status["units"][0]["stages"]) == set(stages)
    assert status["stages"][3] == {"key": "h1", "label": "6 tháng đầu năm", "due": "2027-06-05"}
    rounds = session.scalars(select(ProcessInstance.round_key).where(
        ProcessInstance.process_key == "reporting_round")).all()
    assert sorted(rounds) == ["h1", "h2", "q1", "q2", "q3", "q4"]


def test_the_api_refuses_bad_workbooks_and_other_roles(fresh_app: Flask, session: Session) -> None:
    first_run.create_admin(session, "quantri", PASSWORD)
    session.commit()
    admin = api_login(fresh_app, "quantri")
    broken = admin.post("/api/units/import", json=encoded(b"not a workbook"))
    assert broken.status_code == 400
    assert (
        broken.get_json()["problems"][0]["message"] == "Tệp không phải là bảng tính Excel (.xlsx)"
    )
    assert admin.post("/api/units/import", json={"file": "%%%"}).status_code == 400
    assert admin.post("/api/units/import", json={}).status_code == 400
    too_big = admin.post("/api/units/import", json={"file": "A" * (8 * 1024 * 1024)})
    assert too_big.status_code == 413
    no_province = admin.post("/api/plans/import", json=encoded(plan_2027_workbook()))
    assert no_province.status_code == 400
    admin.post("/api/units/import", json=encoded(units_workbook()))
    first_run.set_password(session, "muong-la.staff", PASSWORD)
    session.commit()
    unit = api_login(fresh_app, "muong-la.staff")
    assert unit.post("/api/plans/import", json=encoded(plan_2027_workbook())).status_code == 403
    assert unit.post("/api/units/import", json=encoded(units_workbook())).status_code == 403
    assert unit.get("/api/plans").status_code == 403
