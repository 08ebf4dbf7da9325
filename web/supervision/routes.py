"""Giám sát: the units × stages matrix, late lists by name, KPI roll-ups and the ranking."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engine.core import clock
from engine.core.labels import STAGE_STATUS_LABELS, round_label
from engine.core.permissions import may_decide_extension, may_supervise
from engine.documents import kpi_workbook, late_workbook, matrix_workbook
from engine.domain import levels
from engine.queries import dashboard, national, supervision
from models import Plan
from web.auth.identity import current_actor
from web.database import db_session
from web.extensions import login_manager
from web.params import id_arg, page_arg
from web.workbooks import send_workbook

bp = Blueprint("supervision", __name__, url_prefix="/supervision")


@bp.before_request
def require_supervisor() -> ResponseReturnValue | None:
    """Send anonymous users to the login page; answer 404 to anyone but supervisors."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()  # type: ignore[no-any-return]
    if not may_supervise(current_actor()):
        abort(404)
    return None


@bp.app_context_processor
def navigation() -> dict[str, Any]:
    """Tell base.html which supervision links the signed-in user gets: from the actor's grants,
    so a substitute sees the links of the person they stand in for (as the pages let them in)."""
    if not current_user.is_authenticated:
        return {"nav_supervise": False, "nav_extensions": False}
    actor = current_actor()
    return {"nav_supervise": may_supervise(actor), "nav_extensions": may_decide_extension(actor)}


def _plan() -> Plan:
    return dashboard.find_plan(db_session(), id_arg("plan"))


def _common(plan: Plan) -> dict[str, Any]:
    return {"plan": plan, "stages": dashboard.stage_heads(plan),
            "statuses": dashboard.STATUS_CHOICES, "labels": STAGE_STATUS_LABELS,
            "kind_labels": dashboard.KIND_GROUP_LABELS, "today": clock.today()}


@bp.get("")
def show_matrix() -> ResponseReturnValue:
    """Show the matrix of units × stages, filtered by kind, status and name (the Ministry:
    its view by province)."""
    if levels.is_nation(db_session(), current_user.identity.tenant_id):
        return redirect(url_for("supervision.show_national"))
    plan = _plan()
    args = request.args
    page = dashboard.matrix_page(db_session(), plan, kind=args.get("kind"),
                                 status=args.get("status"), query=(args.get("q") or "")[:100],
                                 page=page_arg())
    kind, status = dashboard.clean_filters(args.get("kind"), args.get("status"))
    return render_template("supervision/matrix.html", page=page, kind=kind, status=status,
                           q=(args.get("q") or "").strip()[:100], **_common(plan))


@bp.get("/national")
def show_national() -> ResponseReturnValue:
    """Show the Ministry each province's roll-up of its guidance and the late list by province."""
    session = db_session()
    if not levels.is_nation(session, current_user.identity.tenant_id):
        abort(404)
    today = clock.today()
    view = national.view(session, national.guidance_of(session, id_arg("plan")), today)
    due = view.guidance.adoption_due_date
    return render_template(
        "supervision/national.html", view=view, today=today,
        issued=sum(r.plan_status == "issued" for r in view.provinces),
        plan_late=sum(r.plan_late(due, today) for r in view.provinces),
        status_heads=[(s.value, STAGE_STATUS_LABELS[s.value]) for s in national.SHOWN],
        round_label=round_label)


@bp.get("/late")
def show_late() -> ResponseReturnValue:
    """Show, per stage, the overdue and late-finished units by name and kind."""
    plan = _plan()
    matrix = supervision.build(db_session(), plan)
    return render_template("supervision/late.html", lists=dashboard.late_lists(matrix),
                           **_common(plan))


@bp.get("/kpis")
def show_kpis() -> ResponseReturnValue:
    """Show a round's KPI roll-up: units met / not met per KPI and the spread of actuals."""
    plan = _plan()
    round_key = request.args.get("round") or dashboard.default_round(plan, clock.today())
    rollup = dashboard.kpi_rollup(db_session(), plan, round_key)
    return render_template("supervision/kpis.html", rollup=rollup,
                           rounds=dashboard.round_choices(plan),
                           **_common(plan))


@bp.get("/ranking")
def show_ranking() -> ResponseReturnValue:
    """Show the thi đua ranking of units by on-time rate."""
    plan = _plan()
    kind, _ = dashboard.clean_filters(request.args.get("kind"), None)
    matrix = supervision.build(db_session(), plan, kind=kind)
    return render_template("supervision/ranking.html", entries=dashboard.ranking(matrix),
                           kind=kind, **_common(plan))


@bp.get("/matrix.xlsx")
def export_matrix() -> ResponseReturnValue:
    """Download the matrix as filtered on its page (every row the filters keep) as .xlsx."""
    plan = _plan()
    args = request.args
    data = matrix_workbook.build(db_session(), current_actor(), plan, kind=args.get("kind"),
                                 status=args.get("status"), query=args.get("q"))
    return send_workbook(data, matrix_workbook.file_name(plan))


@bp.get("/late.xlsx")
def export_late() -> ResponseReturnValue:
    """Download the late lists of every stage as .xlsx."""
    plan = _plan()
    data = late_workbook.build(db_session(), current_actor(), plan)
    return send_workbook(data, late_workbook.file_name(plan))


@bp.get("/kpis.xlsx")
def export_kpis() -> ResponseReturnValue:
    """Download a round's KPI roll-up (the round the KPI page shows) as .xlsx."""
    plan = _plan()
    round_key = kpi_workbook.round_of(plan, request.args.get("round"))
    data = kpi_workbook.build(db_session(), current_actor(), plan, round_key)
    return send_workbook(data, kpi_workbook.file_name(plan, round_key))
