"""Extension requests (gia hạn) through the web: a unit asks on its page, Sở KHCN approves or
refuses on /extensions; flash messages, field errors, access and database effects."""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import clock
from engine.demo.bootstrap import at
from models import (
    AuditEvent,
    ExtensionRequest,
    ExtensionStatus,
    HumanTask,
    HumanTaskStatus,
    ProcessInstance,
    UnitPlan,
)
from tests.web.conftest import flashes, text, unit_id

Fresh = Callable[[], Session]
SignedIn = Callable[[str], FlaskClient]


def adoption_of(fresh: Fresh, unit_code: str) -> ProcessInstance:
    """Return a unit's unit_plan instance, read in a new session."""
    with fresh() as session:
        return session.scalars(select(ProcessInstance).where(
            ProcessInstance.unit_id == unit_id(session, unit_code),
            ProcessInstance.process_key == "unit_plan")).one()


def ask(client: FlaskClient, unit_code: str, instance_id: int | str, due: str = "15/01/2026",
        reason: str = "Chờ ý kiến của Đảng ủy xã về danh mục nhiệm vụ"):  # type: ignore[no-untyped-def]
    """Post the extension form of a unit page."""
    return client.post(f"/units/{unit_code}/extensions", data={
        "instance_id": str(instance_id), "requested_due": due, "reason": reason})


def requests_of(fresh: Fresh) -> list[ExtensionRequest]:
    """Return every extension request, oldest first."""
    with fresh() as session:
        return list(session.scalars(select(ExtensionRequest).order_by(ExtensionRequest.id)))


def test_the_unit_page_offers_the_form_to_its_staff_and_leader(signed_in: SignedIn,
                                                               fresh: Fresh) -> None:
    instance = adoption_of(fresh, "muong-la")
    html = text(signed_in("muong-la.staff").get("/units/muong-la"))
    assert 'id="extension-form"' in html
    assert f'<option value="{instance.id}"' in html
    assert "Kế hoạch của đơn vị (hạn 10/01/2026)" in html
    assert 'id="extension-form"' in text(signed_in("muong-la.leader").get("/units/muong-la"))
    assert 'id="extension-form"' not in text(signed_in("skhcn.staff").get("/units/muong-la"))


def test_a_unit_requests_and_sở_khcn_approves(signed_in: SignedIn, fresh: Fresh) -> None:
    clock.set_now(at(date(2026, 1, 8), 9))
    staff, dost = signed_in("muong-la.staff"), signed_in("skhcn.staff")
    instance = adoption_of(fresh, "muong-la")
    response = ask(staff, "muong-la", instance.id)
    assert response.status_code == 302
    assert response.headers["Location"] == "/units/muong-la#extensions"
    assert flashes(staff) == ["Đã gửi đề nghị gia hạn đến 15/01/2026; "
                              "Sở KHCN sẽ xem xét và trả lời."]
    [row] = requests_of(fresh)
    assert row.status == ExtensionStatus.PENDING and row.requested_due == date(2026, 1, 15)
    assert 'id="extension-form"' not in text(staff.get("/units/muong-la"))  # nothing left to ask

    listing = text(dost.get("/extensions"))
    assert "Xã Mường La" in listing and "15/01/2026" in listing
    assert "Chờ ý kiến của Đảng ủy xã" in listing and "Chuyên viên Xã Mường La" in listing
    response = dost.post(f"/extensions/{row.id}", data={"decision": "approve", "comment": ""})
    assert response.status_code == 302 and response.headers["Location"] == "/extensions"
    assert flashes(dost) == ["Đã chấp thuận gia hạn đến 15/01/2026."]
    [row] = requests_of(fresh)
    assert row.status == ExtensionStatus.APPROVED and row.decided_by_id is not None
    assert adoption_of(fresh, "muong-la").due_date == date(2026, 1, 15)
    with fresh() as session:
        record = session.scalars(select(UnitPlan).where(
            UnitPlan.unit_id == unit_id(session, "muong-la"))).one()
        assert record.due_date == date(2026, 1, 15)
        task = session.scalars(select(HumanTask).where(
            HumanTask.instance_id == instance.id, HumanTask.status == HumanTaskStatus.READY)).one()
        assert task.due_date == date(2026, 1, 15)
        actions = session.scalars(select(AuditEvent.action).where(
            AuditEvent.instance_id == instance.id, AuditEvent.action.like("extension.%"))).all()
        assert actions == ["extension.requested", "extension.approved"]
    page = text(staff.get("/units/muong-la"))
    assert "Đã chấp thuận" in page
    assert "Không có đề nghị gia hạn nào đang chờ xử lý." in text(dost.get("/extensions"))
    history = text(staff.get(f"/instances/{instance.id}"))
    assert "Đề nghị gia hạn" in history and "Gia hạn: Sở KHCN chấp thuận" in history


def test_refusing_needs_a_reason(signed_in: SignedIn, fresh: Fresh) -> None:
    leader, dost = signed_in("muong-la.leader"), signed_in("skhcn.leader")
    ask(leader, "muong-la", adoption_of(fresh, "muong-la").id)
    [row] = requests_of(fresh)
    response = dost.post(f"/extensions/{row.id}", data={"decision": "refuse", "comment": " "})
    assert response.status_code == 302 and flashes(dost) == ["Cần nêu lý do từ chối"]
    assert requests_of(fresh)[0].status == ExtensionStatus.PENDING
    dost.get("/extensions")  # read the flash
    dost.post(f"/extensions/{row.id}", data={"decision": "refuse",
                                             "comment": "Hạn đã được UBND tỉnh ấn định"})
    assert flashes(dost) == ["Đã từ chối đề nghị gia hạn."]
    [row] = requests_of(fresh)
    assert row.status == ExtensionStatus.REFUSED
    assert row.decision_comment == "Hạn đã được UBND tỉnh ấn định"
    assert adoption_of(fresh, "muong-la").due_date == date(2026, 1, 10)
    dost.get("/extensions")
    dost.post(f"/extensions/{row.id}", data={"decision": "approve"})
    assert flashes(dost) == ["Đề nghị này đã được xử lý"]
    assert "Hạn đã được UBND tỉnh ấn định" in text(leader.get("/units/muong-la"))


def test_field_errors_are_shown_next_to_the_fields(signed_in: SignedIn, fresh: Fresh) -> None:
    staff = signed_in("muong-la.staff")
    instance = adoption_of(fresh, "muong-la").id
    response = ask(staff, "muong-la", instance, due="31/02/2026", reason="  ")
    assert response.status_code == 400
    html = text(response)
    assert "Nhập hạn mới theo dạng dd/mm/yyyy" in html and "Cần nêu lý do đề nghị gia hạn" in html
    response = ask(staff, "muong-la", instance, due="09/01/2026")
    assert response.status_code == 400
    assert "Hạn mới phải sau hạn hiện tại 10/01/2026" in text(response)
    assert 'value="09/01/2026"' in text(response)  # what was typed stays in the form
    other = adoption_of(fresh, "to-hieu").id
    assert "Chọn công việc cần gia hạn" in text(ask(staff, "muong-la", other))
    assert requests_of(fresh) == []


def test_a_second_request_waits_for_the_first(signed_in: SignedIn, fresh: Fresh) -> None:
    staff = signed_in("muong-la.staff")
    instance = adoption_of(fresh, "muong-la").id
    ask(staff, "muong-la", instance)
    staff.get("/units/muong-la")
    response = ask(staff, "muong-la", instance, due="20/01/2026")
    assert response.status_code == 302
    assert flashes(staff) == ["Đơn vị đã có một đề nghị gia hạn đang chờ xử lý"]
    assert len(requests_of(fresh)) == 1


@pytest.mark.parametrize(("username", "status"), [
    ("to-hieu.staff", 404), ("so-tai-chinh.leader", 404), ("skhcn.staff", 403),
    ("admin", 403), ("ubnd.leader", 403)])
def test_only_the_units_own_people_may_ask(signed_in: SignedIn, fresh: Fresh, username: str,
                                           status: int) -> None:
    response = ask(signed_in(username), "muong-la", adoption_of(fresh, "muong-la").id)
    assert response.status_code == status
    assert requests_of(fresh) == []


@pytest.mark.parametrize(("username", "status"), [
    ("skhcn.staff", 200), ("skhcn.leader", 200), ("ubnd.leader", 404), ("admin", 404),
    ("inspector", 404), ("muong-la.staff", 404), ("muong-la.leader", 404)])
def test_only_sở_khcn_decides(signed_in: SignedIn, fresh: Fresh, username: str,
                              status: int) -> None:
    ask(signed_in("muong-la.staff"), "muong-la", adoption_of(fresh, "muong-la").id)
    [row] = requests_of(fresh)
    user = signed_in(username)
    assert user.get("/extensions").status_code == status
    response = user.post(f"/extensions/{row.id}", data={"decision": "approve"})
    assert response.status_code == (302 if status == 200 else 404)
    expected = ExtensionStatus.APPROVED if status == 200 else ExtensionStatus.PENDING
    assert requests_of(fresh)[0].status == expected


def test_unknown_request_is_404(signed_in: SignedIn) -> None:
    assert signed_in("skhcn.staff").post("/extensions/999", data={
        "decision": "approve"}).status_code == 404


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match
    return match.group(1)


def test_forms_need_the_csrf_token(csrf_app: Flask, fresh: Fresh) -> None:
    client = csrf_app.test_client()
    client.post("/login", data={"username": "muong-la.staff", "password": "demo",
                                "csrf_token": _token(text(client.get("/login")))})
    instance = adoption_of(fresh, "muong-la").id
    response = ask(client, "muong-la", instance)
    assert response.status_code == 400 and "mã bảo mật" in text(response)
    html = text(client.get("/units/muong-la"))
    form = html[html.index('id="extension-form"'):]
    response = client.post("/units/muong-la/extensions", data={
        "instance_id": str(instance), "requested_due": "15/01/2026", "reason": "Lý do",
        "csrf_token": _token(form)})
    assert response.status_code == 302 and len(requests_of(fresh)) == 1
