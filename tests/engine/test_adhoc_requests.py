"""Ad-hoc report requests (báo cáo đột xuất), as Công văn 2842/UBND-NC asked in April 2026:
three chosen communes answer typed-in questions; the late one is reminded and escalated; the
matrix shows the request as a column; the province report lists the late commune by name."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import clock
from engine.core.errors import FieldErrors, PermissionDeniedError
from engine.demo.actors import act, ready_tasks
from engine.demo.bootstrap import at
from engine.domain import adhoc, aggregation
from engine.domain.adhoc import RequestInput
from engine.processes import adhoc_requests, timers
from engine.queries import supervision
from models import AggregateReport, Notification, ProcessInstance, Report, Unit

QUESTIONS = (
    "Số lớp tập huấn kỹ năng số đã tổ chức | số | lớp\n"
    "Đã có Tổ công nghệ số cộng đồng? | có/không\n"
    "Ghi chú | văn bản"
)
COMMUNES = ("muong-la", "to-hieu", "chieng-an")


def unit(session: Session, code: str) -> Unit:
    return session.scalars(select(Unit).where(Unit.code == code)).one()


def request_input(session: Session, **changes: Any) -> RequestInput:
    base = dict(
        number="2842/UBND-NC",
        issued_on="16/04/2026",
        issuer="UBND tỉnh Sơn La",
        subject="Báo cáo tình hình tập huấn kỹ năng số",
        due_date="24/04/2026",
        scope="chosen",
        unit_ids=tuple(unit(session, c).id for c in COMMUNES),
        questions=QUESTIONS,
    )
    return RequestInput(**{**base, **changes})  # type: ignore[arg-type]


def answer(session: Session, cast: Any, code: str, when: str) -> None:
    clock.set_now(when)
    commune = unit(session, code)
    fill = ready_tasks(session, unit_id=commune.id, form_key="adhoc_report_fill")[0]
    act(session, cast, fill, {"answers": {"c1": "3", "c2": "true", "c3": "Đã tập huấn"}})
    approve = ready_tasks(session, unit_id=commune.id, form_key="adhoc_report_approve")[0]
    act(session, cast, approve, {"decision": "approve", "report_number": "15/BC-UBND"})
    session.commit()


def test_an_adhoc_request_to_three_communes(session: Session, world: Any) -> None:
    plan, cast = world
    clock.set_now(at(date(2026, 4, 16), 9))
    request = adhoc_requests.issue(
        session, cast.actor("dost_staff", None), plan.id, request_input(session)
    )
    session.commit()
    assert request.round_key == "r1"
    assert [q["type"] for q in request.questions] == ["number", "yesno", "text"]
    asked = ready_tasks(session, form_key="adhoc_report_fill")
    ids = {unit(session, c).id for c in COMMUNES}
    assert sorted(t.unit_id for t in asked) == sorted(ids)

    answer(session, cast, "muong-la", "2026-04-20T09:00+07:00")
    answer(session, cast, "to-hieu", "2026-04-23T09:00+07:00")
    report = session.scalars(
        select(Report).where(
            Report.round_key == "r1", Report.unit_id == unit(session, "muong-la").id
        )
    ).one()
    assert report.answers == {"c1": 3.0, "c2": True, "c3": "Đã tập huấn"}
    assert report.submitted_at is not None and not report.late

    for moment in ("2026-04-22T09:00+07:00", "2026-04-24T09:00+07:00", "2026-05-12T09:00+07:00"):
        clock.set_now(moment)
        timers.tick(session)
    late = unit(session, "chieng-an")

    def notices_of(code: str) -> list[Notification]:
        return list(
            session.scalars(
                select(Notification)
                .join(ProcessInstance, ProcessInstance.id == Notification.instance_id)
                .where(
                    ProcessInstance.process_key == "adhoc_report",
                    ProcessInstance.unit_id == unit(session, code).id,
                )
            )
        )

    late_notices = notices_of("chieng-an")
    assert {"reminder_before", "due", "escalation"} <= {n.kind for n in late_notices}
    assert all("báo cáo đột xuất" in n.message for n in late_notices)
    assert "escalation" not in {n.kind for n in notices_of("muong-la")}

    matrix = supervision.build(session, plan)
    column = next(s for s in supervision.stages(plan) if s.key == "r1")
    assert column.label == "Đột xuất 2842/UBND-NC" and column.due == date(2026, 4, 24)
    cells = {r.code: r.cells["r1"] for r in matrix.rows}
    assert cells["muong-la"].status == "done_on_time" and cells["to-hieu"].status == "done_on_time"
    assert cells["chieng-an"].status == "overdue"
    assert cells["so-tai-chinh"].status is None and cells["so-tai-chinh"].label == "—"

    stored = session.scalars(select(AggregateReport).where(AggregateReport.round_key == "r1")).one()
    who = stored.data["who"]
    assert who["counts"] == {"on_time": 2, "late": 0, "missing": 1}
    assert who["groups"]["missing"]["commune"] == [late.name]
    assert stored.data["round_label"] == "Đột xuất 2842/UBND-NC"
    assert session.scalars(
        select(ProcessInstance).where(
            ProcessInstance.process_key == "aggregation", ProcessInstance.round_key == "r1"
        )
    ).one()
    assert aggregation.find(session, plan.id, "r1") is not None


def test_a_request_is_checked_before_it_is_issued(session: Session, world: Any) -> None:
    plan, cast = world
    clock.set_now(at(date(2026, 4, 16), 9))
    with pytest.raises(PermissionDeniedError):
        adhoc_requests.issue(
            session,
            cast.actor("unit_staff", unit(session, "muong-la").id),
            plan.id,
            request_input(session),
        )
    with pytest.raises(FieldErrors) as caught:
        adhoc_requests.issue(
            session,
            cast.actor("dost_staff", None),
            plan.id,
            request_input(
                session, number=" ", due_date="10/04/2026", unit_ids=(), questions="Câu hỏi | màu"
            ),
        )
    assert set(caught.value.errors) == {"number", "due_date", "unit_ids", "questions"}
    assert "loại là: văn bản, số, có/không, ngày, tệp" in caught.value.errors["questions"]
    everyone = adhoc_requests.issue(
        session,
        cast.actor("province_leader", None),
        plan.id,
        request_input(session, scope="department"),
    )
    assert len(everyone.unit_ids) == 15


def test_answers_are_checked_against_their_questions() -> None:
    questions, errors = adhoc.parse_questions(QUESTIONS + "\nNgày tổ chức | ngày")
    assert errors == {}
    with pytest.raises(FieldErrors) as caught:
        adhoc.check_answers(questions, {"c1": "ba", "c2": "", "c3": "x", "c4": "31/02/2026"})
    assert caught.value.errors == {
        "answers.c1": "Nhập một số (ví dụ: 12 hoặc 12,5)",
        "answers.c2": "Vui lòng trả lời câu hỏi này",
        "answers.c4": "Ngày phải ghi dạng dd/mm/yyyy",
    }
    assert adhoc.check_answers(
        questions, {"c1": "12,5", "c2": "false", "c3": "x", "c4": "20/04/2026"}
    ) == {"c1": 12.5, "c2": False, "c3": "x", "c4": "2026-04-20"}
    schema = adhoc.schema_of(questions)
    assert schema["properties"]["c1"] == {
        "type": "number",
        "title": "Số lớp tập huấn kỹ năng số đã tổ chức (lớp)",
    }
