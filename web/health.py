"""GET /healthz: liveness and database reachability."""
from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from engine.core import clock
from web.database import db_session

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def show_health() -> ResponseReturnValue:
    """Answer 200 with a small JSON when the database answers."""
    db_session().execute(text("SELECT 1"))
    return jsonify({"status": "ok", "now": clock.now().isoformat()})
