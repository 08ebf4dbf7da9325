"""A commune adopts the plan through the HTML forms: drafted, approved, returned, accepted."""
from __future__ import annotations

from datetime import date

from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from engine.core import clock
from engine.demo.bootstrap import at
from models import InstanceStatus, ProcessInstance, UnitPlan, UnitPlanStatus
from tests.web.conftest import (
    field_value,
    flashes,
    form_fields,
    set_field,
    task_id_of,
    text,
    unit_id,
)

RESPONSIBLE = "Phòng Văn hóa - Xã hội"


def _open(client: FlaskClient, task_id: int) -> tuple[str, list[tuple[str, str]]]:
    response = client.get(f"/tasks/{task_id}")
    assert response.status_code == 200
    html = text(response)
    return html, form_fields(html)


def _complete(client: FlaskClient, task_id: int, fields: list[tuple[str, str]]) -> None:
    response = client.post(f"/tasks/{task_id}", data=MultiDict(fields + [("action", "complete")]))
    assert response.status_code == 302, text(response)[:3000]
    assert response.headers["Location"] == "/"
    assert any(m.startswith("Đã hoàn thành: ") for m in flashes(client))


def _kpi_index(fields: list[tuple[str, str]], code: str) -> int:
    for name, value in fields:
        if name.startswith("kpis-") and name.endswith("-code") and value == code:
            return int(name.split("-")[1])
    raise AssertionError(f"KPI {code} not on the form")


def _staff_drafts(client: FlaskClient, fresh) -> None:
    task_id = task_id_of(fresh, "muong-la", "unit_plan_adapt")
    html, fields = _open(client, task_id)
    assert "Tỷ lệ phủ sóng 5G trên địa bàn" in html and "44,65%" in html
    for name, _ in list(fields):
        if name.endswith("-responsible"):
            fields = set_field(fields, name, RESPONSIBLE)
    vneid = _kpi_index(fields, "III.14")
    fields = set_field(fields, f"kpis-{vneid}-target_value", "85")
    fields = set_field(fields, "kpis-0-selected", "false")
    _complete(client, task_id, fields)


def _leader_decides(client: FlaskClient, fresh, plan_number: str) -> None:
    task_id = task_id_of(fresh, "muong-la", "unit_plan_approve")
    html, fields = _open(client, task_id)
    assert "Kế hoạch của đơn vị" in html and RESPONSIBLE in html
    fields += [("decision", "approve")]
    fields = set_field(fields, "plan_number", plan_number)
    fields = set_field(fields, "plan_date", "07/01/2026")
    _complete(client, task_id, fields)


def _dost_reviews(client: FlaskClient, fresh, decision: str, comments: str = "") -> None:
    inbox = text(client.get("/"))
    assert "Xã Mường La" in inbox and "Sở KHCN tiếp nhận kế hoạch" in inbox
    task_id = task_id_of(fresh, "muong-la", "unit_plan_review")
    _, fields = _open(client, task_id)
    _complete(client, task_id, fields + [("decision", decision), ("comments", comments)])


def _record(fresh) -> UnitPlan:
    with fresh() as session:
        return session.scalars(select(UnitPlan).where(
            UnitPlan.unit_id == unit_id(session, "muong-la"))).one()


def test_commune_adopts_the_plan_through_the_forms(signed_in, fresh) -> None:
    clock.set_now(at(date(2026, 1, 7), 9))
    staff, leader, dost = (signed_in(u) for u in ("muong-la.staff", "muong-la.leader",
                                                 "skhcn.staff"))
    _staff_drafts(staff, fresh)
    record = _record(fresh)
    assert record.status == UnitPlanStatus.DRAFT
    vneid = next(k for k in record.kpis if k["code"] == "III.14")
    assert vneid["target_value"] == 85 and record.kpis[0]["selected"] is False
    assert all(t["responsible"] == RESPONSIBLE for t in record.tasks)

    _leader_decides(leader, fresh, "12/KH-UBND")
    record = _record(fresh)
    assert record.status == UnitPlanStatus.APPROVED and record.plan_date == date(2026, 1, 7)

    clock.set_now(at(date(2026, 1, 8), 10))
    _dost_reviews(dost, fresh, "return", "Bổ sung nhiệm vụ triển khai Đề án 06")
    assert _record(fresh).status == UnitPlanStatus.RETURNED

    task_id = task_id_of(fresh, "muong-la", "unit_plan_adapt")
    html, fields = _open(staff, task_id)
    assert "Bổ sung nhiệm vụ triển khai Đề án 06" in html
    assert "Chuyên viên Sở Khoa học và Công nghệ" in html and "08/01/2026 10:00" in html
    assert field_value(fields, "tasks-0-responsible") == RESPONSIBLE
    new = len([n for n, _ in fields if n.endswith("-code") and n.startswith("tasks-")])
    fields += [(f"tasks-{new}-code", "BS1"), (f"tasks-{new}-added", "true"),
               (f"tasks-{new}-kept", "true"), (f"tasks-{new}-name", "Triển khai Đề án 06"),
               (f"tasks-{new}-responsible", "Công an xã")]
    _complete(staff, task_id, fields)

    _leader_decides(leader, fresh, "12/KH-UBND")
    _dost_reviews(dost, fresh, "accept")
    record = _record(fresh)
    assert record.status == UnitPlanStatus.ACCEPTED and record.late is False
    assert record.tasks[-1]["name"] == "Triển khai Đề án 06" and record.tasks[-1]["added"] is True
    with fresh() as session:
        instance = session.scalars(select(ProcessInstance).where(
            ProcessInstance.process_key == "unit_plan",
            ProcessInstance.unit_id == unit_id(session, "muong-la"))).one()
        assert instance.status == InstanceStatus.COMPLETED
