"""The administration blueprint and its gate: administrators only, everyone else gets 404."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engine.core.errors import PermissionDeniedError
from engine.core.permissions import may_administer
from engine.domain import levels
from web.auth.identity import current_actor
from web.database import db_session
from web.extensions import login_manager

bp = Blueprint("admin", __name__, url_prefix="/admin")
# what changes the process definitions every tenant shares (only the top tenant's admins)
SHARED_WRITES = frozenset({"admin.upload_definition", "admin.save_draft", "admin.discard_draft",
                           "admin.validate_process", "admin.deploy_process"})


@bp.before_request
def require_admin() -> ResponseReturnValue | None:
    """Send anonymous users to sign in; hide the area from non-administrators (404, as the
    supervision area does)."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()  # type: ignore[no-any-return]
    if not may_administer(current_actor()):
        abort(404)
    if request.method == "POST" and request.endpoint in SHARED_WRITES and not (
            levels.edits_shared_definitions(db_session(), current_user.identity.tenant_id)):
        raise PermissionDeniedError(
            "Quy trình dùng chung do Bộ quản lý; quản trị viên của tỉnh không sửa hay triển khai "
            "được quy trình.")
    return None


@bp.app_context_processor
def navigation() -> dict[str, Any]:
    """Tell base.html whether to show the "Quản trị" link: from the actor's grants, as the
    area's gate decides (the actor is computed once per request, the other links need it too)."""
    return {"nav_admin": bool(current_user.is_authenticated and may_administer(current_actor()))}
