"""Process definitions through the admin pages: versions, diff, download, upload refusals that
change nothing, deployment of version 2, and the modeler's draft/validate/deploy endpoints."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from engine.core.paths import BPMN_DIR
from models import AuditEvent, ProcessDefinition, ProcessDraft, User
from tests.engine.bpmn_edit import insert_user_task_after
from tests.web.conftest import flashes, text

UNIT_PLAN = (BPMN_DIR / "unit_plan.bpmn").read_bytes()
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE definitions [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
  <bpmn:process id="unit_plan" isExecutable="true"><bpmn:documentation>&xxe;</bpmn:documentation>
  </bpmn:process>
</bpmn:definitions>"""
BOMB = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b']>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">'
    + b"&lol9;</bpmn:definitions>"
)


def with_office_check() -> bytes:
    return insert_user_task_after(
        UNIT_PLAN, "adapt_plan", "office_check", "Văn phòng rà soát", "unit_staff", "confirm"
    )


def unknown_lane() -> bytes:
    return UNIT_PLAN.replace(b'name="unit_staff"', b'name="ke_toan"')


def bad_condition() -> bytes:
    return UNIT_PLAN.replace(b'decision == "approve"', b'decision == = "approve"', 1)


def unknown_call_target() -> bytes:
    return UNIT_PLAN.replace(
        b'<bpmn:userTask id="adapt_plan"',
        b'<bpmn:callActivity calledElement="khong_ton_tai" id="adapt_plan"',
    ).replace(
        b'</bpmn:userTask>\n    <bpmn:userTask id="leader_approve"',
        b'</bpmn:callActivity>\n    <bpmn:userTask id="leader_approve"',
        1,
    )


def definitions_count(fresh) -> int:  # type: ignore[no-untyped-def]
    with fresh() as session:
        return session.scalar(select(func.count(ProcessDefinition.id))) or 0


def upload(
    client,
    data: bytes,
    name: str = "unit_plan.bpmn",
    comment: str = "Thêm bước",
    action: str = "deploy",
):  # type: ignore[no-untyped-def]
    return client.post(
        "/admin/processes/upload",
        data={"file": (io.BytesIO(data), name), "comment": comment, "action": action},
        content_type="multipart/form-data",
    )


@pytest.fixture
def admin(signed_in):  # type: ignore[no-untyped-def]
    return signed_in("admin")


def test_processes_page_lists_versions_authors_and_open_instances(admin) -> None:
    body = text(admin.get("/admin/processes"))
    assert 'id="process-unit_plan"' in body and "Kế hoạch của đơn vị" in body
    assert "Hệ thống" in body and "Quy trình mặc định" in body  # built-in deployment
    assert "/06/2026" not in body and "02/01/2026" in body  # dated when the plan year starts
    section = body.split('id="process-unit_plan"')[1].split("</section>")[0]
    row = section.split('data-version="1"')[1].split("</tr>")[0]
    assert ">90<" in row  # every department and commune has its unit plan running


# name, file, message, status, refused as a draft too (unsafe XML) or only when deployed (lint)
REFUSALS = [
    ("malformed", b"<bpmn:definitions><bpmn:process>", "XML không hợp lệ", 400, True),
    ("external-entity", XXE, "DOCTYPE/ENTITY", 400, True),
    ("entity-bomb", BOMB, "DOCTYPE/ENTITY", 400, True),
    (
        "20MB",
        b"<?xml version='1.0'?><!--" + b"x" * (20 * 1024 * 1024) + b"-->",
        "quá lớn",
        413,
        True,
    ),
    ("empty", b"", "Tệp rỗng", 400, True),
    ("not-bpmn", b"<html><body>hi</body></html>", "Không phải tệp BPMN", 400, True),
    (
        "unknown-lane",
        unknown_lane(),
        "Làn &#39;ke_toan&#39; không phải vai trò đã biết",
        400,
        False,
    ),
    ("bad-condition", bad_condition(), "Điều kiện: Biểu thức sai cú pháp", 400, False),
    (
        "unknown-call",
        unknown_call_target(),
        "Quy trình được gọi &#39;khong_ton_tai&#39; không tồn tại",
        400,
        False,
    ),
]


@pytest.mark.parametrize(
    ("data", "message", "status", "unsafe"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS]
)
def test_hostile_or_broken_upload_is_refused_and_changes_nothing(
    admin, fresh, data, message, status, unsafe
) -> None:
    before = definitions_count(fresh)
    for action in ("deploy", "draft") if unsafe else ("deploy",):
        response = upload(admin, data, action=action)
        assert response.status_code == status, text(response)[:800]
        body = text(response)
        assert message in body, body[body.find("upload-problems") :][:600]
        assert "không có thay đổi nào được lưu" in body
    assert definitions_count(fresh) == before
    with fresh() as session:
        assert session.scalar(select(func.count(ProcessDraft.id))) == 0


def test_huge_upload_is_refused_cleanly_with_csrf_on(csrf_app, fresh) -> None:
    client = csrf_app.test_client()
    token = text(client.get("/login")).split('name="csrf_token" type="hidden" value="')[1]
    token = token.split('"')[0]
    client.post("/login", data={"username": "admin", "password": "demo", "csrf_token": token})
    page = text(client.get("/admin/processes"))
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    before = definitions_count(fresh)
    response = client.post(
        "/admin/processes/upload",
        data={
            "file": (io.BytesIO(b"<a>" + b"x" * (20 * 1024 * 1024) + b"</a>"), "big.bpmn"),
            "csrf_token": token,
            "comment": "x",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 413 and "quá lớn" in text(response)
    assert definitions_count(fresh) == before


def test_upload_refuses_other_file_types_and_a_missing_file(admin) -> None:
    response = upload(admin, UNIT_PLAN, name="unit_plan.txt")
    assert response.status_code == 400 and "Chỉ nhận tệp sơ đồ BPMN" in text(response)
    response = admin.post("/admin/processes/upload", data={"comment": "x"})
    assert response.status_code == 400 and "Vui lòng chọn tệp" in text(response)


def test_upload_deploys_version_2_with_its_comment_and_author(admin, fresh) -> None:
    before = definitions_count(fresh)
    response = upload(admin, with_office_check(), comment="Thêm bước văn phòng rà soát")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/processes"
    assert flashes(admin) == ["Đã triển khai Kế hoạch của đơn vị phiên bản 2."]
    assert definitions_count(fresh) == before + 1
    with fresh() as session:
        v2 = session.scalars(
            select(ProcessDefinition).where(
                ProcessDefinition.process_key == "unit_plan", ProcessDefinition.version == 2
            )
        ).one()
        admin_id = session.scalars(select(User.id).where(User.username == "admin")).one()
        assert v2.comment == "Thêm bước văn phòng rà soát" and v2.created_by_id == admin_id
        event = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "definition.deployed")
            .order_by(AuditEvent.id.desc())
        ).first()
        assert event.actor_id == admin_id and event.details["version"] == 2
    page = text(admin.get("/admin/processes"))
    row = page.split('id="process-unit_plan"')[1].split('data-version="2"')[1].split("</tr>")[0]
    assert "Quản trị hệ thống" in row and "Thêm bước văn phòng rà soát" in row and "mới nhất" in row


def test_identical_upload_and_missing_comment_create_nothing(admin, fresh) -> None:
    before = definitions_count(fresh)
    response = upload(admin, UNIT_PLAN)
    assert response.status_code == 302
    assert "không tạo phiên bản mới" in flashes(admin)[0]
    response = upload(admin, with_office_check(), comment="  ")
    assert response.status_code == 400 and "Cần ghi chú nội dung thay đổi" in text(response)
    assert definitions_count(fresh) == before


def test_diff_between_two_versions_and_download(admin) -> None:
    assert upload(admin, with_office_check()).status_code == 302
    body = text(admin.get("/admin/processes/unit_plan/diff?from=1&to=2"))
    added = body.split('id="diff-added"')[1].split("</div>")[0]
    assert "office_check" in added and "Văn phòng rà soát" in added
    removed = body.split('id="diff-removed"')[1].split("</div>")[0]
    assert "Không có phần tử bị bỏ" in removed
    changed = body.split('id="diff-changed"')[1].split("</div>")[0]
    assert "adapt_plan" in changed  # its outgoing flow now leads to the new step
    response = admin.get("/admin/processes/unit_plan/versions/1.bpmn")
    assert response.status_code == 200 and response.data == UNIT_PLAN
    assert 'filename="unit_plan-v1.bpmn"' in response.headers["Content-Disposition"]
    assert admin.get("/admin/processes/unit_plan/versions/9.bpmn").status_code == 404
    assert admin.get("/admin/processes/khong_co/diff").status_code == 404


def test_upload_as_draft_opens_in_the_modeler(admin, fresh) -> None:
    response = upload(admin, unknown_lane(), action="draft")  # a draft need not pass lint
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/processes/unit_plan/modeler"
    page = text(admin.get("/admin/processes/unit_plan/modeler"))
    assert "Bản nháp" in page and "ke_toan" in page
    with fresh() as session:
        assert session.scalar(select(func.count(ProcessDraft.id))) == 1
    version_page = text(admin.get("/admin/processes/unit_plan/modeler?version=1"))
    assert "Phiên bản 1" in version_page and "ke_toan" not in version_page
    assert admin.post("/admin/processes/unit_plan/draft/discard").status_code == 302
    with fresh() as session:
        assert session.scalar(select(func.count(ProcessDraft.id))) == 0


def test_modeler_validate_lists_problems_with_element_name_and_line(admin) -> None:
    response = admin.post(
        "/admin/processes/unit_plan/validate", json={"xml": unknown_lane().decode()}
    )
    data = response.get_json()
    assert response.status_code == 200 and data["ok"] is False
    [problem] = data["problems"]
    assert problem["element"] == "lane_unit_staff" and problem["name"] == "ke_toan"
    assert problem["line"] == 10 and "không phải vai trò đã biết" in problem["message"]
    ok = admin.post(
        "/admin/processes/unit_plan/validate", json={"xml": with_office_check().decode()}
    )
    assert ok.get_json() == {
        "ok": True,
        "problems": [],
        "message": "Sơ đồ hợp lệ, có thể triển khai.",
    }


def test_modeler_refuses_another_process_and_hostile_drafts(admin, fresh) -> None:
    other = (BPMN_DIR / "province_plan.bpmn").read_text(encoding="utf-8")
    response = admin.post("/admin/processes/unit_plan/validate", json={"xml": other})
    assert "khác với quy trình đang soạn" in response.get_json()["problems"][0]["message"]
    response = admin.post("/admin/processes/unit_plan/draft", json={"xml": XXE.decode()})
    assert (
        response.status_code == 400
        and "DOCTYPE/ENTITY" in response.get_json()["problems"][0]["message"]
    )
    response = admin.post("/admin/processes/unit_plan/draft", json={"xml": "x" * (7 * 1024 * 1024)})
    assert response.status_code == 413 and "quá lớn" in response.get_json()["error"]
    with fresh() as session:
        assert session.scalar(select(func.count(ProcessDraft.id))) == 0


def test_modeler_draft_then_deploy_creates_version_2_and_removes_the_draft(admin, fresh) -> None:
    xml = with_office_check().decode()
    response = admin.post("/admin/processes/unit_plan/draft", json={"xml": xml})
    assert response.get_json() == {"ok": True, "message": "Đã lưu nháp."}
    assert "Bản nháp" in text(admin.get("/admin/processes/unit_plan/modeler"))
    before = definitions_count(fresh)
    refused = admin.post("/admin/processes/unit_plan/deploy", json={"xml": xml, "comment": ""})
    assert refused.status_code == 400 and "Cần ghi chú" in refused.get_json()["error"]
    bad = admin.post(
        "/admin/processes/unit_plan/deploy",
        json={"xml": bad_condition().decode(), "comment": "Sửa điều kiện"},
    )
    assert (
        bad.status_code == 400 and bad.get_json()["problems"][0]["element"] == "flow_leader_approve"
    )
    assert definitions_count(fresh) == before
    response = admin.post(
        "/admin/processes/unit_plan/deploy",
        json={"xml": xml, "comment": "Thêm bước văn phòng rà soát"},
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"ok": True, "version": 2, "redirect": "/admin/processes"}
    assert flashes(admin) == ["Đã triển khai Kế hoạch của đơn vị phiên bản 2."]
    assert definitions_count(fresh) == before + 1
    with fresh() as session:
        assert session.scalar(select(func.count(ProcessDraft.id))) == 0
    again = admin.post("/admin/processes/unit_plan/deploy", json={"xml": xml, "comment": "Lại"})
    assert again.status_code == 400 and "không tạo phiên bản mới" in again.get_json()["error"]
    assert definitions_count(fresh) == before + 1


def test_modeler_page_carries_roles_forms_and_processes(admin) -> None:
    page = text(admin.get("/admin/processes/unit_plan/modeler"))
    config = page.split('id="modeler-config" type="application/json">')[1].split("</script>")[0]
    import json

    data = json.loads(config)
    assert ["unit_staff", "Chuyên viên đơn vị"] in data["roles"]
    assert "confirm" in [f[0] for f in data["forms"]]
    assert "unit_plan" in data["processes"] and data["source"] == "version"
    assert data["xml"].startswith("<?xml") and data["csrfToken"]
