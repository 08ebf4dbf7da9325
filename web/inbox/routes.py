"""My tasks ("Công việc của tôi") and my notifications ("Thông báo")."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from engine.core import clock
from engine.domain import notice_links
from engine.processes import notice_reads
from engine.queries import inbox, notices, stand_ins
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
    held = stand_ins.held_by(db_session(), current_actor().user_id, today)
    return render_template("inbox/list.html", page=page, query=query, today=today,
                           stand_ins=held)


@bp.get("/notifications")
@login_required
def list_notifications() -> ResponseReturnValue:
    """Show the notifications addressed to my roles, unread first, then newest."""
    page = notices.for_actor(db_session(), current_actor(), page=page_arg())
    return render_template("inbox/notifications.html", page=page)


@bp.app_context_processor
def unread_notices() -> dict[str, Any]:
    """Give every page the signed-in user's unread notice count (the menu's badge)."""
    if not current_user.is_authenticated:
        return {}
    try:
        return {"nav_unread": notices.unread_count(db_session(), current_actor())}
    except SQLAlchemyError:  # an error page while the database fails: no badge, no second error
        return {}


@bp.get("/notifications/<id:notice_id>")
@login_required
def open_notification(notice_id: int) -> ResponseReturnValue:
    """Mark a notice read and go where it leads (its task, instance or page)."""
    session = db_session()
    notice = notice_reads.open_notice(session, current_actor(), notice_id)
    path = notice_links.link(session, notice)
    session.commit()
    return redirect(path)


@bp.post("/notifications/read")
@login_required
def mark_all_read() -> ResponseReturnValue:
    """Mark every notice addressed to me read."""
    session = db_session()
    marked = notice_reads.mark_all_read(session, current_actor())
    session.commit()
    flash(f"Đã đánh dấu đã đọc {marked} thông báo.", "success")
    return redirect(url_for("inbox.list_notifications"))
