"""My tasks ("Công việc của tôi") and my notifications ("Thông báo")."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import login_required

from engine.core import clock
from engine.queries import inbox, notices
from web.auth.identity import current_actor
from web.database import db_session
from web.params import page_arg

bp = Blueprint("inbox", __name__)


def query_from_args() -> inbox.InboxQuery:
    """Read the inbox's filters, sort and page from the query string (unknown values ignored)."""
    args = request.args
    sort = args.get("sort", "due")
    quick = args.get("quick")
    return inbox.InboxQuery(
        process=args.get("process") or None,
        unit_text=(args.get("q") or "").strip()[:100] or None,
        quick=quick if quick in inbox.QUICK_FILTERS else None,
        sort=sort if sort in inbox.SORTS else "due",
        descending=args.get("order") == "desc",
        page=page_arg())


@bp.get("/")
@login_required
def list_tasks() -> ResponseReturnValue:
    """Show the tasks offered to me, filtered, sorted and paginated."""
    query = query_from_args()
    today = clock.today()
    page = inbox.search(db_session(), current_actor(), query, today)
    return render_template("inbox/list.html", page=page, query=query, today=today)


@bp.get("/notifications")
@login_required
def list_notifications() -> ResponseReturnValue:
    """Show the notifications addressed to my roles, newest first."""
    page = notices.for_actor(db_session(), current_actor(), page=page_arg())
    return render_template("inbox/notifications.html", page=page)
