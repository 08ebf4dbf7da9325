"""GET /healthz: liveness, and whether the database answers and can save (503 when not)."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from engine.core import clock, db

bp = Blueprint("health", __name__)

PROBLEMS = {
    db.READ_ONLY: "Cơ sở dữ liệu đang ở chế độ chỉ đọc: chưa lưu được dữ liệu mới.",
    db.UNREACHABLE: "Không kết nối được cơ sở dữ liệu.",
}


@bp.get("/healthz")
def show_health() -> ResponseReturnValue:
    """Answer 200 when the database answers and can write; otherwise 503 saying what is wrong."""
    state = db.write_state(current_app.extensions["plancascade.engine"])
    body = {"status": "ok" if state == db.WRITABLE else "error", "database": state,
            "now": clock.now().isoformat()}
    if state in PROBLEMS:
        body["message"] = PROBLEMS[state]
        return jsonify(body), 503
    return jsonify(body)
