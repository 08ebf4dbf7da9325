"""Bad values are refused with a message that says what is allowed (issue 10, item 2, domain
side): NaN and infinities in number fields, report rows for codes outside the unit's plan,
deadlines in the past or beyond the plan's year, decision dates in the future, oversized
drafts; and every form field is bounded (strings by length, lists by items)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.core import clock
from engine.core.errors import FieldErrors
from engine.core.formatting import parse_number
from engine.demo.actors import act, ready_tasks
from engine.demo.bootstrap import at
from engine.domain import deadlines, extensions, unit_plans
from engine.domain.adhoc import MAX_QUESTIONS, RequestInput
from engine.processes import adhoc_requests, tasks, timers
from engine.processes.tasks import MAX_DRAFT_BYTES
from engine.queries import task_views
from engine.workflow import forms
from models import (
    AdhocRequest,
    HumanTask,
    HumanTaskStatus,
    Inspection,
    Notification,
    Report,
    Unit,
    UnitPlan,
)
from tests.scripted import adopt_plan, instance_of

NOT_FINITE = [float("nan"), float("inf"), float("-inf")]


def unit(session: Session, code: str) -> Unit:
    return session.scalars(select(Unit).where(Unit.code == code)).one()


def ready(session: Session, u: Unit | None, form_key: str) -> HumanTask:
    found = ready_tasks(session, unit_id=u.id if u else None, form_key=form_key)
    assert found, f"no ready {form_key}"
    return found[0]


def refused(call: Any, *args: Any, **kwargs: Any) -> dict[str, str]:
    """Run `call` and return the FieldErrors it raised (the test fails when it raises none)."""
    with pytest.raises(FieldErrors) as caught:
        call(*args, **kwargs)
    return caught.value.errors


# NaN and infinities ------------------------------------------------------------------------


@pytest.mark.parametrize("bad", NOT_FINITE, ids=["nan", "inf", "-inf"])
def test_form_validation_refuses_nan_and_infinity_in_every_number_field(bad: float) -> None:
    report = {"kpi_results": [{"code": "I.1", "actual_value": bad}], "task_statuses": []}
    errors = refused(forms.load("quarterly_report_fill").validate, report)
    assert errors == {"kpi_results.0.actual_value": "Nhập một số từ 0 đến 100"}
    adapt = {"kpis": [{"code": "I.1", "selected": True, "target_value": bad}], "tasks": []}
    assert "kpis.0.target_value" in refused(forms.load("unit_plan_adapt").validate, adapt)
    answers = {"answers": {"c1": bad}}  # an ad-hoc answer: no bounds, still a finite number
    errors = refused(forms.load("adhoc_report_fill").validate, answers)
    assert errors["answers.c1"].startswith("Nhập một số hữu hạn")


@pytest.mark.parametrize("typed", ["nan", "NaN", "inf", "-Infinity", "1e999"])
def test_typed_nan_or_infinity_is_not_read_as_a_number(typed: str) -> None:
    assert parse_number(typed) is None
    schema = forms.load("quarterly_report_fill").schema
    data = forms.coerce(schema, {"kpi_results": [{"code": "I.1", "actual_value": typed}],
                                 "task_statuses": []})
    assert data["kpi_results"][0]["actual_value"] == typed  # left as typed, for the message
    errors = refused(forms.load("quarterly_report_fill").validate, data)
    assert errors == {"kpi_results.0.actual_value": "Phải là một số (hoặc để trống)"}


def open_q1_for(session: Session, cast: Any, u: Unit) -> HumanTask:
    """Adopt `u`'s plan on 07/01 and open the first quarter's round; return its fill task."""
    clock.set_now(at(date(2026, 1, 7), 9))
    adopt_plan(session, cast, u, "01/KH")
    act(session, cast, ready(session, u, "unit_plan_review"), {"decision": "accept"})
    clock.set_now(at(date(2026, 2, 19), 8, 1))
    timers.tick(session)  # commits
    return ready(session, u, "quarterly_report_fill")


def test_a_report_with_nan_is_refused_and_nothing_is_stored(session: Session, world) -> None:
    _, cast = world
    commune = unit(session, "to-hieu")
    fill = open_q1_for(session, cast, commune)
    staff = cast.actor("unit_staff", commune.id)
    data = task_views.get(session, staff, fill.id)[1]
    data["kpi_results"][0]["actual_value"] = float("nan")
    assert "kpi_results.0.actual_value" in refused(tasks.complete, session, staff, fill.id, data)
    session.rollback()
    assert "kpi_results.0.actual_value" in refused(tasks.save_draft, session, staff, fill.id, data)
    session.rollback()
    report = session.scalars(select(Report).where(Report.unit_id == commune.id)).one()
    assert report.kpi_results == [] and report.status == "not_started"
    assert session.get(HumanTask, fill.id).draft is None
    assert session.get(HumanTask, fill.id).status == HumanTaskStatus.READY


# Report rows must match the unit's plan ----------------------------------------------------


def test_report_rows_for_codes_not_in_the_units_plan_are_refused_by_code(
    session: Session, world
) -> None:
    _, cast = world
    commune = unit(session, "to-hieu")
    fill = open_q1_for(session, cast, commune)
    staff = cast.actor("unit_staff", commune.id)
    data = task_views.get(session, staff, fill.id)[1]
    rows, kpis = len(data["task_statuses"]), len(data["kpi_results"])
    data["task_statuses"].append({"code": "IX.99", "status": "done"})
    data["kpi_results"].append({"code": "Z.1", "actual_value": 10})
    data["task_statuses"].append(dict(data["task_statuses"][0]))  # the same task twice
    errors = refused(tasks.complete, session, staff, fill.id, data)
    session.rollback()
    first = data["task_statuses"][0]["code"]
    assert errors[f"task_statuses.{rows}.code"].startswith(
        "Nhiệm vụ IX.99 không có trong kế hoạch của đơn vị; chỉ báo cáo các mã: " + first
    )
    assert errors[f"kpi_results.{kpis}.code"].startswith("Chỉ tiêu Z.1 không có trong kế hoạch")
    assert errors[f"task_statuses.{rows + 1}.code"] == f"Nhiệm vụ {first} bị lặp"
    assert len(errors) == 3
    report = session.scalars(select(Report).where(Report.unit_id == commune.id)).one()
    assert report.task_statuses == []
    prefilled = task_views.get(session, staff, fill.id)[1]
    tasks.complete(session, staff, fill.id, prefilled)  # the plan's own rows are accepted
    assert len(report.task_statuses) == rows


def test_a_task_the_unit_dropped_is_not_reported(session: Session, world) -> None:
    _, cast = world
    commune = unit(session, "to-hieu")
    fill = open_q1_for(session, cast, commune)
    record = session.scalars(select(UnitPlan).where(UnitPlan.unit_id == commune.id)).one()
    dropped = record.tasks[-1]["code"]
    record.tasks = [*record.tasks[:-1], {**record.tasks[-1], "kept": False}]
    staff = cast.actor("unit_staff", commune.id)
    data = {"kpi_results": [], "task_statuses": [{"code": dropped, "status": "done"}]}
    errors = refused(tasks.complete, session, staff, fill.id, data)
    assert errors["task_statuses.0.code"].startswith(f"Nhiệm vụ {dropped} không có trong")


def test_internal_department_reports_only_on_its_communes_plan(session: Session, world) -> None:
    _, cast = world
    clock.set_now(at(date(2026, 2, 19), 8, 1))
    timers.tick(session)
    fill = ready_tasks(session, form_key="internal_report_fill")[0]
    department = session.get(Unit, fill.unit_id)
    assert department is not None and department.kind == "internal"
    staff = cast.actor("unit_staff", department.id)
    data = task_views.get(session, staff, fill.id)[1]
    data["kpi_results"] = [{"code": "Z.1", "actual_value": 10}]
    data["task_statuses"] = [*data["task_statuses"], {"code": "IX.99", "status": "done"}]
    errors = refused(tasks.complete, session, staff, fill.id, data)
    last = len(data["task_statuses"]) - 1
    assert set(errors) == {"kpi_results.0.code", f"task_statuses.{last}.code"}
    assert "Z.1" in errors["kpi_results.0.code"] and "IX.99" in str(errors)


# Dates against the clock and the plan's year -----------------------------------------------


def inspect(session: Session, cast: Any, code: str) -> HumanTask:
    """Open inspections on 01/08/2026, choose `code`, record findings; return the conclusion."""
    clock.set_now(at(date(2026, 8, 1), 8, 1))
    timers.tick(session)
    choose = ready(session, None, "inspection_select")
    errors = refused(act, session, cast, choose, {"unit_codes": [code], "due_date": "2026-07-31"})
    assert errors == {"due_date": "Hạn ký kết luận kiểm tra phải từ hôm nay (01/08/2026) "
                                  "đến 31/12/2026"}
    session.rollback()
    act(session, cast, ready(session, None, "inspection_select"),
        {"unit_codes": [code], "due_date": "2026-11-30"})
    act(session, cast, ready(session, unit(session, code), "inspection_findings"),
        {"findings": "Chưa ban hành quy chế"})
    session.commit()
    return ready(session, unit(session, code), "inspection_conclusion")


@pytest.mark.parametrize("due", ["2026-07-15", "2027-01-05", "9999-12-31"])
def test_inspection_remediation_due_in_the_past_or_beyond_the_year_is_refused(
    session: Session, world, due: str
) -> None:
    plan, cast = world
    muong_la = unit(session, "muong-la")
    conclusion = inspect(session, cast, "muong-la")
    data = {"conclusion_number": "27/TB-ĐKT", "conclusion": "Yêu cầu khắc phục",
            "remediation_required": True, "remediation_due": due}
    errors = refused(act, session, cast, conclusion, data)
    assert errors == {"remediation_due": "Hạn khắc phục phải từ hôm nay (01/08/2026) "
                                         "đến 31/12/2026"}
    session.rollback()
    inspection = session.scalars(select(Inspection).where(Inspection.unit_id == muong_la.id)).one()
    assert inspection.remediation_due is None and inspection.conclusion is None
    timers.tick(session)  # nothing is due: the unit is not escalated at once
    assert session.scalar(select(func.count(Notification.id)).where(
        Notification.instance_id == conclusion.instance_id,
        Notification.kind.in_(("reminder_before", "due", "escalation")))) == 0
    act(session, cast, ready(session, muong_la, "inspection_conclusion"),
        {**data, "remediation_due": "2026-08-01"})  # today is the first day allowed
    assert instance_of(session, "inspection", plan.id, muong_la.id).due_date == date(2026, 8, 1)


def test_extension_to_an_absurd_date_is_refused_and_the_limit_is_31_01_next_year(
    session: Session, world
) -> None:
    plan, cast = world
    commune = unit(session, "muong-la")
    instance = instance_of(session, "unit_plan", plan.id, commune.id)
    staff = cast.actor("unit_staff", commune.id)
    clock.set_now(at(date(2026, 1, 8), 9))
    errors = refused(extensions.request, session, staff, instance.id, date(9999, 12, 31), "Lý do")
    assert errors == {"requested_due": "Hạn mới phải từ hôm nay (08/01/2026) đến 31/01/2027"}
    assert refused(extensions.request, session, staff, instance.id, date(2027, 2, 1), "Lý do")
    view = extensions.request(session, staff, instance.id, date(2027, 1, 31), "Chờ sáp nhập xã")
    assert view.requested_due == date(2027, 1, 31) and view.status == "pending"


def test_an_extension_whose_new_date_has_passed_cannot_be_approved(
    session: Session, world
) -> None:
    plan, cast = world
    commune = unit(session, "to-hieu")
    instance = instance_of(session, "unit_plan", plan.id, commune.id)
    clock.set_now(at(date(2026, 1, 8), 9))
    asked = extensions.request(session, cast.actor("unit_staff", commune.id), instance.id,
                               date(2026, 1, 12), "Thiếu nhân lực")
    session.commit()
    clock.set_now(at(date(2026, 1, 13), 9))
    sokhcn = cast.actor("dost_staff", None)
    errors = refused(extensions.decide, session, sokhcn, asked.id, True, "Đồng ý")
    assert errors == {"requested_due": "Hạn mới phải từ hôm nay (13/01/2026) đến 31/01/2027"}
    session.rollback()
    assert instance_of(session, "unit_plan", plan.id, commune.id).due_date == date(2026, 1, 10)
    assert extensions.decide(session, sokhcn, asked.id, False, "Đã quá hạn đề nghị").status == (
        "refused")


def ask(session: Session, world: Any, **changes: str) -> AdhocRequest:
    """Issue an ad-hoc request as Sở KHCN, with `changes` to a valid one."""
    plan, cast = world
    ids = tuple(unit(session, c).id for c in ("muong-la", "to-hieu"))
    fields: dict[str, Any] = {
        "number": "2842/UBND-NC", "issued_on": "16/04/2026", "issuer": "UBND tỉnh Sơn La",
        "subject": "Báo cáo tập huấn", "due_date": "24/04/2026", "scope": "chosen",
        "unit_ids": ids, "questions": "Số lớp đã tổ chức | số | lớp", **changes}
    staff = cast.actor("dost_staff", None)
    return adhoc_requests.issue(session, staff, plan.id, RequestInput(**fields))


def test_adhoc_request_deadline_and_issue_date_are_checked(session: Session, world) -> None:
    clock.set_now(at(date(2026, 4, 16), 9))
    errors = refused(ask, session, world, due_date="10/04/2026", issued_on="17/04/2026")
    assert errors == {
        "due_date": "Hạn báo cáo phải từ hôm nay (16/04/2026) đến 31/12/2026",
        "issued_on": "Ngày ban hành phải từ 01/01/2025 đến hôm nay (16/04/2026)",
    }
    assert refused(ask, session, world, due_date="31/12/9999") == {
        "due_date": "Hạn báo cáo phải từ hôm nay (16/04/2026) đến 31/12/2026"}
    assert ask(session, world, due_date="16/04/2026").due_date == date(2026, 4, 16)


def test_a_unit_plan_cannot_be_issued_on_a_future_date(session: Session, world) -> None:
    plan, cast = world
    commune = unit(session, "chieng-an")
    clock.set_now(at(date(2026, 1, 7), 9))
    content = unit_plans.default_content(session, plan.id, commune)
    for item in content["tasks"]:
        item["responsible"] = "Phòng Văn hóa - Xã hội"
    act(session, cast, ready(session, commune, "unit_plan_adapt"), content)
    approve = {"decision": "approve", "plan_number": "05/KH-UBND", "plan_date": "2026-01-08"}
    errors = refused(act, session, cast, ready(session, commune, "unit_plan_approve"), approve)
    assert errors == {"plan_date": "Ngày ban hành phải từ 01/01/2025 đến hôm nay (07/01/2026)"}


def test_the_date_rule_in_one_place() -> None:
    clock.set_now(at(date(2026, 12, 20), 9))
    assert deadlines.deadline_errors(date(2026, 12, 31), 2026, "d", "Hạn") == {}
    assert deadlines.deadline_errors(date(2027, 1, 31), 2026, "d", "Hạn", extension=True) == {}
    assert deadlines.past_date_errors(date(2025, 1, 1), 2026, "d", "Ngày") == {}
    assert deadlines.past_date_errors(date(2024, 12, 31), 2026, "d", "Ngày") == {
        "d": "Ngày phải từ 01/01/2025 đến hôm nay (20/12/2026)"}
    clock.set_now(at(date(2027, 1, 5), 9))  # the plan's year is over: no new deadline in it
    assert deadlines.deadline_errors(date(2027, 1, 5), 2026, "d", "Hạn báo cáo") == {
        "d": "Đã hết thời hạn của kế hoạch năm 2026 (hôm nay là 05/01/2027); hạn báo cáo "
             "không thể sau 31/12/2026"}
    clock.set_now(at(date(2025, 6, 1), 9))  # a plan prepared well ahead: from 01/10 before
    assert deadlines.deadline_errors(date(2025, 9, 30), 2026, "d", "Hạn") == {
        "d": "Hạn phải từ 01/10/2025 đến 31/12/2026"}


# Drafts and form bounds --------------------------------------------------------------------


def test_an_oversized_draft_is_refused_and_a_normal_one_kept(session: Session, world) -> None:
    _, cast = world
    commune = unit(session, "muong-la")
    adapt = ready(session, commune, "unit_plan_adapt")
    staff = cast.actor("unit_staff", commune.id)
    data = task_views.get(session, staff, adapt.id)[1]
    tasks.save_draft(session, staff, adapt.id, data)
    session.commit()
    kept = session.get(HumanTask, adapt.id).draft
    assert kept == data and len(json.dumps(kept, ensure_ascii=False).encode()) < MAX_DRAFT_BYTES
    huge = {**data, "notes": "Ghi chú " * 150_000}  # ~1,4 MB once serialized
    errors = refused(tasks.save_draft, session, staff, adapt.id, huge)
    assert errors == {"_form": "Bản nháp quá lớn (1,4 MB); chỉ lưu được bản nháp tối đa 1 MB. "
                               "Vui lòng rút gọn nội dung rồi lưu lại."}
    session.rollback()
    assert session.get(HumanTask, adapt.id).draft == data


def _unbounded(schema: Any, path: str) -> list[str]:
    """Return the paths of string fields without maxLength (nor enum/const), arrays without
    maxItems and open objects without maxProperties under `schema`."""
    if not isinstance(schema, dict):
        return []
    found: list[str] = []
    kinds = schema.get("type")
    kinds = set(kinds) if isinstance(kinds, list) else {kinds}
    closed = "enum" in schema or "const" in schema
    if "string" in kinds and "maxLength" not in schema and not closed:
        found.append(path)
    if "array" in kinds and "maxItems" not in schema:
        found.append(path)
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict) and "maxProperties" not in schema:
        found.append(path)
    for key, sub in schema.get("properties", {}).items():
        found += _unbounded(sub, f"{path}.{key}")
    found += _unbounded(schema.get("items"), f"{path}[]")
    found += _unbounded(extra, f"{path}.*")
    return found


def test_every_form_field_is_bounded() -> None:
    offenders = []
    for key in sorted(forms.known_keys()):
        offenders += _unbounded(forms.load(key).schema, key)
    assert offenders == []
    answers = forms.load("adhoc_report_fill").schema["properties"]["answers"]
    assert answers["maxProperties"] >= MAX_QUESTIONS
