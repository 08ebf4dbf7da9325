"""Nhật ký hệ thống: the audit trail searched by unit, person, kind of event and dates, in
pages, and the same search as .xlsx. Who may open it is `permissions.may_read_audit`; others
get 404, as for the other restricted areas."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engine.core.permissions import may_read_audit
from engine.documents import audit_workbook
from engine.queries import audit_search
from engine.queries.audit_search import AuditQuery
from web.auth.identity import current_actor
from web.database import db_session
from web.extensions import login_manager
from web.params import page_arg
from web.workbooks import send_workbook

bp = Blueprint("audit", __name__, url_prefix="/audit")
FILTERS = ("unit", "person", "action", "from", "to")


@bp.before_request
def require_reader() -> ResponseReturnValue | None:
    """Send anonymous users to sign in; answer 404 to anyone who may not read the trail."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()  # type: ignore[no-any-return]
    if not may_read_audit(current_actor()):
        abort(404)
    return None


@bp.app_context_processor
def navigation() -> dict[str, Any]:
    """Tell base.html whether to show the "Nhật ký" link (as the gate decides)."""
    return {"nav_audit": bool(current_user.is_authenticated and may_read_audit(current_actor()))}


def _query() -> AuditQuery:
    args = request.args
    return audit_search.read_query(args.get("unit"), args.get("person"), args.get("action"),
                                   args.get("from"), args.get("to"))


def _filters() -> dict[str, str]:
    """Return the filters as typed (what the form shows back and the download link carries)."""
    return {name: (request.args.get(name) or "").strip()[:100] for name in FILTERS}


@bp.get("")
def list_events() -> ResponseReturnValue:
    """Show one page of the audit trail, newest first, filtered as asked."""
    session, query = db_session(), _query()
    page = audit_search.search(session, current_actor(), query, page_arg())
    filters = _filters()
    return render_template("audit/list.html", page=page, query=query, filters=filters,
                           carried={k: v for k, v in filters.items() if v},
                           actions=audit_search.action_choices(session))


@bp.get("/events.xlsx")
def export_events() -> ResponseReturnValue:
    """Download the events the same filters find as .xlsx."""
    data = audit_workbook.build(db_session(), current_actor(), _query())
    return send_workbook(data, audit_workbook.file_name())
