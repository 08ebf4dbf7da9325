"""My mail preference, shown on the account page: reminders by mail at once, or gathered in a
digest at 07:30 on working days (escalations and returns always come at once)."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import RadioField

from engine.core.errors import FieldErrors
from engine.processes import outbox
from engine.queries import mail_views
from web.admin.forms import choices
from web.database import db_session
from web.inbox.routes import bp


class MailModeForm(FlaskForm):
    """How reminders come by mail."""

    mail_mode = RadioField(
        "Nhận thư nhắc việc",
        choices=choices((mode.value, label) for mode, label in mail_views.MODE_LABELS.items()),
    )


def account_context() -> dict[str, Any]:
    """Return what the account page shows of my mail: address, mode, and the form."""
    preference = mail_views.preference(db_session(), int(current_user.id))
    form = MailModeForm(data={"mail_mode": preference.mode})
    return {"mail": preference, "mail_form": form}


@bp.post("/account/mail")
@login_required
def set_mail_mode() -> ResponseReturnValue:
    """Record how I want reminders by mail, then go back to my account page."""
    form = MailModeForm()
    if not form.validate_on_submit():
        flash("Vui lòng chọn một cách nhận thư nhắc việc.", "danger")
        return redirect(url_for("auth.show_account"))
    try:
        outbox.set_mail_mode(db_session(), int(current_user.id), form.mail_mode.data or "")
    except FieldErrors as exc:
        db_session().rollback()
        flash(exc.errors["mail_mode"], "danger")
        return redirect(url_for("auth.show_account"))
    db_session().commit()
    flash("Đã lưu cách nhận thư nhắc việc.", "success")
    return redirect(url_for("auth.show_account"))
