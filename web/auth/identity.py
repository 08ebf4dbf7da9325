"""The signed-in user as flask-login sees it, and the actor the engine checks."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, g, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import UserMixin, current_user

from engine.core import accounts, clock, tenancy
from engine.core.accounts import Identity
from engine.core.permissions import Actor
from web.database import db_session
from web.extensions import login_manager


class SessionUser(UserMixin):
    """A flask-login user wrapping the engine's frozen Identity (no lazy loads in templates)."""

    def __init__(self, identity: Identity) -> None:
        self.identity = identity

    @property
    def id(self) -> int:
        """Return the user's database id."""
        return self.identity.user_id

    @property
    def is_active(self) -> bool:
        """Tell whether the account may sign in."""
        return self.identity.active

    def get_id(self) -> str:
        """Return the session id: user id and password fingerprint (a new password voids it)."""
        return f"{self.identity.user_id}.{self.identity.fingerprint}"


@login_manager.user_loader
def load_user(session_id: str) -> SessionUser | None:
    """Return the session's user while the account is active and its password unchanged."""
    user_id, _, print_ = session_id.partition(".")
    if not user_id.isdigit():
        return None
    session = db_session()
    identity = accounts.identity(session, int(user_id))
    if identity is None or identity.fingerprint != print_:
        return None
    tenancy.enter(session, identity.tenant_id)  # the rest of the request sees its tenant only
    return SessionUser(identity)


def wants_json() -> bool:
    """Tell whether the answer must be JSON: the JSON API, or a request that sent JSON."""
    return request.path == "/api" or request.path.startswith("/api/") or request.is_json


@login_manager.unauthorized_handler
def handle_unauthorized() -> ResponseReturnValue:
    """Answer 401 JSON for the API, otherwise redirect to the login page."""
    if wants_json():
        return jsonify({"error": "Cần đăng nhập để sử dụng chức năng này"}), 401
    flash("Vui lòng đăng nhập để tiếp tục.", "info")
    target = request.full_path if request.query_string else request.path
    return redirect(url_for("auth.login", next=target))


def current_actor() -> Actor:
    """Return the signed-in user's actor for today, computed once per request."""
    if "actor" not in g:
        g.actor = accounts.actor(db_session(), int(current_user.id), clock.today())
    actor: Actor = g.actor
    return actor


def safe_next(target: str | None) -> str | None:
    """Return `target` when it is a path on this site, else None (no open redirects).

    Control characters are refused too: CR/LF would split the Location header.
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
