"""Routes of the ad-hoc requests page (Sở KHCN and UBND tỉnh; everyone else gets 404)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from engine.core.errors import ConflictError, FieldErrors
from engine.core.permissions import may_issue_requests
from engine.domain import adhoc
from engine.domain.adhoc import RequestInput
from engine.processes import adhoc_requests
from engine.queries import dashboard
from web.admin.forms import ActionForm
from web.auth.identity import current_actor
from web.database import db_session
from web.params import id_arg, parse_id

bp = Blueprint("requests", __name__, url_prefix="/requests")
FIELDS = ("number", "issued_on", "issuer", "subject", "due_date", "scope", "questions")


@bp.before_request
@login_required
def require_issuers() -> ResponseReturnValue | None:
    """Only those who may ask for an ad-hoc report reach these pages."""
    if not may_issue_requests(current_actor()):
        abort(404)
    return None


@bp.app_context_processor
def navigation() -> dict[str, Any]:
    """Tell base.html whether to show the "Đột xuất" link."""
    return {
        "nav_requests": bool(current_user.is_authenticated and may_issue_requests(current_actor()))
    }


@bp.route("/", methods=["GET", "POST"])
def list_requests() -> ResponseReturnValue:
    """The plan's ad-hoc requests, and the form that issues one."""
    session = db_session()
    plan = dashboard.find_plan(session, id_arg("plan"))
    form = ActionForm()
    values: dict[str, Any] = {"issuer": "UBND tỉnh Sơn La", "scope": "chosen"}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values = {name: request.form.get(name, "")[:5000] for name in FIELDS}
        ids = (parse_id(v) for v in request.form.getlist("unit_ids"))
        chosen = tuple(i for i in ids if i is not None)
        values["unit_ids"] = chosen
        if not form.validate_on_submit():
            errors, status = {"form": "Phiên làm việc đã hết hạn; vui lòng tải lại trang."}, 400
        else:
            try:
                made = adhoc_requests.issue(
                    session,
                    current_actor(),
                    plan.id,
                    RequestInput(**{n: values[n] for n in FIELDS}, unit_ids=chosen),
                )
            except FieldErrors as exc:
                session.rollback()
                errors, status = exc.errors, 400
            except ConflictError as exc:
                session.rollback()
                errors, status = {"form": exc.message}, 409
            else:
                session.commit()
                flash(
                    f"Đã gửi yêu cầu báo cáo đột xuất {made.number} đến "
                    f"{len(made.unit_ids)} đơn vị.",
                    "success",
                )
                return redirect(url_for("requests.list_requests"))
    return render_template(
        "requests/list.html",
        plan=plan,
        requests=list(reversed(plan.adhoc_requests)),
        form=form,
        values=values,
        errors=errors,
        units=adhoc.unit_choices(session),
        types=adhoc.QUESTION_TYPES,
    ), status
