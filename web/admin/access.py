"""The administration blueprint and its gate: administrators only, everyone else gets 404."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engine.core.permissions import may_administer
from web.auth.identity import current_actor
from web.extensions import login_manager

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def require_admin() -> ResponseReturnValue | None:
    """Send anonymous users to sign in; hide the area from non-administrators (404, as the
    supervision area does)."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()  # type: ignore[no-any-return]
    if not may_administer(current_actor()):
        abort(404)
    return None


@bp.app_context_processor
def navigation() -> dict[str, Any]:
    """Tell base.html whether to show the "Quản trị" link: from the actor's grants, as the
    area's gate decides (the actor is computed once per request, the other links need it too)."""
    return {"nav_admin": bool(current_user.is_authenticated and may_administer(current_actor()))}
