"""The mail outbox for administrators: the addresses that failed (refused for good or out of
attempts, with the server's answer) and how many mails are in each status."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue

from engine.queries import mail_views
from web.admin.access import bp
from web.database import db_session
from web.params import page_arg


@bp.get("/mail")
def list_failed_mail() -> ResponseReturnValue:
    """List the failed mails, newest first, searchable by address."""
    address = (request.args.get("q") or "").strip()[:200] or None
    session = db_session()
    page = mail_views.failed(session, address=address, page=page_arg())
    counts = mail_views.status_counts(session)
    return render_template("admin/mail.html", page=page, counts=counts, address=address or "")
