"""Đơn vị: the unit pages; extension requests (gia hạn) filed by units and decided by Sở KHCN."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from engine.core.errors import ConflictError, FieldErrors
from engine.core.formatting import parse_date
from engine.core.permissions import may_browse_units, may_decide_extension
from engine.processes import decision_notices
from engine.queries import dashboard, extension_views, thread, unit_views
from web.auth.identity import current_actor
from web.database import db_session
from web.params import id_arg, parse_id

bp = Blueprint("units", __name__)


@bp.get("/units")
@login_required
def list_units() -> ResponseReturnValue:
    """List the units a province role may open; send a unit's own users to their unit page."""
    session, actor = db_session(), current_actor()
    if not may_browse_units(actor):
        return redirect(url_for("units.show_unit", code=unit_views.code_of(session, actor.unit_id)))
    plan = dashboard.find_plan(session, id_arg("plan"))
    q = (request.args.get("q") or "").strip()[:100]
    entries = unit_views.list_visible(session, actor, plan, q)
    return render_template("units/list.html", entries=entries, q=q, plan=plan)


def render_unit(code: str, errors: dict[str, str] | None = None,
                form: dict[str, str] | None = None, status: int = 200) -> ResponseReturnValue:
    """Render the unit page (with the extension form's errors and values when refused)."""
    session, actor = db_session(), current_actor()
    plan = dashboard.find_plan(session, id_arg("plan"))
    overview = unit_views.overview(session, actor, plan, code)
    unit = unit_views.find_unit(session, actor, code)
    return render_template("units/show.html", unit=overview, errors=errors or {},
                           form=form or {},
                           threads=thread.for_unit(session, actor, unit.id, plan.id)), status


@bp.get("/units/<code>")
@login_required
def show_unit(code: str) -> ResponseReturnValue:
    """Show a unit: adopted plan, quarterly reports, inspection, extension requests."""
    return render_unit(code)


@bp.post("/units/<code>/extensions")
@login_required
def request_extension(code: str) -> ResponseReturnValue:
    """File the unit's request for a later deadline on one of its running instances."""
    session, actor = db_session(), current_actor()
    form = {k: request.form.get(k, "") for k in ("instance_id", "requested_due", "reason")}
    instance_id = parse_id(form["instance_id"])
    try:
        view = unit_views.request_extension(session, actor, code, instance_id,
                                            parse_date(form["requested_due"]), form["reason"])
        decision_notices.announce_extension_request(session, view)
    except FieldErrors as exc:
        session.rollback()
        return render_unit(code, exc.errors, form, 400)
    except ConflictError as exc:
        session.rollback()
        flash(exc.message, "warning")
        return redirect(url_for("units.show_unit", code=code))
    session.commit()
    flash(f"Đã gửi đề nghị gia hạn đến {view.requested_due:%d/%m/%Y}; "
          "Sở KHCN sẽ xem xét và trả lời.", "success")
    return redirect(url_for("units.show_unit", code=code, _anchor="extensions"))


def _require_decider() -> None:
    if not may_decide_extension(current_actor()):
        abort(404)


@bp.get("/extensions")
@login_required
def list_extensions() -> ResponseReturnValue:
    """List the extension requests waiting for Sở KHCN, and the latest decisions."""
    _require_decider()
    session = db_session()
    return render_template("units/extensions.html", pending=extension_views.pending(session),
                           decided=extension_views.recent_decisions(session))


@bp.post("/extensions/<id:request_id>")
@login_required
def decide_extension(request_id: int) -> ResponseReturnValue:
    """Approve (moving the deadline and its timers) or refuse an extension request."""
    _require_decider()
    session, actor = db_session(), current_actor()
    approve = request.form.get("decision") == "approve"
    try:
        view = decision_notices.decide_extension(session, actor, request_id, approve,
                                                 request.form.get("comment", ""))
    except (FieldErrors, ConflictError) as exc:
        session.rollback()
        message = "; ".join(exc.errors.values()) if isinstance(exc, FieldErrors) else exc.message
        flash(message, "danger")
        return redirect(url_for("units.list_extensions"))
    session.commit()
    if approve:
        flash(f"Đã chấp thuận gia hạn đến {view.requested_due:%d/%m/%Y}.", "success")
    else:
        flash("Đã từ chối đề nghị gia hạn.", "info")
    return redirect(url_for("units.list_extensions"))
