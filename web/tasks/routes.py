"""The task page: the generated form, save draft, complete; claim and release."""
from __future__ import annotations

from collections import Counter
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from engine.core import clock
from engine.core.errors import FieldErrors
from engine.core.formatting import format_number
from engine.core.labels import process_label, role_label
from engine.core.permissions import may_act_on_task
from engine.processes import tasks
from engine.queries import inbox, task_pages, task_views, thread
from engine.queries.task_views import TaskView
from engine.workflow import forms
from models import InstanceStatus
from web import forms_binding
from web.auth.identity import current_actor, safe_next
from web.database import db_session
from web.tasks import editor, error_summary, layout

bp = Blueprint("tasks", __name__)

EDITOR_TABS = ("kpis", "tasks", "notes")


def _first_tab(error_counts: Counter[str]) -> str:
    """Return the editor tab to open: the first with errors, else the one asked for."""
    with_errors = [tab for tab in EDITOR_TABS if error_counts.get(tab)]
    asked = request.args.get("tab", "")
    return with_errors[0] if with_errors else (asked if asked in EDITOR_TABS else EDITOR_TABS[0])


def render_task(view: TaskView, data: dict[str, Any], errors: dict[str, str],
                status: int = 200) -> ResponseReturnValue:
    """Render the task page with `data` in the form and `errors` (engine paths) beside fields."""
    definition = forms.load(view.form_key)
    actor = current_actor()
    editable = may_act_on_task(actor, view.role, view.unit_id, view.status, view.claimed_by_id)
    context = task_pages.form_context_for(db_session(), view)
    widget = definition.ui.get("ui:widget")
    html_errors = {forms_binding.field_name(k): v for k, v in errors.items()}
    fields = layout.fields_of(definition.schema, definition.ui)
    error_counts = Counter(k.split(".")[0] for k in errors)
    first_tab = _first_tab(error_counts)
    return render_template(
        "tasks/show.html", task=view, data=data, errors=html_errors, context=context,
        widgets=task_pages.widgets_for(db_session(), view),
        thread=thread.for_task(db_session(), actor, view.id),
        changes=task_pages.changes_for(db_session(), view),
        definition=definition, fields=fields,
        error_links=error_summary.links(html_errors, fields, definition.schema, data),
        widget=widget, editable=editable,
        error_counts=error_counts, first_tab=first_tab,
        urgency=inbox.urgency(view.due_date, clock.today()),
        claimed_by_me=view.claimed_by_id == actor.user_id,
        process_name=process_label(view.process_key), role_name=role_label(view.role),
        show_value=layout.show_value, show_number=format_number,
        verdict_preview=layout.verdict_preview, item_options=layout.item_options,
        item_props=layout.item_props), status


@bp.get("/tasks/<id:task_id>")
@login_required
def show_task(task_id: int) -> ResponseReturnValue:
    """Show a task's form, prefilled with its draft or the domain's starting data."""
    view, data = task_views.get(db_session(), current_actor(), task_id)
    return render_task(view, data, {})


def _submitted(form_key: str) -> dict[str, Any]:
    """Return the posted form as typed data of the task's schema."""
    raw = forms_binding.drop_blank_added(forms_binding.parse(request.form))
    data = forms.coerce(forms.load(form_key).schema, raw)
    return data if isinstance(data, dict) else {}


@bp.post("/tasks/<id:task_id>")
@login_required
def submit_task(task_id: int) -> ResponseReturnValue:
    """Save the form as a draft, add an editor row, or complete the task."""
    session, actor = db_session(), current_actor()
    view, _ = task_views.get(session, actor, task_id)
    data = _submitted(view.form_key)
    action = request.form.get("action", "complete")
    if action in ("draft", "add_task"):
        anchor = None
        if action == "add_task":
            data, row = editor.add_task_row(data)
            anchor = f"task-row-{row}"
        try:
            tasks.save_draft(session, actor, task_id, data)
        except FieldErrors as exc:  # too large to keep: said on the form, what was typed kept
            session.rollback()
            return render_task(view, data, exc.errors, 400)
        session.commit()
        if anchor is None:
            flash("Đã lưu nháp.", "success")
        return redirect(url_for("tasks.show_task", task_id=task_id, tab="tasks" if anchor else None,
                                _anchor=anchor))
    try:
        done = tasks.complete(session, actor, task_id, data)
    except FieldErrors as exc:
        session.rollback()
        typed = layout.number_errors(forms.load(view.form_key).schema, data)
        return render_task(view, data, {**exc.errors, **typed}, 400)
    session.commit()
    if done.instance.status == InstanceStatus.ERROR:  # saved, but the next step failed
        flash(f"Đã lưu kết quả của bạn: {done.title}. Bước tiếp theo của quy trình gặp lỗi nên "
              "quy trình tạm dừng; quản trị viên sẽ xử lý, bạn không cần làm lại.", "warning")
    else:
        flash(f"Đã hoàn thành: {done.title}", "success")
    return redirect(url_for("inbox.list_tasks"))


def _back() -> str:
    """Return where to go afterwards: the form's `next` when it is safe (read before acting)."""
    return safe_next(request.form.get("next")) or url_for("inbox.list_tasks")


@bp.post("/tasks/<id:task_id>/claim")
@login_required
def claim_task(task_id: int) -> ResponseReturnValue:
    """Take a task so colleagues see I am handling it."""
    session, actor, back = db_session(), current_actor(), _back()
    view, _ = task_views.get(session, actor, task_id)
    tasks.claim(session, actor, task_id)
    session.commit()
    flash(f"Đã nhận xử lý: {view.title}", "success")
    return redirect(back)


@bp.post("/tasks/<id:task_id>/release")
@login_required
def release_task(task_id: int) -> ResponseReturnValue:
    """Hand a task I took back to my colleagues."""
    session, actor, back = db_session(), current_actor(), _back()
    view, _ = task_views.get(session, actor, task_id)
    tasks.release(session, actor, task_id)
    session.commit()
    flash(f"Đã trả lại công việc cho nhóm: {view.title}", "info")
    return redirect(back)
