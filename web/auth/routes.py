"""Sign in, sign out and the account page."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user

from engine.admin import first_run
from engine.core import accounts
from engine.core.errors import FieldErrors
from engine.core.login_attempts import TooManyAttempts
from web.auth.forms import LoginForm, PasswordForm
from web.auth.identity import SessionUser, safe_next
from web.database import db_session
from web.inbox.mail_preference import account_context
from web.security import client_address, lockout_policy

bp = Blueprint("auth", __name__)

# One answer for an unknown user, a wrong password and a deactivated account.
BAD_CREDENTIALS = "Tên đăng nhập hoặc mật khẩu không đúng"


def check_credentials(username: str, password: str) -> accounts.Identity | None:
    """Return the identity a username and password sign in as, or None; count failures.

    Raises TooManyAttempts while the account is locked (its password is not even checked).
    """
    database = db_session()
    identity = accounts.sign_in(database, username, password, address=client_address(),
                                policy=lockout_policy())
    database.commit()  # the failure counted, or the account's failures forgotten
    return identity


def sign_in(identity: accounts.Identity) -> None:
    """Start a fresh session for `identity` (a new session id, lifetime from the config)."""
    session.clear()
    login_user(SessionUser(identity))
    session.permanent = True


def sign_out() -> None:
    """End this session, then every session of the user server-side (copied cookies too)."""
    user_id = int(current_user.id) if current_user.is_authenticated else None
    logout_user()
    session.clear()  # cleared first: this browser is signed out even if the write fails
    if user_id is not None:
        accounts.sign_out(db_session(), user_id)
        db_session().commit()


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Show the sign-in form; on success go to `next` (a path on this site) or the inbox."""
    target = safe_next(request.args.get("next")) or url_for("inbox.list_tasks")
    if current_user.is_authenticated:
        return redirect(target)
    if not first_run.has_admin(db_session()):
        return render_template("auth/no_admin.html"), 503
    form = LoginForm()
    error = None
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            identity = check_credentials(form.username.data or "", form.password.data or "")
        except TooManyAttempts as exc:
            error, status = exc.message, 429
        else:
            if identity is not None:
                sign_in(identity)
                flash(f"Xin chào, {identity.full_name}!", "success")
                return redirect(target)
            error = BAD_CREDENTIALS
    return render_template("auth/login.html", form=form, error=error), status


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """End the user's sessions and go back to the sign-in page."""
    sign_out()
    flash("Bạn đã đăng xuất.", "info")
    return redirect(url_for("auth.login"))


@bp.get("/account")
@login_required
def show_account() -> ResponseReturnValue:
    """Show who I am and the password form."""
    return render_template("auth/account.html", form=PasswordForm(), **account_context())


@bp.post("/account/password")
@login_required
def change_password() -> ResponseReturnValue:
    """Change my password after checking the current one."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            identity = accounts.change_password(
                db_session(), int(current_user.id), form.current_password.data or "",
                form.new_password.data or "", form.confirm_password.data or "")
        except FieldErrors as exc:
            db_session().rollback()
            for name, message in exc.errors.items():
                getattr(form, name).errors.append(message)
        else:
            db_session().commit()
            sign_in(identity)
            flash("Đã đổi mật khẩu.", "success")
            return redirect(url_for("auth.show_account"))
    return render_template("auth/account.html", form=form, **account_context()), 400
