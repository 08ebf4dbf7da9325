"""The JSON API's notices: `GET /api/notifications?page=&per_page=`, the page "Thông báo" as
JSON (unread first, then newest), with the reader's unread count."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_login import login_required

from engine.queries import notices
from engine.queries.notices import Notice
from web.api.routes import bp
from web.auth.identity import current_actor
from web.database import db_session
from web.params import int_arg

DEFAULT_PER_PAGE = 50


def _notice_json(notice: Notice) -> dict[str, Any]:
    return {"id": notice.id, "kind": notice.kind, "kind_name": notice.kind_name,
            "message": notice.message, "unit": notice.unit_name,
            "units": notice.unit_count, "role": notice.role_name,
            "created_at": notice.created_at.isoformat(), "read": notice.read,
            "link": notice.link}


@bp.get("/notifications")
@login_required
def list_notifications() -> ResponseReturnValue:
    """Return one page of my notices: {items, page, per_page, total, unread}."""
    page = int_arg("page", 1, 1)
    per_page = int_arg("per_page", DEFAULT_PER_PAGE, 1, notices.MAX_PER_PAGE)
    session, actor = db_session(), current_actor()
    found = notices.for_actor(session, actor, page=page, per_page=per_page)
    return jsonify({"items": [_notice_json(n) for n in found.rows], "page": found.page,
                    "per_page": found.per_page, "total": found.total,
                    "unread": notices.unread_count(session, actor)})
