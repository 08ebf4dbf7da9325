"""engine.queries.form_context: names, targets and reviewers' comments beside a task's form."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import clock
from engine.demo.actors import act, ready_tasks
from engine.demo.bootstrap import at
from engine.queries import form_context, task_pages, task_views
from models import Unit
from tests.scripted import adopt_plan


def _unit(session: Session, code: str) -> Unit:
    return session.scalars(select(Unit).where(Unit.code == code)).one()


def test_adaptation_context_names_kpis_and_template_tasks(session: Session, world) -> None:
    _, cast = world
    commune = _unit(session, "muong-la")
    task = ready_tasks(session, unit_id=commune.id, form_key="unit_plan_adapt")[0]
    view, _ = task_views.get(session, cast.actor("unit_staff", commune.id), task.id)
    context = task_pages.form_context_for(session, view)
    assert context.kpis["I.1"].name == "Tỷ lệ phủ sóng 5G trên địa bàn"
    assert context.kpis["I.1"].target_text == "44,65%"
    assert context.kpis["II.8.1"].parent_name is not None
    assert len(context.template_tasks) == 24 and context.returned is None
    assert context.unit_plan is None


def test_returned_plan_carries_the_reviewers_comments(session: Session, world) -> None:
    _, cast = world
    commune = _unit(session, "muong-la")
    clock.set_now(at(date(2026, 1, 7), 9))
    adopt_plan(session, cast, commune, "12/KH")
    review = ready_tasks(session, unit_id=commune.id, form_key="unit_plan_review")[0]
    view, _ = task_views.get(session, cast.actor("dost_staff", None), review.id)
    summary = task_pages.form_context_for(session, view).unit_plan
    assert summary is not None and summary.plan_number == "12/KH"
    assert len(summary.kpis) == 29 and summary.due_date == date(2026, 1, 10)
    clock.set_now(at(date(2026, 1, 8), 10))
    act(session, cast, review, {"decision": "return", "comments": "Bổ sung Đề án 06"})
    adapt = ready_tasks(session, unit_id=commune.id, form_key="unit_plan_adapt")[0]
    view, _ = task_views.get(session, cast.actor("unit_staff", commune.id), adapt.id)
    note = task_pages.form_context_for(session, view).returned
    assert note is not None and note.comments == "Bổ sung Đề án 06"
    assert note.by_name == "Chuyên viên Sở Khoa học và Công nghệ"
    assert note.at is not None and note.at.date() == date(2026, 1, 8)


def test_other_processes_have_an_empty_context(session: Session, world) -> None:
    view = task_views.TaskView(
        id=0,
        title="",
        process_key="province_plan",
        instance_id=0,
        unit_id=0,
        unit_code="",
        unit_name="",
        role="",
        form_key="",
        due_date=None,
        status="ready",
        claimed_by_id=None,
        created_at=clock.now(),
    )
    assert task_pages.form_context_for(session, view) == form_context.FormContext()


def test_each_form_key_has_its_page_parts_and_a_generic_step_its_process_parts() -> None:
    def view(process_key: str, form_key: str) -> task_views.TaskView:
        return task_views.TaskView(
            id=0,
            title="",
            process_key=process_key,
            instance_id=0,
            unit_id=0,
            unit_code="",
            unit_name="",
            role="",
            form_key=form_key,
            due_date=None,
            status="ready",
            claimed_by_id=None,
            created_at=clock.now(),
        )

    assert (
        task_pages.parts_for(view("unit_plan", "unit_plan_adapt")).form is form_context.adaptation
    )
    assert task_pages.parts_for(view("unit_plan", "confirm")).form is form_context.plan_summary
    assert task_pages.parts_for(view("quarterly_report", "confirm")) is task_pages.NOTHING
