"""The report widgets of the task page: the quarterly report editor (own targets, live verdict
preview, internal departments' inputs), the province report beside aggregation_review and
aggregation_approve, and the unit picker of inspection_select.

The quarterly tests start from the issued plan: xã Mường La adopts its plan (VNeID at 85 %, its
tasks given to its departments) and the first quarter opens on 19/02/2026. The aggregation and
inspection tests start from the year played to 08/03/2026 (tests/web/year_state.py)."""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from engine.core import clock
from engine.demo.actors import act, make_cast, ready_tasks
from engine.demo.bootstrap import at, province_unit
from engine.demo.scripted_year import adaptation
from engine.domain.kpis import verdict
from engine.domain.status import StageStatus
from engine.processes import timers
from engine.queries import supervision
from models import HumanTask, HumanTaskStatus, Plan, ProcessInstance, Report, Unit
from tests.web.conftest import field_value, flashes, form_fields, set_field, text, unit_id
from tests.web.year_state import year_db, year_plan  # noqa: F401  (fixtures)

Fresh = Callable[[], Session]
SignedIn = Callable[[str], FlaskClient]
VNEID = "III.14"
DEPARTMENT = "muong-la-phong-kinh-te"


@pytest.fixture
def played_year() -> None:
    """Ask for the year played to 08/03/2026 instead of the freshly issued plan."""


@pytest.fixture
def db_engine(request: pytest.FixtureRequest, db_engine: Engine) -> Engine:
    """The issued plan (tests/web/conftest.py), or the played year for `played_year` tests."""
    if "played_year" in request.fixturenames:
        return request.getfixturevalue("year_db")
    return db_engine


@pytest.fixture
def web_data(request: pytest.FixtureRequest) -> Any:
    """The issued plan (the played year is already in its database)."""
    if "played_year" in request.fixturenames:
        return None
    return request.getfixturevalue("world")


def _ready_id(fresh: Fresh, form_key: str, unit_code: str | None = None) -> int:
    with fresh() as session:
        query = select(HumanTask.id).where(HumanTask.form_key == form_key,
                                           HumanTask.status == HumanTaskStatus.READY)
        if unit_code is not None:
            query = query.where(HumanTask.unit_id == unit_id(session, unit_code))
        return session.scalars(query).one()


def _post(client: FlaskClient, task_id: int, fields: list[tuple[str, str]],
          action: str = "complete") -> Any:
    return client.post(f"/tasks/{task_id}", data=MultiDict(fields + [("action", action)]))


def _completed(client: FlaskClient, response: Any) -> None:
    assert response.status_code == 302, text(response)[:3000]
    assert response.headers["Location"] == "/"
    assert any(m.startswith("Đã hoàn thành: ") for m in flashes(client))


def _index(fields: list[tuple[str, str]], array: str, code: str) -> int:
    for name, value in fields:
        if name.startswith(f"{array}-") and name.endswith("-code") and value == code:
            return int(name.split("-")[1])
    raise AssertionError(f"{code} not on the form")


# --- the quarterly report editor ---------------------------------------------------------------

@pytest.fixture
def q1_open(session: Session, world: Any) -> Plan:
    """Mường La adopts its plan (VNeID ≥ 85 %); the first quarter opens on 19/02/2026."""
    plan, cast = world
    unit = session.scalars(select(Unit).where(Unit.code == "muong-la")).one()
    clock.set_now(at(date(2026, 1, 8), 10))
    content = adaptation(session, plan.id, unit)
    for item in content["kpis"]:
        if item["code"] == VNEID:
            item["target_value"] = 85
    for form, data in (("unit_plan_adapt", content),
                       ("unit_plan_approve", {"decision": "approve", "plan_number": "12/KH-UBND",
                                              "plan_date": "2026-01-08"}),
                       ("unit_plan_review", {"decision": "accept"})):
        for task in ready_tasks(session, unit_id=unit.id, form_key=form):
            act(session, cast, task, data)
    session.commit()
    clock.set_now("2026-02-19T08:01+07:00")
    timers.tick(session)
    session.commit()
    clock.set_now("2026-02-20T09:00+07:00")
    return plan


def test_the_editor_shows_the_units_own_targets_prefilled(
        q1_open: Plan, signed_in: SignedIn, fresh: Fresh) -> None:
    task_id = _ready_id(fresh, "quarterly_report_fill", "muong-la")
    html = text(signed_in("muong-la.staff").get(f"/tasks/{task_id}"))
    assert 'id="report-kpi-table"' in html and 'id="report-task-table"' in html
    assert "Quý I · hạn cuối: hết ngày 05/03/2026 (gửi trong ngày này vẫn đúng hạn)" in html
    fields = form_fields(html)
    row = _index(fields, "kpi_results", VNEID)
    assert field_value(fields, f"kpi_results-{row}-actual_value") == ""
    vneid = html[html.index(f'data-kpi="{VNEID}"'):]
    vneid = vneid[:vneid.index("</tr>")]
    assert 'data-target="85' in vneid and "≥ 85%" in vneid and "Tỉnh: " in vneid
    assert 'kpi-verdict " aria-live="polite" hidden></span>' in vneid  # no figure, no verdict
    assert field_value(fields, "task_statuses-0-status") == "not_started"
    for label in ("Đã hoàn thành", "Đang thực hiện", "Chưa thực hiện"):
        assert f">{label}</option>" in html
    assert "Phòng Kinh tế" in html  # the department responsible for a task
    assert "js/quarterly_report_editor.js" in html


def test_posting_the_rendered_form_completes_and_stores_verdicts(
        q1_open: Plan, signed_in: SignedIn, fresh: Fresh) -> None:
    staff = signed_in("muong-la.staff")
    task_id = _ready_id(fresh, "quarterly_report_fill", "muong-la")
    fields = form_fields(text(staff.get(f"/tasks/{task_id}")))
    vneid = _index(fields, "kpi_results", VNEID)
    fields = set_field(fields, f"kpi_results-{vneid}-actual_value", "97,8")
    fields = set_field(fields, f"kpi_results-{vneid}-actual_text", "Đã kích hoạt 97,8%")
    other = 0 if vneid else 1
    fields = set_field(fields, f"kpi_results-{other}-actual_value", "0,5")
    fields = set_field(fields, "task_statuses-0-status", "done")
    fields = set_field(fields, "task_statuses-0-description", "Đã ban hành kế hoạch")
    fields = set_field(fields, "notes", "Thiếu thiết bị đầu cuối")
    _completed(staff, _post(staff, task_id, fields))
    with fresh() as session:
        report = session.scalars(select(Report).where(
            Report.unit_id == unit_id(session, "muong-la"), Report.round_key == "q1")).one()
        results = {k["code"]: k for k in report.kpi_results}
        assert results[VNEID]["actual_value"] == 97.8 and results[VNEID]["verdict"] == "dat"
        assert results[VNEID]["target_value"] == 85
        first = report.kpi_results[other]
        assert first["actual_value"] == 0.5
        assert first["verdict"] == verdict(0.5, first["target_value"], first["comparator"]).value
        blank = [k for i, k in enumerate(report.kpi_results) if i not in (vneid, other)]
        assert blank and all(k["verdict"] == "chua_dat" for k in blank)
        assert report.task_statuses[0]["status"] == "done"
        assert report.notes == "Thiếu thiết bị đầu cuối"
        assert ready_tasks(session, unit_id=report.unit_id, form_key="quarterly_report_approve")
    # the leader decides on the report as it was sent, shown read-only above the decision
    leader = signed_in("muong-la.leader")
    page = text(leader.get(f"/tasks/{_ready_id(fresh, 'quarterly_report_approve', 'muong-la')}"))
    assert 'id="report-summary"' in page and "Đã kích hoạt 97,8%" in page
    assert "Thiếu thiết bị đầu cuối" in page and "Đã ban hành kế hoạch" in page


@pytest.mark.parametrize(("typed", "message"), [
    ("abc", "Phải là một số, ví dụ 97,8"),
    ("120", "Giá trị phải nhỏ hơn hoặc bằng 100"),
])
def test_a_bad_number_is_shown_next_to_its_field(
        q1_open: Plan, signed_in: SignedIn, fresh: Fresh, typed: str, message: str) -> None:
    staff = signed_in("muong-la.staff")
    task_id = _ready_id(fresh, "quarterly_report_fill", "muong-la")
    fields = form_fields(text(staff.get(f"/tasks/{task_id}")))
    fields = set_field(fields, "kpi_results-3-actual_value", typed)
    response = _post(staff, task_id, fields)
    assert response.status_code == 400
    html = text(response)
    assert 'id="form-errors"' in html
    cell = html[html.index('name="kpi_results-3-actual_value"'):]
    cell = cell[:cell.index("</td>")]
    assert f'value="{typed}"' in cell and message in cell
    assert 'class="nav-link active" id="tab-kpi_results"' in html or \
        re.search(r'nav-link active"[^>]*id="tab-kpi_results"', html)
    with fresh() as session:
        assert session.get(HumanTask, task_id).status == HumanTaskStatus.READY


def test_a_commune_sees_what_its_departments_reported(
        q1_open: Plan, signed_in: SignedIn, fresh: Fresh) -> None:
    department = signed_in(f"{DEPARTMENT}.staff")
    task_id = _ready_id(fresh, "internal_report_fill", DEPARTMENT)
    html = text(department.get(f"/tasks/{task_id}"))
    assert 'id="report-task-table"' in html and 'id="tab-kpi_results"' not in html  # no KPI tab
    assert 'id="internal-inputs"' not in html
    fields = form_fields(html)
    assert field_value(fields, "task_statuses-0-code")
    fields = set_field(fields, "task_statuses-0-status", "in_progress")
    fields = set_field(fields, "task_statuses-0-description", "Đang rà soát thủ tục trực tuyến")
    _completed(department, _post(department, task_id, fields))

    html = text(signed_in("muong-la.staff").get(
        f"/tasks/{_ready_id(fresh, 'quarterly_report_fill', 'muong-la')}"))
    section = html[html.index('id="internal-inputs"'):html.index('id="task-form"')]
    assert "Quý I (hạn 02/03/2026)" in section and "Đã gửi 1/6 bộ phận" in section
    rows = {m.group(1): m.group(0)
            for m in re.finditer(r'<tr data-unit="([a-z0-9-]+)".*?</tr>', section, re.S)}
    assert len(rows) == 6
    sent = rows[DEPARTMENT]
    assert "Phòng Kinh tế" in sent and "20/02/2026" in sent and "Đúng hạn" in sent
    assert "Đang rà soát thủ tục trực tuyến" in sent and "Đang thực hiện" in sent
    assert all("Chưa gửi" in row for code, row in rows.items() if code != DEPARTMENT)
    assert "Phòng Kinh tế: <strong>Đang thực hiện</strong>" in html  # beside the task itself


def test_a_late_department_is_flagged(q1_open: Plan, session: Session, signed_in: SignedIn,
                                      fresh: Fresh) -> None:
    clock.set_now("2026-03-03T10:00+07:00")  # the departments' deadline was 02/03
    cast = make_cast(session, province_unit(session).id)
    task = ready_tasks(session, unit_id=unit_id(session, DEPARTMENT),
                       form_key="internal_report_fill")[0]
    act(session, cast, task, {"task_statuses": [], "notes": "Gửi muộn"})
    session.commit()
    html = text(signed_in("muong-la.staff").get(
        f"/tasks/{_ready_id(fresh, 'quarterly_report_fill', 'muong-la')}"))
    section = html[html.index('id="internal-inputs"'):html.index('id="task-form"')]
    row = section[section.index(f'data-unit="{DEPARTMENT}"'):]
    row = row[:row.index("</tr>")]
    assert 'data-late="true"' in row and "03/03/2026" in row and "Nộp muộn" in row
    assert "Quá hạn" in section  # the others are overdue, not just unsent


# --- the province report: aggregation_review and aggregation_approve ---------------------------

def _overdue_q1(session: Session) -> list[Unit]:
    plan = year_plan(session)
    rows = supervision.build(session, plan).rows
    codes = [r.code for r in rows if r.cells["q1"].status == StageStatus.OVERDUE]
    return [session.scalars(select(Unit).where(Unit.code == c)).one() for c in codes]


def test_the_review_shows_late_and_missing_units_by_name(
        played_year: None, session: Session, signed_in: SignedIn, fresh: Fresh) -> None:
    overdue = _overdue_q1(session)
    assert len(overdue) >= 3
    late, missing = overdue[0], overdue[1:]
    cast = make_cast(session, province_unit(session).id)
    clock.set_now("2026-03-09T10:00+07:00")
    for form in ("quarterly_report_fill", "quarterly_report_approve"):
        task = ready_tasks(session, unit_id=late.id, form_key=form)[0]
        data: dict[str, Any] = (
            {"decision": "approve", "report_number": "9/BC"} if form.endswith("approve")
            else {"kpi_results": [], "task_statuses": []}
        )
        act(session, cast, task, data)
    session.commit()
    clock.set_now("2026-03-13T08:01+07:00")  # the first quarter closes: the report is made
    timers.tick(session)
    clock.set_now("2026-03-13T09:00+07:00")

    staff = signed_in("skhcn.staff")
    task_id = _ready_id(fresh, "aggregation_review")
    html = text(staff.get(f"/tasks/{task_id}"))
    report = html[html.index('id="aggregate-report"'):html.index('id="task-form"')]
    assert "Báo cáo tổng hợp Quý I" in report
    late_list = report[report.index('id="who-late"'):report.index('id="who-on_time"')]
    assert late.name in late_list
    missing_list = report[report.index('id="who-missing"'):report.index('id="who-late"')]
    for unit in missing:
        assert unit.name in missing_list
    assert f"Chưa gửi: <strong class=\"text-danger\">{len(missing)}</strong>" in report
    assert 'id="aggregate-kpis"' in report and "Tỷ lệ phủ sóng 5G trên địa bàn" in report
    assert 'id="aggregate-tasks-commune"' in report and "Đã hoàn thành" in report
    fields = form_fields(html)
    assert {n for n, _ in fields} >= {"summary", "recommendations"}
    assert '<textarea class="form-control" id="input-summary"' in html
    fields = set_field(fields, "summary", "Còn nhiều đơn vị chưa gửi báo cáo quý I.")
    fields = set_field(fields, "recommendations", "Đề nghị UBND tỉnh nhắc nhở các đơn vị.")
    _completed(staff, _post(staff, task_id, fields))

    leader = signed_in("skhcn.leader")
    approve_id = _ready_id(fresh, "aggregation_approve")
    html = text(leader.get(f"/tasks/{approve_id}"))
    report = html[html.index('id="aggregate-report"'):html.index('id="task-form"')]
    assert late.name in report and missing[0].name in report
    assert "Còn nhiều đơn vị chưa gửi báo cáo quý I." in report
    assert "Đề nghị UBND tỉnh nhắc nhở các đơn vị." in report
    _completed(leader, _post(leader, approve_id, form_fields(html) + [("decision", "approve")]))


# --- the unit picker: inspection_select --------------------------------------------------------

@pytest.fixture
def inspection_open(played_year: None, session: Session) -> int:
    """The inspection round opens on 01/08/2026; return the number of units of the plan."""
    clock.set_now("2026-08-01T08:01+07:00")
    timers.tick(session)
    clock.set_now("2026-08-03T09:00+07:00")
    return len(supervision.build(session, year_plan(session)).rows)


def _lateness(session: Session) -> dict[str, int]:
    rows = supervision.build(session, year_plan(session)).rows
    late = (StageStatus.DONE_LATE, StageStatus.OVERDUE)
    return {r.code: sum(c.status in late for c in r.cells.values()) for r in rows}


def test_the_picker_lists_units_most_late_first(
        inspection_open: int, session: Session, signed_in: SignedIn, fresh: Fresh) -> None:
    html = text(signed_in("skhcn.leader").get(f"/tasks/{_ready_id(fresh, 'inspection_select')}"))
    picker = html[html.index('id="unit-picker"'):]
    codes = re.findall(r'<tr class="unit-pick"[^>]*data-code="([a-z0-9-]+)"', picker)
    assert len(codes) == inspection_open
    totals = [int(t) for t in re.findall(r'<tr class="unit-pick"[^>]*data-total="(\d+)"', picker)]
    assert totals == sorted(totals, reverse=True) and totals[0] > totals[-1]
    assert dict(zip(codes, totals, strict=True)) == _lateness(session)
    assert re.search(rf'name="unit_codes\[\]"\s+value="{codes[0]}"', picker)
    assert "Quý I: quá hạn" in picker or "Quý I: hoàn thành quá hạn" in picker
    assert 'id="unit-picker-filter"' in html and "js/unit_picker.js" in html
    assert field_value(form_fields(html), "due_date") == "30/11/2026"


def test_choosing_two_units_starts_two_inspections(
        inspection_open: int, session: Session, signed_in: SignedIn, fresh: Fresh) -> None:
    leader = signed_in("skhcn.leader")
    task_id = _ready_id(fresh, "inspection_select")
    fields = form_fields(text(leader.get(f"/tasks/{task_id}")))
    assert [v for n, v in fields if n == "unit_codes[]"] == [""]  # nothing chosen yet
    response = _post(leader, task_id, fields)
    assert response.status_code == 400
    assert "Cần ít nhất 1 mục" in text(response)[text(response).index('id="unit-picker"'):]

    fields = set_field(fields, "plan_number", "20/KH-BCĐ")
    chosen = ["muong-la", "so-tai-chinh"]
    _completed(leader, _post(leader, task_id, fields + [("unit_codes[]", c) for c in chosen]))
    with fresh() as check:
        started = check.scalars(
            select(Unit.code).join(ProcessInstance, ProcessInstance.unit_id == Unit.id)
            .where(ProcessInstance.process_key == "inspection")).all()
        assert sorted(started) == sorted(chosen)
        assert check.scalar(select(func.count(HumanTask.id)).where(
            HumanTask.form_key == "inspection_findings",
            HumanTask.status == HumanTaskStatus.READY)) == 2


# --- field naming ------------------------------------------------------------------------------

def test_report_field_names_round_trip_through_the_binding_and_coerce() -> None:
    from engine.workflow import forms
    from web.forms_binding import parse
    from web.tasks.layout import number_errors

    schema = forms.load("quarterly_report_fill").schema
    raw = parse(MultiDict([
        ("kpi_results-0-code", "I.1"), ("kpi_results-0-actual_value", "97,8"),
        ("kpi_results-1-code", "I.2"), ("kpi_results-1-actual_value", ""),
        ("kpi_results-2-code", "II.1"), ("kpi_results-2-actual_value", "nhiều"),
        ("task_statuses-0-code", "I.1"), ("task_statuses-0-status", "done"),
        ("notes", "Ghi chú")]))
    data = forms.coerce(schema, raw)
    assert data["kpi_results"][:2] == [{"code": "I.1", "actual_value": 97.8}, {"code": "I.2"}]
    assert number_errors(schema, data) == {
        "kpi_results.2.actual_value": "Phải là một số, ví dụ 97,8"}
    assert data["task_statuses"] == [{"code": "I.1", "status": "done"}]
    assert schema["properties"]["kpi_results"]["items"]["properties"]["actual_value"]["type"] == [
        "number", "null"]  # coerce reads nullable types without changing the schema
