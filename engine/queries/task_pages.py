"""What a task page shows beside its form, registered once per form key.

Each form key maps to its page parts: the form context (KPI and task names, targets, reviewers'
comments: `form_context`) and the widgets (report editor, submitted report, province report,
unit picker: `widget_context`) and, above a decision on a unit plan, what changed since the
previous submission (`plan_changes`). Adding a form means adding its entry to `BY_FORM`. A step an
administrator adds to a process with a generic form (`confirm`) shows what that process's own
decision steps show (`BY_PROCESS`); any other form shows nothing beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from engine.queries import form_context, plan_changes, widget_context
from engine.queries.form_context import FormContext
from engine.queries.plan_changes import PlanChanges
from engine.queries.task_views import TaskView
from engine.queries.widget_context import WidgetContext

FormPart = Callable[[Session, TaskView], FormContext]
WidgetPart = Callable[[Session, TaskView], WidgetContext]
ChangesPart = Callable[[Session, TaskView], PlanChanges | None]


def _no_form_context(session: Session, view: TaskView) -> FormContext:
    """Show no names, targets or comments beside the form."""
    return FormContext()


def _no_widgets(session: Session, view: TaskView) -> WidgetContext:
    """Show no widget data beside the form."""
    return WidgetContext()


def _no_changes(session: Session, view: TaskView) -> PlanChanges | None:
    """Show no summary of changes above the form."""
    return None


@dataclass(frozen=True)
class PageParts:
    """The builders of what a task page shows beside a form."""

    form: FormPart = _no_form_context
    widgets: WidgetPart = _no_widgets
    changes: ChangesPart = _no_changes


NOTHING = PageParts()

BY_FORM: dict[str, PageParts] = {
    "province_plan_draft": PageParts(widgets=widget_context.plan_contents),
    "adhoc_report_fill": PageParts(widgets=widget_context.adhoc_request),
    "adhoc_report_approve": PageParts(widgets=widget_context.adhoc_request),
    "adhoc_report_review": PageParts(widgets=widget_context.adhoc_request),
    "province_plan_approve": PageParts(widgets=widget_context.plan_contents),
    "unit_plan_adapt": PageParts(form=form_context.adaptation),
    "unit_plan_approve": PageParts(form=form_context.plan_summary,
                                   changes=plan_changes.since_previous),
    "unit_plan_review": PageParts(form=form_context.plan_summary,
                                  changes=plan_changes.since_previous),
    "quarterly_report_fill": PageParts(widgets=widget_context.report_editor),
    "internal_report_fill": PageParts(widgets=widget_context.report_editor),
    "quarterly_report_approve": PageParts(widgets=widget_context.submitted_report),
    "quarterly_report_review": PageParts(widgets=widget_context.submitted_report),
    "inspection_select": PageParts(widgets=widget_context.unit_picker),
    "aggregation_review": PageParts(widgets=widget_context.province_report),
    "aggregation_approve": PageParts(widgets=widget_context.province_report),
}

BY_PROCESS: dict[str, PageParts] = {
    "unit_plan": PageParts(form=form_context.plan_summary, changes=plan_changes.since_previous),
    "aggregation": PageParts(widgets=widget_context.province_report),
}


def parts_for(view: TaskView) -> PageParts:
    """Return the page parts of the task's form, else of its process, else nothing."""
    return BY_FORM.get(view.form_key) or BY_PROCESS.get(view.process_key) or NOTHING


def form_context_for(session: Session, view: TaskView) -> FormContext:
    """Return the form context of a task the caller already may see (see task_views.get)."""
    return parts_for(view).form(session, view)


def widgets_for(session: Session, view: TaskView) -> WidgetContext:
    """Return the widget context of a task the caller already may see (see task_views.get)."""
    return parts_for(view).widgets(session, view)


def changes_for(session: Session, view: TaskView) -> PlanChanges | None:
    """Return what changed since the previous submission, for a decision on a unit plan."""
    return parts_for(view).changes(session, view)
