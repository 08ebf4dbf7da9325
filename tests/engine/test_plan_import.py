"""The province plan from its annex workbook: export → import is the identity; next year's plan
(changed targets, one more KPI) is imported, drafted, issued and cascaded; bad files are
refused with sheet, row and column, and nothing is written."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.core import clock
from engine.core.spreadsheets import WorkbookRefused
from engine.demo.actors import act, ready_tasks
from engine.demo.bootstrap import at
from engine.domain import plan_workbook
from engine.domain.plan_rows import KPI_FIELDS, TASK_FIELDS, TEMPLATE_FIELDS
from engine.processes import plan_import
from engine.queries.plan_export import plan_workbook as export
from models import HumanTask, Plan, PlanStatus, ProcessInstance, Unit, UnitPlan


def unit_names(session: Session) -> list[str]:
    return list(session.scalars(select(Unit.name)))


def rows_of(items: Any, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{"code": i.code, **{f: getattr(i, f) for f in fields}} for i in items]


def next_year(data: bytes, changes: dict[tuple[str, str], Any] | None = None) -> bytes:
    """The 2026 workbook turned into 2027's: year, title, deadline, headers; then `changes`."""
    book = load_workbook(io.BytesIO(data))
    info = book["Thông tin"]
    for row in info.iter_rows(min_row=2):
        item = row[0].value
        if item == "Năm":
            row[1].value = 2027
        elif item == "Tên kế hoạch":
            row[1].value = "Kế hoạch Chuyển đổi số tỉnh Sơn La năm 2027"
        elif item == "Hạn đơn vị gửi kế hoạch":
            row[1].value = "11/01/2027"
        elif item in ("Số quyết định", "Ngày ban hành"):
            row[1].value = None
    kpis = book["Phụ lục I"]
    kpis["C1"], kpis["D1"] = "Kết quả năm 2026", "Chỉ tiêu 2027"
    kpis["D3"] = "50%"  # I.1: 44,65% → 50%
    kpis.insert_rows(5)  # after I.1 and I.2: a new KPI I.3
    new = ["3", "Tỷ lệ hộ gia đình có cáp quang", "-", "≥ 90%", "Sở Khoa học và Công nghệ",
           "Các doanh nghiệp viễn thông"]
    for column, value in enumerate(new, start=1):
        kpis.cell(row=5, column=column, value=value)
    for (sheet, cell), value in (changes or {}).items():
        book[sheet][cell] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_export_then_read_gives_the_same_plan(session: Session, world: Any) -> None:
    plan, _ = world
    rows = plan_workbook.read(export(plan), unit_names(session))
    assert rows.info.year == 2026 and rows.info.adoption_due == plan.adoption_due_date
    assert rows.info.decision_number == "33/QĐ-UBND"
    assert rows.kpis == rows_of(plan.kpis, KPI_FIELDS)
    assert rows.tasks == rows_of(plan.tasks, TASK_FIELDS)
    for kind in ("department", "commune"):
        template = [t for t in plan.template_tasks if t.unit_kind == kind]
        assert rows.templates[kind] == rows_of(template, TEMPLATE_FIELDS)
    assert [str(p) for p in rows.flagged] == []
    assert len(rows.kpis) == 30 and len(rows.tasks) == 58


def test_next_years_plan_is_imported_issued_and_cascaded(session: Session, world: Any) -> None:
    plan_2026, cast = world
    data = next_year(export(plan_2026))
    clock.set_now(at(date(2027, 1, 4), 8))
    preview = plan_import.preview(session, data)
    assert (preview.year, preview.kpis, preview.tasks) == (2027, 30, 58)
    assert session.scalar(select(func.count(Plan.id))) == 1  # the preview wrote nothing

    result = plan_import.run(session, data, None)
    session.commit()
    plan = session.get(Plan, result.plan_id)
    assert plan is not None and plan.status == PlanStatus.DRAFT and plan.year == 2027
    new_kpi = plan.kpis[2]
    assert (new_kpi.code, new_kpi.comparator, new_kpi.target_value) == ("I.3", ">=", 90.0)
    assert (plan.kpis[0].target_text, plan.kpis[0].target_value) == ("50%", 50.0)
    draft = ready_tasks(session, form_key="province_plan_draft")
    assert [t.instance.plan_id for t in draft] == [plan.id]

    act(
        session,
        cast,
        draft[0],
        {
            "title": plan.title,
            "adoption_due_date": "2027-01-11",
            "target_kinds": ["department", "commune"],
            "reminder_days_before": 2,
            "grace_days": 5,
        },
    )
    approve = ready_tasks(session, form_key="province_plan_approve")[0]
    act(
        session,
        cast,
        approve,
        {
            "decision": "approve",
            "decision_number": "5/QĐ-UBND",
            "decision_date": "2027-01-04",  # the clock's day: not in the future
        },
    )
    session.commit()
    assert plan.status == PlanStatus.ISSUED
    adoption = session.scalars(
        select(HumanTask)
        .join(ProcessInstance)
        .where(ProcessInstance.plan_id == plan.id, HumanTask.form_key == "unit_plan_adapt")
    ).all()
    assert len(adoption) == 90 and {t.due_date for t in adoption} == {date(2027, 1, 11)}
    commune = session.scalars(select(Unit).where(Unit.code == "muong-la")).one()
    task = next(t for t in adoption if t.unit_id == commune.id)
    _, form = tasks_get(session, cast, task)
    targets = {k["code"]: (k["comparator"], k["target_value"]) for k in form["kpis"]}
    assert targets["I.1"] == (">=", 50.0) and targets["I.3"] == (">=", 90.0)
    assert session.scalars(select(UnitPlan).where(UnitPlan.plan_id == plan.id)).first()


def tasks_get(session: Session, cast: Any, task: HumanTask) -> tuple[Any, dict[str, Any]]:
    from engine.queries import task_views

    return task_views.get(session, cast.actor(task.role, task.unit_id), task.id)


def test_reimporting_a_draft_replaces_its_rows_and_an_issued_year_is_refused(
    session: Session, world: Any
) -> None:
    plan_2026, _ = world
    data = next_year(export(plan_2026))
    first = plan_import.run(session, data, None)
    fewer = next_year(export(plan_2026), {("Phụ lục I", "D4"): "80%"})
    again = plan_import.run(session, fewer, None)
    assert again.plan_id == first.plan_id and again.replaces_draft
    plan = session.get(Plan, first.plan_id)
    assert plan is not None and plan.kpis[1].target_value == 80.0
    assert (
        session.scalar(
            select(func.count(ProcessInstance.id)).where(
                ProcessInstance.process_key == "province_plan", ProcessInstance.plan_id == plan.id
            )
        )
        == 1
    )
    with pytest.raises(WorkbookRefused) as issued:
        plan_import.run(session, export(plan_2026), None)
    assert "Kế hoạch năm 2026 đã được ban hành" in str(issued.value.problems[0])


def refusals(session: Session, data: bytes) -> list[str]:
    with pytest.raises(WorkbookRefused) as caught:
        plan_import.run(session, data, None)
    return [str(p) for p in caught.value.problems]


def test_a_plan_workbook_with_errors_is_refused_whole(session: Session, world: Any) -> None:
    plan_2026, _ = world
    base = export(plan_2026)
    broken = next_year(
        base,
        {
            ("Phụ lục I", "E3"): "Sở Du lịch",  # unknown unit in Cơ quan chủ trì
            ("Phụ lục I", "A4"): "1",  # I.1 twice
            ("Phụ lục II", "B3"): None,  # empty task name
            ("Phụ lục I", "D8"): None,  # a KPI without target (II.2)
            ("Phụ lục I", "D9"): "#REF!",  # an unreadable target (a broken formula)
        },
    )
    problems = refusals(session, broken)
    assert (
        "Trang 'Phụ lục I', dòng 3, cột E (Cơ quan chủ trì): "
        "Không có đơn vị 'Sở Du lịch' trong danh sách đơn vị"
        in problems
    )
    assert "Trang 'Phụ lục I', dòng 4, cột A (STT): Mã I.1 trùng với dòng 3" in problems
    assert "Trang 'Phụ lục II', dòng 3, cột B (Tên nhiệm vụ): Thiếu nội dung" in problems
    assert "Trang 'Phụ lục I', dòng 9, cột D (Chỉ tiêu): Ô chỉ tiêu bị lỗi công thức (#REF!)" in (
        problems
    )
    assert "Trang 'Phụ lục I', dòng 8, cột D (Chỉ tiêu): Thiếu chỉ tiêu" in problems
    book = load_workbook(io.BytesIO(next_year(base)))
    del book["Phụ lục II"]
    out = io.BytesIO()
    book.save(out)
    assert refusals(session, out.getvalue()) == ["Thiếu trang 'Phụ lục II'"]
    bad_year = next_year(base, {("Thông tin", "B2"): "năm sau"})
    assert "Trang 'Thông tin', dòng 2, cột B (Giá trị): Năm phải là số có 4 chữ số" in refusals(
        session, bad_year
    )
    assert refusals(session, b"not a workbook") == ["Tệp không phải là bảng tính Excel (.xlsx)"]
    assert session.scalar(select(func.count(Plan.id))) == 1


def test_an_unreadable_target_is_flagged_not_refused(session: Session, world: Any) -> None:
    plan_2026, _ = world
    data = next_year(export(plan_2026), {("Phụ lục I", "D3"): "100%; 97,4%"})
    result = plan_import.preview(session, data)
    assert [str(p) for p in result.flagged] == [
        "Trang 'Phụ lục I', dòng 3, cột D (Chỉ tiêu): Chưa đọc được chỉ tiêu '100%; 97,4%'; "
        "cần đặt so sánh, giá trị và đơn vị"
    ]


def test_last_years_plan_is_copied_in_one_step(session: Session, world: Any) -> None:
    plan_2026, _ = world
    plan = plan_import.copy_plan(session, plan_2026.id, 2027, None)
    assert (plan.year, plan.status, plan.adoption_due_date) == (
        2027,
        PlanStatus.DRAFT,
        date(2027, 1, 10),
    )
    assert plan.title == "Kế hoạch Chuyển đổi số tỉnh Sơn La năm 2027"
    assert rows_of(plan.kpis, KPI_FIELDS) == rows_of(plan_2026.kpis, KPI_FIELDS)
    assert len(plan.template_tasks) == len(plan_2026.template_tasks)
    assert ready_tasks(session, form_key="province_plan_draft")
    from engine.core.errors import ConflictError

    with pytest.raises(ConflictError):
        plan_import.copy_plan(session, plan_2026.id, 2027, None)


def test_last_years_workbook_as_a_template_needs_only_its_information_sheet(
    session: Session, world: Any
) -> None:
    plan_2026, _ = world
    book = load_workbook(io.BytesIO(export(plan_2026)))
    for row in book["Thông tin"].iter_rows(min_row=2):
        if row[0].value == "Năm":
            row[1].value = 2027
        elif row[0].value == "Hạn đơn vị gửi kế hoạch":
            row[1].value = "11/01/2027"
    out = io.BytesIO()
    book.save(out)
    result = plan_import.preview(session, out.getvalue())
    assert result.year == 2027
    assert [str(p) for p in result.flagged] == [
        "Trang 'Phụ lục I', cột D (Chỉ tiêu): Tiêu đề cột ghi năm 2026; kế hoạch được nhập "
        "là năm 2027 (theo trang 'Thông tin')"
    ]
