"""Units, users, roles and substitutes through the admin pages: search and pages, validation
messages in Vietnamese, database effects and audit events; deactivation instead of deletion."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from engine.core import accounts
from models import AuditEvent, HumanTask, Substitution, Unit, User
from tests.web.conftest import flashes, login, task_id_of, text


@pytest.fixture
def admin(signed_in):  # type: ignore[no-untyped-def]
    return signed_in("admin")


def unit_by_code(fresh, code: str) -> Unit | None:  # type: ignore[no-untyped-def]
    with fresh() as session:
        return session.scalars(select(Unit).where(Unit.code == code)).first()


def user_by_name(fresh, username: str) -> User | None:  # type: ignore[no-untyped-def]
    with fresh() as session:
        user = session.scalars(select(User).where(User.username == username)).first()
        if user is not None:
            user.role_names  # noqa: B018 (load the memberships while the session is open)
        return user


def last_event(fresh, action: str) -> AuditEvent | None:  # type: ignore[no-untyped-def]
    with fresh() as session:
        return session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id.desc())
        ).first()


# --- units -------------------------------------------------------------------------------


def test_units_search_filter_and_pages(admin) -> None:
    body = text(admin.get("/admin/units?q=muong"))
    assert "Xã Mường La" in body and "Sở Tài chính" not in body
    communes = text(admin.get("/admin/units?kind=commune"))
    assert "1–30 / 75 đơn vị" in communes
    second = text(admin.get("/admin/units?kind=commune&page=2"))
    assert "31–60 / 75 đơn vị" in second


def test_create_unit_with_validation_messages(admin, fresh) -> None:
    bad = admin.post("/admin/units/new", data={"code": "Xã Mới", "name": "", "kind": "commune"})
    body = text(bad)
    assert bad.status_code == 400
    assert "Mã đơn vị chỉ gồm chữ thường không dấu" in body and "Vui lòng nhập tên đơn vị" in body
    taken = admin.post(
        "/admin/units/new", data={"code": "muong-la", "name": "X", "kind": "commune"}
    )
    assert "Mã &#39;muong-la&#39; đã được dùng cho Xã Mường La" in text(taken)
    orphan = admin.post(
        "/admin/units/new", data={"code": "phong-x", "name": "Phòng X", "kind": "internal"}
    )
    assert "Bộ phận trực thuộc phải có đơn vị cấp trên" in text(orphan)
    assert unit_by_code(fresh, "phong-x") is None
    parent = unit_by_code(fresh, "muong-la")
    ok = admin.post(
        "/admin/units/new",
        data={
            "code": "muong-la-to-tai-chinh",
            "name": "Tổ Tài chính",
            "kind": "internal",
            "parent_id": parent.id,
            "active": "y",
        },
    )
    assert ok.status_code == 302
    assert flashes(admin) == ["Đã tạo đơn vị Tổ Tài chính (muong-la-to-tai-chinh)."]
    created = unit_by_code(fresh, "muong-la-to-tai-chinh")
    assert created.parent_id == parent.id and created.kind == "internal" and created.active
    assert last_event(fresh, "unit.created").details["code"] == "muong-la-to-tai-chinh"
    nested = admin.post(
        "/admin/units/new",
        data={"code": "to-x", "name": "Tổ X", "kind": "internal", "parent_id": created.id},
    )
    assert "Đơn vị cấp trên không thể là một bộ phận trực thuộc" in text(nested)


def test_edit_and_deactivate_a_unit_instead_of_deleting(admin, fresh) -> None:
    muong_la = unit_by_code(fresh, "muong-la")
    refused = admin.post(
        f"/admin/units/{muong_la.id}",
        data={
            "code": "muong-la",
            "name": "Xã Mường La",
            "kind": "commune",
            "parent_id": muong_la.parent_id,
        },
    )
    assert refused.status_code == 400
    assert "Đơn vị còn 2 tài khoản đang hoạt động" in text(refused)
    assert unit_by_code(fresh, "muong-la").active
    admin.post(
        "/admin/units/new",
        data={"code": "xa-thu", "name": "Xã Thử", "kind": "commune", "active": "y"},
    )
    new = unit_by_code(fresh, "xa-thu")
    response = admin.post(
        f"/admin/units/{new.id}",
        data={"code": "xa-thu-nghiem", "name": "Xã Thử Nghiệm", "kind": "commune"},
    )
    assert response.status_code == 302
    assert flashes(admin)[-1] == "Đã lưu đơn vị Xã Thử Nghiệm."
    changed = unit_by_code(fresh, "xa-thu-nghiem")
    assert changed.id == new.id and not changed.active
    event = last_event(fresh, "unit.deactivated")
    assert event.unit_id == new.id and event.details["changes"]["active"] == ["True", "False"]
    assert "Ngừng hoạt động" in text(admin.get("/admin/units?active=0"))
    form = text(admin.get(f"/admin/units/{new.id}"))
    assert 'value="xa-thu-nghiem"' in form


# --- users -------------------------------------------------------------------------------


def test_users_search_and_filters(admin, fresh) -> None:
    muong_la = unit_by_code(fresh, "muong-la")
    body = text(admin.get(f"/admin/users?unit={muong_la.id}"))
    assert "muong-la.staff" in body and "muong-la.leader" in body and "to-hieu.staff" not in body
    admins = text(admin.get("/admin/users?role=admin"))
    assert "1–1 / 1 tài khoản" in admins
    hidden = text(admin.get("/admin/users?q=he-thong"))  # the simulator's account
    assert "Không có tài khoản nào phù hợp" in hidden
    assert "Không có tài khoản nào phù hợp" in text(admin.get("/admin/users?q=khong-ai-ca"))


def test_create_user_with_a_temporary_password_shown_once(admin, app, fresh) -> None:
    muong_la = unit_by_code(fresh, "muong-la")
    response = admin.post(
        "/admin/users/new",
        data={
            "username": "muong-la.van-thu",
            "full_name": "Lò Thị Vân",
            "unit_id": muong_la.id,
            "roles": ["unit_staff"],
            "active": "y",
        },
    )
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = text(response).split('id="password-value">')[1].split("<")[0]
    assert len(password) == 12
    user = user_by_name(fresh, "muong-la.van-thu")
    assert user.unit_id == muong_la.id and user.role_names == {"unit_staff"}
    assert password not in user.password_hash
    assert last_event(fresh, "user.created").details["username"] == "muong-la.van-thu"
    assert login(app.test_client(), "muong-la.van-thu", password).status_code == 302
    assert password not in text(admin.get(f"/admin/users/{user.id}"))  # never shown again


def test_create_user_validation(admin, fresh) -> None:
    muong_la = unit_by_code(fresh, "muong-la")
    response = admin.post(
        "/admin/users/new",
        data={"username": "Nguyễn Văn A", "full_name": "", "unit_id": "", "password": "ngan"},
    )
    body = text(response)
    assert response.status_code == 400
    for message in (
        "Tên đăng nhập gồm 3–120 ký tự",
        "Vui lòng nhập họ và tên",
        "Vui lòng chọn một đơn vị đang hoạt động",
        "Chọn ít nhất một vai trò",
        "Mật khẩu cần ít nhất 8 ký tự",
    ):
        assert message in body, message
    taken = admin.post(
        "/admin/users/new",
        data={
            "username": "muong-la.staff",
            "full_name": "X",
            "unit_id": muong_la.id,
            "roles": ["unit_staff"],
        },
    )
    assert "Tên đăng nhập &#39;muong-la.staff&#39; đã tồn tại" in text(taken)
    chosen = admin.post(
        "/admin/users/new",
        data={
            "username": "muong-la.ke-toan",
            "full_name": "Kế toán",
            "unit_id": muong_la.id,
            "roles": ["unit_staff", "unit_leader"],
            "active": "y",
            "password": "mat-khau-dai",
        },
    )
    assert chosen.status_code == 302
    assert user_by_name(fresh, "muong-la.ke-toan").role_names == {"unit_staff", "unit_leader"}


def test_edit_roles_and_deactivate_a_user(admin, app, fresh, session) -> None:
    staff = user_by_name(fresh, "muong-la.staff")
    task_id = task_id_of(fresh, "muong-la", "unit_plan_adapt")
    worker = app.test_client()
    login(worker, "muong-la.staff")
    assert worker.post(f"/tasks/{task_id}/claim").status_code == 302
    response = admin.post(
        f"/admin/users/{staff.id}",
        data={
            "username": "muong-la.staff",
            "full_name": "Chuyên viên Xã Mường La",
            "unit_id": staff.unit_id,
            "roles": ["unit_staff", "unit_leader"],
        },
    )
    assert response.status_code == 302
    assert flashes(admin)[-1] == "Đã lưu tài khoản muong-la.staff."
    after = user_by_name(fresh, "muong-la.staff")
    assert not after.active and after.role_names == {"unit_staff", "unit_leader"}
    with fresh() as s:
        assert s.get(HumanTask, task_id).claimed_by_id is None  # handed back to colleagues
    assert last_event(fresh, "user.deactivated").details["changes"]["active"] == ["True", "False"]
    refused = login(app.test_client(), "muong-la.staff")
    # the same answer as a wrong password: the account's state is not revealed
    assert refused.status_code == 400
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in text(refused)
    assert worker.get("/").status_code == 302  # the open session ends too


def test_an_admin_cannot_lock_out_themselves(admin, fresh) -> None:
    me = user_by_name(fresh, "admin")
    data = {
        "username": "admin",
        "full_name": me.full_name,
        "unit_id": me.unit_id,
        "roles": ["admin"],
    }
    response = admin.post(f"/admin/users/{me.id}", data=data)
    assert response.status_code == 400 and "Không thể tự khóa tài khoản" in text(response)
    response = admin.post(
        f"/admin/users/{me.id}", data={**data, "roles": ["unit_staff"], "active": "y"}
    )
    assert "Không thể tự bỏ vai trò quản trị" in text(response)
    assert user_by_name(fresh, "admin").active


def test_reset_password_generated_or_given(admin, app, fresh) -> None:
    staff = user_by_name(fresh, "muong-la.staff")
    response = admin.post(f"/admin/users/{staff.id}/password", data={"password": ""})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = text(response).split('id="password-value">')[1].split("<")[0]
    assert login(app.test_client(), "muong-la.staff").status_code == 400  # "demo" no longer works
    assert login(app.test_client(), "muong-la.staff", password).status_code == 302
    short = admin.post(f"/admin/users/{staff.id}/password", data={"password": "1234"})
    assert short.status_code == 302 and flashes(admin)[-1] == "Mật khẩu cần ít nhất 8 ký tự"
    given = admin.post(f"/admin/users/{staff.id}/password", data={"password": "mat-khau-moi"})
    assert given.status_code == 302
    assert flashes(admin)[-1] == "Đã đặt mật khẩu mới cho muong-la.staff."
    assert login(app.test_client(), "muong-la.staff", "mat-khau-moi").status_code == 302
    assert last_event(fresh, "user.password_reset").details == {
        "user_id": staff.id,
        "generated": False,
    }


def test_roles_page_counts_accounts(admin) -> None:
    body = text(admin.get("/admin/roles"))
    row = body.split("<code>unit_staff</code>")[1].split("</tr>")[0]
    assert "Chuyên viên đơn vị" in row and ">96<" in row  # 90 units, 6 departments of Mường La


# --- substitutes -------------------------------------------------------------------------


def test_substitution_form_offers_colleagues_of_the_chosen_unit(admin, fresh) -> None:
    muong_la = unit_by_code(fresh, "muong-la")
    body = text(admin.get(f"/admin/substitutions?unit={muong_la.id}"))
    form = body.split('id="substitution-form"')[1].split("</form>")[0]
    assert "muong-la.staff" in form and "muong-la.leader" in form and "to-hieu" not in form


def test_create_substitution_gives_the_substitute_the_absent_users_roles(admin, fresh) -> None:
    leader, staff = user_by_name(fresh, "muong-la.leader"), user_by_name(fresh, "muong-la.staff")
    response = admin.post(
        f"/admin/substitutions?unit={leader.unit_id}",
        data={
            "absent_user_id": leader.id,
            "substitute_user_id": staff.id,
            "starts_on": "06/01/2026",
            "ends_on": "20/01/2026",
        },
    )
    assert response.status_code == 302
    assert flashes(admin) == [
        "Đã ủy quyền: Chuyên viên Xã Mường La thay Lãnh đạo Xã Mường La "
        "từ 06/01/2026 đến 20/01/2026."
    ]
    with fresh() as session:
        actor = accounts.actor(session, staff.id, date(2026, 1, 10))
        assert actor.holds("unit_leader")
        assert not accounts.actor(session, staff.id, date(2026, 1, 21)).holds("unit_leader")
    event = last_event(fresh, "substitution.created")
    assert event.details["starts_on"] == "2026-01-06" and event.unit_id == leader.unit_id
    listing = text(admin.get("/admin/substitutions"))
    assert "06/01/2026 – 20/01/2026" in listing and "Đang hiệu lực" in listing


def test_substitution_validation(admin, fresh) -> None:
    leader, staff = user_by_name(fresh, "muong-la.leader"), user_by_name(fresh, "muong-la.staff")
    stranger = user_by_name(fresh, "to-hieu.staff")
    url = f"/admin/substitutions?unit={leader.unit_id}"
    cases: list[tuple[dict[str, Any], str]] = [
        ({"substitute_user_id": stranger.id}, "Người được ủy quyền phải cùng đơn vị"),
        ({"substitute_user_id": leader.id}, "Người được ủy quyền phải khác người vắng mặt"),
        ({"starts_on": "32/01/2026"}, "Ngày bắt đầu chưa đúng định dạng dd/mm/yyyy"),
        ({"ends_on": "20-01-2026"}, "Ngày kết thúc chưa đúng định dạng dd/mm/yyyy"),
        (
            {"starts_on": "20/01/2026", "ends_on": "10/01/2026"},
            "Ngày kết thúc phải từ ngày bắt đầu",
        ),
        ({"starts_on": "01/01/2026", "ends_on": "05/01/2026"}, "ngày kết thúc phải từ hôm nay"),
        ({"absent_user_id": ""}, "Vui lòng chọn người vắng mặt"),
    ]
    base = {
        "absent_user_id": leader.id,
        "substitute_user_id": staff.id,
        "starts_on": "06/01/2026",
        "ends_on": "20/01/2026",
    }
    for change, message in cases:
        response = admin.post(url, data={**base, **change})
        assert response.status_code == 400 and message in text(response), message
    with fresh() as session:
        assert session.scalar(select(func.count(Substitution.id))) == 0
    assert admin.post(url, data=base).status_code == 302
    overlap = admin.post(url, data={**base, "starts_on": "15/01/2026", "ends_on": "25/01/2026"})
    assert overlap.status_code == 400 and "trùng với khoảng thời gian này" in text(overlap)


def test_revoke_a_substitution(admin, fresh) -> None:
    leader, staff = user_by_name(fresh, "muong-la.leader"), user_by_name(fresh, "muong-la.staff")
    admin.post(
        f"/admin/substitutions?unit={leader.unit_id}",
        data={
            "absent_user_id": leader.id,
            "substitute_user_id": staff.id,
            "starts_on": "06/01/2026",
            "ends_on": "20/01/2026",
        },
    )
    with fresh() as session:
        row_id = session.scalars(select(Substitution.id)).one()
    response = admin.post(f"/admin/substitutions/{row_id}/revoke")
    assert response.status_code == 302
    assert "Đã thu hồi ủy quyền" in flashes(admin)[-1]
    with fresh() as session:
        assert session.get(Substitution, row_id) is None
        assert not accounts.actor(session, staff.id, date(2026, 1, 10)).holds("unit_leader")
    assert last_event(fresh, "substitution.revoked").details["substitution_id"] == row_id
    assert admin.post(f"/admin/substitutions/{row_id}/revoke").status_code == 404
