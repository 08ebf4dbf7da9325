"""The plans page: Sở KHCN exports the 2026 plan, imports next year's after a preview, copies
last year's plan; others get 404."""

from __future__ import annotations

import io
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import clock
from engine.demo.bootstrap import at
from models import HumanTask, Plan, PlanStatus
from tests.engine.test_plan_import import next_year
from tests.web.conftest import flashes, text


def upload(client: Any, data: bytes) -> Any:
    return client.post(
        "/plans/import",
        data={"file": (io.BytesIO(data), "ke-hoach-2027.xlsx")},
        content_type="multipart/form-data",
    )


def test_sokhcn_imports_next_years_plan_after_a_preview(
    app: Flask, signed_in: Any, fresh: Any
) -> None:
    from datetime import date

    clock.set_now(at(date(2027, 1, 4), 8))
    staff = signed_in("skhcn.staff")
    page = staff.get("/plans/")
    assert page.status_code == 200 and "Kế hoạch Chuyển đổi số tỉnh Sơn La năm 2026" in text(page)
    assert "Kế hoạch</a>" in text(page)  # the navigation link
    with fresh() as session:
        plan_id = session.scalars(select(Plan.id)).one()
    exported = staff.get(f"/plans/{plan_id}/workbook.xlsx")
    assert exported.status_code == 200 and exported.data[:2] == b"PK"

    preview = upload(staff, next_year(exported.data))
    body = text(preview)
    assert preview.status_code == 200 and "Kế hoạch Chuyển đổi số tỉnh Sơn La năm 2027" in body
    assert "30 chỉ tiêu (Phụ lục I), 58 nhiệm vụ" in body
    token = body.split('name="token" value="')[1].split('"')[0]
    done = staff.post("/plans/import/confirm", data={"token": token})
    assert done.status_code == 302
    assert flashes(staff)[0].startswith("Đã tạo bản dự thảo kế hoạch năm 2027: 30 chỉ tiêu")
    with fresh() as session:
        plan = session.scalars(select(Plan).where(Plan.year == 2027)).one()
        assert plan.status == PlanStatus.DRAFT
        draft = session.scalars(
            select(HumanTask).where(
                HumanTask.form_key == "province_plan_draft", HumanTask.status == "ready"
            )
        ).one()
    assert "Soạn thảo kế hoạch tỉnh" in text(staff.get("/"))
    task_page = text(staff.get(f"/tasks/{draft.id}"))
    assert 'id="plan-contents"' in task_page and "30 chỉ tiêu (Phụ lục I)" in task_page
    assert "Nhập lại nội dung từ Excel" in task_page


def test_a_broken_plan_is_refused_and_last_year_is_copied(
    app: Flask, signed_in: Any, fresh: Any, session: Session
) -> None:
    staff = signed_in("skhcn.leader")
    refused = upload(staff, b"not excel")
    assert refused.status_code == 400 and "không phải là bảng tính Excel" in text(refused)
    plan_id = session.scalars(select(Plan.id)).one()
    copied = staff.post("/plans/copy", data={"source": plan_id})
    assert copied.status_code == 302
    assert flashes(staff)[0].startswith("Đã tạo bản dự thảo kế hoạch năm 2027")
    again = staff.post("/plans/copy", data={"source": plan_id})
    assert again.status_code == 409 and "Năm 2027 đã có kế hoạch đang soạn thảo" in text(again)


def test_plans_are_for_sokhcn_and_the_administrator_only(app: Flask, signed_in: Any) -> None:
    for username in ("muong-la.staff", "ubnd.leader", "inspector"):
        client = signed_in(username)
        assert client.get("/plans/").status_code == 404
        assert "Kế hoạch</a>" not in text(client.get("/inbox"))
    assert signed_in("admin").get("/plans/").status_code == 200


def regime_form(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {}
    for frequency, name in (("quarterly", "Báo cáo định kỳ hằng quý"),
                            ("six_month", "Báo cáo định kỳ 6 tháng")):
        base.update({
            f"{frequency}-applies": "y", f"{frequency}-name": name,
            f"{frequency}-content": "Kết quả thực hiện kế hoạch",
            f"{frequency}-receiver": "Sở Khoa học và Công nghệ",
            f"{frequency}-method": "Trên hệ thống", f"{frequency}-cutoff": "Ngày 14 tháng cuối kỳ",
            f"{frequency}-due_day": "5", f"{frequency}-open_days": "14",
            f"{frequency}-reminder_days_before": "", f"{frequency}-grace_days": "",
            f"{frequency}-reporters": ["department", "commune"],
        })
    base.update(changes)
    return base


def test_sokhcn_sets_a_draft_plans_regimes_field_by_field(
    app: Flask, signed_in: Any, fresh: Any, session: Session
) -> None:
    from engine.domain import regimes

    staff = signed_in("skhcn.staff")
    issued_id = session.scalars(select(Plan.id)).one()
    assert staff.post(f"/plans/{issued_id}/regimes", data=regime_form()).status_code == 409
    staff.post("/plans/copy", data={"source": issued_id})
    with fresh() as s:
        draft_id = s.scalars(select(Plan.id).where(Plan.year == 2027)).one()
    page = text(staff.get(f"/plans/{draft_id}/regimes"))
    assert "Báo cáo định kỳ 6 tháng" in page and "Thời gian chốt số liệu" in page
    refused = staff.post(f"/plans/{draft_id}/regimes", data=regime_form(**{
        "six_month-name": " ", "six_month-due_day": "40", "six_month-reporters": [],
    }))
    body = text(refused)
    assert refused.status_code == 400 and "Vui lòng nhập tên chế độ báo cáo" in body
    assert "Nhập một số từ 1 đến 28" in body and "Chọn ít nhất một loại đơn vị báo cáo" in body
    saved = staff.post(f"/plans/{draft_id}/regimes", data=regime_form(**{
        "six_month-due_day": "10", "six_month-grace_days": "3",
    }))
    assert saved.status_code == 302
    with fresh() as s:
        plan = s.get(Plan, draft_id)
        rounds = {r.key: r for r in regimes.report_rounds(plan)}
        assert sorted(rounds) == ["h1", "h2", "q1", "q2", "q3", "q4"]
        assert rounds["h1"].due.isoformat() == "2027-06-10"
        assert regimes.grace_days(plan, rounds["h1"].regime) == 3
        assert regimes.grace_days(plan, rounds["q1"].regime) == plan.grace_days
    assert "6 tháng đầu năm" in text(staff.get(f"/plans/{draft_id}/regimes"))


def test_sokhcn_adds_the_communes_departments_monthly_regime(
    app: Flask, signed_in: Any, fresh: Any, session: Session
) -> None:
    from engine.domain import regimes

    staff = signed_in("skhcn.staff")
    staff.post("/plans/copy", data={"source": session.scalars(select(Plan.id)).one()})
    with fresh() as s:
        draft_id = s.scalars(select(Plan.id).where(Plan.year == 2027)).one()
    page = text(staff.get(f"/plans/{draft_id}/regimes"))
    assert "Báo cáo hằng tháng của phòng, ban thuộc xã" in page
    assert "Phòng, ban thuộc UBND xã, phường" in page
    form = regime_form(**{
        "internal_monthly-applies": "y",
        "internal_monthly-name": "Báo cáo hằng tháng của phòng, ban thuộc xã",
        "internal_monthly-content": "Nhiệm vụ được UBND xã giao",
        "internal_monthly-receiver": "UBND xã, phường",
        "internal_monthly-method": "Trên hệ thống",
        "internal_monthly-cutoff": "Ngày 24 hằng tháng",
        "internal_monthly-due_day": "25", "internal_monthly-open_days": "7",
        "internal_monthly-reporters": ["department"],  # ignored: the departments report
    })
    assert staff.post(f"/plans/{draft_id}/regimes", data=form).status_code == 302
    with fresh() as s:
        plan = s.get(Plan, draft_id)
        found = regimes.find_round(plan, "im5")
        assert found is not None and found.due.isoformat() == "2027-05-25"
        assert found.regime.reporters == ("internal",)
    assert "Tháng 5 (phòng, ban)" in text(staff.get(f"/plans/{draft_id}/regimes"))
