"""Migration through the admin pages: the dry run per instance (where its step goes, what is
added or removed, refusals and why), one-click migration, and support operations."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from engine.core.paths import BPMN_DIR
from engine.workflow import definitions
from models import AuditEvent, HumanTask, HumanTaskStatus, InstanceStatus, ProcessInstance, Unit
from tests.engine.bpmn_edit import insert_user_task_after, remove_elements
from tests.web.conftest import flashes, form_fields, text

UNIT_PLAN = (BPMN_DIR / "unit_plan.bpmn").read_bytes()


def with_office_check() -> bytes:
    return insert_user_task_after(
        UNIT_PLAN, "adapt_plan", "office_check", "Văn phòng rà soát", "unit_staff", "confirm"
    )


@pytest.fixture
def v2(session, world) -> int:  # type: ignore[no-untyped-def]
    """Version 2 of unit_plan (a review step after the adaptation); its definition id."""
    view = definitions.deploy(session, with_office_check(), "unit_plan.bpmn", comment="v2")
    session.commit()
    return view.id


@pytest.fixture
def without_adapt(session, v2) -> int:  # type: ignore[no-untyped-def]
    """Version 3 without the adaptation step every running instance waits in."""
    xml = remove_elements(with_office_check(), {"adapt_plan"})
    view = definitions.deploy(session, xml, "unit_plan.bpmn", comment="v3")
    session.commit()
    return view.id


def instance_id(fresh, code: str, process: str = "unit_plan") -> int:  # type: ignore[no-untyped-def]
    with fresh() as session:
        return session.scalars(
            select(ProcessInstance.id)
            .join(Unit, Unit.id == ProcessInstance.unit_id)
            .where(Unit.code == code, ProcessInstance.process_key == process)
        ).one()


def instance(fresh, instance_id: int) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    """Return what a test checks of an instance, read in a new session."""
    with fresh() as session:
        row = session.get(ProcessInstance, instance_id)
        return SimpleNamespace(
            definition_id=row.definition_id,
            version=row.definition.version,
            status=row.status,
            state=row.state,
            lock_version=row.lock_version,
            error_message=row.error_message,
        )


@pytest.fixture
def admin(signed_in):  # type: ignore[no-untyped-def]
    return signed_in("admin")


def preview_rows(body: str) -> dict[int, str]:
    table = body.split('id="preview-table"')[1].split("</table>")[0]
    rows = {}
    for chunk in table.split('<tr data-instance-id="')[1:]:
        number, rest = chunk.split('"', 1)
        rows[int(number)] = rest.split("</tr>")[0]
    return rows


def test_migration_page_lists_running_instances_with_their_step(admin, v2) -> None:
    body = text(admin.get("/admin/migration?process=unit_plan"))
    assert "Tìm thấy 90 quy trình" in body
    assert "Xây dựng kế hoạch của đơn vị" in body  # the waiting step of every unit
    filtered = text(admin.get("/admin/migration?process=unit_plan&mode=filter&unit=mường la"))
    assert "Tìm thấy 1 quy trình" in filtered and "Xã Mường La" in filtered


def test_preview_of_one_instance_shows_where_its_step_goes(admin, fresh, v2) -> None:
    muong_la = instance_id(fresh, "muong-la")
    url = f"/admin/migration?process=unit_plan&target={v2}&mode=one&instance={muong_la}&preview=1"
    body = text(admin.get(url))
    row = preview_rows(body)[muong_la]
    assert "1 → 2" in row and "Chuyển được" in row
    cells = row.split("<td")
    assert "adapt_plan" in cells[4] and "adapt_plan" in cells[5]  # current step → same step
    assert "office_check" in cells[6] and "Văn phòng rà soát" in cells[6]  # added
    assert "—" in cells[7]  # nothing removed
    fields = dict(form_fields(body, "migrate-form"))
    assert fields["instance_ids"] == str(muong_la) and fields["definition_id"] == str(v2)
    assert instance(fresh, muong_la).version == 1  # a dry run changes nothing


def test_refusals_are_explained_and_nothing_can_be_migrated(admin, fresh, without_adapt) -> None:
    muong_la = instance_id(fresh, "muong-la")
    province = instance_id(fresh, "ubnd-tinh", "province_plan")
    base = f"/admin/migration?process=unit_plan&target={without_adapt}&mode=one&preview=1"
    url = f"{base}&instance={muong_la}"
    body = text(admin.get(url))
    row = preview_rows(body)[muong_la]
    assert "Không chuyển được" in row
    assert "Bước đang chờ xử lý không còn trong phiên bản mới: Xây dựng kế hoạch" in row
    assert 'id="migrate-button" disabled' in body
    url = f"{base}&instance={province}"
    assert "Phiên bản đích thuộc quy trình khác" in preview_rows(text(admin.get(url)))[province]


def test_migrate_moves_the_instance_audits_it_and_leaves_the_others(admin, fresh, v2) -> None:
    muong_la, to_hieu = instance_id(fresh, "muong-la"), instance_id(fresh, "to-hieu")
    response = admin.post(
        "/admin/migration?process=unit_plan&mode=one&instance=1",
        data={"definition_id": v2, "instance_ids": str(muong_la)},
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/migration?process=unit_plan")
    assert flashes(admin) == ["Đã chuyển 1 quy trình sang phiên bản 2."]
    assert instance(fresh, muong_la).definition_id == v2
    assert instance(fresh, to_hieu).version == 1
    with fresh() as session:
        event = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "instance.migrated", AuditEvent.instance_id == muong_la
            )
        ).one()
        assert event.details == {"from_version": 1, "to_version": 2}
        task = session.scalars(
            select(HumanTask).where(
                HumanTask.instance_id == muong_la, HumanTask.status == HumanTaskStatus.READY
            )
        ).one()
        assert task.form_key == "unit_plan_adapt"  # the unit keeps working where it was
    again = text(admin.get(f"/admin/migration?target={v2}&mode=one&instance={muong_la}&preview=1"))
    assert "Quy trình đã ở phiên bản này" in preview_rows(again)[muong_la]


def test_a_renamed_step_shows_old_to_new_and_the_open_task_takes_the_new_name(
        admin, fresh, session, world, signed_in) -> None:  # type: ignore[no-untyped-def]
    renamed = UNIT_PLAN.decode().replace('name="Xây dựng kế hoạch của đơn vị"',
                                         'name="Điều chỉnh kế hoạch của đơn vị"').encode()
    view = definitions.deploy(session, renamed, "unit_plan.bpmn", comment="Đổi tên bước")
    session.commit()
    diff = text(admin.get(f"/admin/processes/unit_plan/diff?from=1&to={view.version}"))
    changed = diff.split('id="diff-changed"')[1].split("</div>")[0]
    assert "adapt_plan" in changed
    assert '<span class="old-name' in changed and "Xây dựng kế hoạch của đơn vị</span> → " \
        '<span class="new-name">Điều chỉnh kế hoạch của đơn vị</span>' in changed
    muong_la = instance_id(fresh, "muong-la")
    admin.post("/admin/migration?process=unit_plan&mode=one",
               data={"definition_id": view.id, "instance_ids": str(muong_la)})
    inbox = text(signed_in("muong-la.staff").get("/"))
    assert "Điều chỉnh kế hoạch của đơn vị" in inbox
    assert "Xây dựng kế hoạch của đơn vị" not in inbox
    history = text(admin.get(f"/instances/{muong_la}"))
    assert "Chuyển phiên bản quy trình" in history and "instance.migrated" not in history


def test_refused_migration_leaves_the_instance_untouched(admin, fresh, without_adapt) -> None:
    muong_la = instance_id(fresh, "muong-la")
    before = instance(fresh, muong_la)
    response = admin.post(
        "/admin/migration", data={"definition_id": without_adapt, "instance_ids": str(muong_la)}
    )
    assert response.status_code == 302
    [message] = flashes(admin)
    assert message.startswith(f"Không chuyển quy trình #{muong_la}: Bước đang chờ xử lý")
    after = instance(fresh, muong_la)
    assert (after.definition_id, after.state, after.lock_version) == (
        before.definition_id,
        before.state,
        before.lock_version,
    )


def test_all_of_a_version_in_one_click(admin, fresh, v2) -> None:
    with fresh() as s:
        first = s.scalars(
            select(ProcessInstance.definition_id).where(ProcessInstance.process_key == "unit_plan")
        ).first()
    url = f"/admin/migration?process=unit_plan&target={v2}&mode=version&from={first}&preview=1"
    body = text(admin.get(url))
    assert "90 / 90 quy trình chuyển được" in body
    ids = dict(form_fields(body, "migrate-form"))["instance_ids"].split(",")
    response = admin.post(
        "/admin/migration", data={"definition_id": v2, "instance_ids": ",".join(ids)}
    )
    assert response.status_code == 302
    assert flashes(admin) == ["Đã chuyển 90 quy trình sang phiên bản 2."]
    with fresh() as s:
        versions = set(
            s.scalars(
                select(ProcessInstance.definition_id).where(
                    ProcessInstance.process_key == "unit_plan"
                )
            )
        )
    assert versions == {v2}


def test_empty_migration_is_refused_politely(admin) -> None:
    response = admin.post("/admin/migration", data={"definition_id": "", "instance_ids": ""})
    assert response.status_code == 302
    assert flashes(admin) == ["Chưa chọn quy trình nào để chuyển phiên bản."]


def test_suspend_resume_cancel_retry_from_the_instance_page(admin, fresh, session) -> None:
    muong_la = instance_id(fresh, "muong-la")
    page = f"/admin/instances/{muong_la}"
    assert "Tạm dừng" in text(admin.get(page))
    assert admin.post(f"{page}/suspend", data={"reason": "Đơn vị đề nghị"}).status_code == 302
    assert flashes(admin)[-1] == f"Đã tạm dừng quy trình #{muong_la}."
    assert instance(fresh, muong_la).status == InstanceStatus.SUSPENDED
    admin.post(f"{page}/suspend")
    assert flashes(admin)[-1] == "Chỉ tạm dừng được quy trình đang chạy"
    body = text(admin.get(page))
    assert "Tạm dừng quy trình" in body and "Đơn vị đề nghị" in body
    admin.post(f"{page}/resume")
    assert instance(fresh, muong_la).status == InstanceStatus.RUNNING
    admin.post(f"{page}/retry")
    assert flashes(admin)[-1] == "Quy trình không có bước lỗi"
    admin.post(f"{page}/cancel", data={"reason": "  "})
    assert flashes(admin)[-1] == "Cần nêu lý do hủy"
    assert instance(fresh, muong_la).status == InstanceStatus.RUNNING
    admin.post(f"{page}/cancel", data={"reason": "Đơn vị sáp nhập"})
    assert flashes(admin)[-1] == f"Đã hủy quy trình #{muong_la}."
    assert instance(fresh, muong_la).status == InstanceStatus.CANCELLED
    with fresh() as s:
        assert not s.scalars(
            select(HumanTask).where(
                HumanTask.instance_id == muong_la, HumanTask.status == HumanTaskStatus.READY
            )
        ).all()
        actions = [
            e.action
            for e in s.scalars(
                select(AuditEvent).where(AuditEvent.instance_id == muong_la).order_by(AuditEvent.id)
            )
        ]
    admin_actions = [
        a
        for a in actions
        if a in ("instance.suspended", "instance.resumed", "instance.retried", "instance.cancelled")
    ]
    assert admin_actions == ["instance.suspended", "instance.resumed", "instance.cancelled"]
    assert "Quy trình đã kết thúc; không còn thao tác nào" in text(admin.get(page))


def test_retry_an_instance_in_error(admin, fresh, session) -> None:
    muong_la = instance_id(fresh, "muong-la")
    row = session.get(ProcessInstance, muong_la)
    row.status, row.error_message = InstanceStatus.ERROR, "Lỗi kịch bản: tên không xác định"
    session.commit()
    page = text(admin.get(f"/admin/instances/{muong_la}"))
    assert "Lỗi kịch bản" in page and "Chạy lại bước lỗi" in page
    admin.post(f"/admin/instances/{muong_la}/retry")
    assert flashes(admin)[-1] == f"Đã chạy lại bước lỗi của quy trình #{muong_la}."
    after = instance(fresh, muong_la)
    assert after.status == InstanceStatus.RUNNING and after.error_message is None
