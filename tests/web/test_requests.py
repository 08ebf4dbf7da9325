"""Sở KHCN asks three communes for an ad-hoc report in the browser's requests; a commune
answers its questions on its task page; others cannot issue requests."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import clock
from models import HumanTask, Report, Unit
from tests.web.conftest import flashes, text

COMMUNES = ("muong-la", "to-hieu", "chieng-an")


def test_sokhcn_issues_a_request_and_a_commune_answers(
    app: Flask, signed_in: Any, fresh: Any, session: Session
) -> None:
    clock.set_now("2026-04-16T09:00+07:00")
    ids = [session.scalars(select(Unit.id).where(Unit.code == c)).one() for c in COMMUNES]
    staff = signed_in("skhcn.staff")
    assert "Đột xuất</a>" in text(staff.get("/"))
    form = {
        "number": "2842/UBND-NC",
        "issued_on": "16/04/2026",
        "issuer": "UBND tỉnh Sơn La",
        "subject": "Báo cáo tập huấn kỹ năng số",
        "due_date": "24/04/2026",
        "scope": "chosen",
        "unit_ids": [str(i) for i in ids],
        "questions": "Số lớp đã tổ chức | số | lớp\nĐã có Tổ công nghệ số? | có/không",
    }
    refused = staff.post("/requests/", data={**form, "due_date": "10/04/2026", "questions": ""})
    body = text(refused)
    assert refused.status_code == 400
    assert "Hạn báo cáo phải từ hôm nay (16/04/2026) đến 31/12/2026" in body
    assert "Nhập ít nhất một câu hỏi" in body
    sent = staff.post("/requests/", data=form)
    assert sent.status_code == 302
    assert flashes(staff) == ["Đã gửi yêu cầu báo cáo đột xuất 2842/UBND-NC đến 3 đơn vị."]
    listed = text(staff.get("/requests/"))
    assert "Báo cáo tập huấn kỹ năng số" in listed and "24/04/2026" in listed

    with fresh() as s:
        task = s.scalars(
            select(HumanTask).where(
                HumanTask.form_key == "adhoc_report_fill", HumanTask.unit_id == ids[0]
            )
        ).one()
        assert (
            s.scalars(select(HumanTask).where(HumanTask.form_key == "adhoc_report_fill"))
            .all()
            .__len__()
            == 3
        )
    commune = signed_in("muong-la.staff")
    page = text(commune.get(f"/tasks/{task.id}"))
    assert "2842/UBND-NC" in page and "Số lớp đã tổ chức (lớp)" in page
    wrong = commune.post(f"/tasks/{task.id}", data={"answers-c1": "ba", "answers-c2": "true"})
    assert wrong.status_code == 400 and "Nhập một số (ví dụ: 12 hoặc 12,5)" in text(wrong)
    done = commune.post(f"/tasks/{task.id}", data={"answers-c1": "4", "answers-c2": "true"})
    assert done.status_code == 302
    with fresh() as s:
        report = s.scalars(
            select(Report).where(Report.round_key == "r1", Report.unit_id == ids[0])
        ).one()
        assert report.answers == {"c1": 4.0, "c2": True}
    matrix = text(staff.get("/supervision"))
    assert "Đột xuất 2842/UBND-NC" in matrix


def test_only_sokhcn_and_ubnd_issue_requests(app: Flask, signed_in: Any) -> None:
    assert signed_in("muong-la.staff").get("/requests/").status_code == 404
    assert signed_in("inspector").get("/requests/").status_code == 404
    assert signed_in("ubnd.leader").get("/requests/").status_code == 200
