"""The JSON API's imports: units and accounts (administrators), a year's plan (Sở KHCN), the
plans list. A workbook travels base64-encoded in a JSON body: {"file": "...", "dry_run": true}
checks it and writes nothing."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_login import login_required

from engine.admin import unit_import
from engine.core.permissions import may_administer, may_manage_plans
from engine.core.spreadsheets import MAX_BYTES, WorkbookRefused
from engine.processes import plan_import
from engine.queries import plans
from web.api.routes import bp, error, json_object
from web.auth.identity import current_actor
from web.database import db_session
from web.params import takes_json

MAX_ENCODED = MAX_BYTES * 4 // 3 + 4
TOO_LARGE = f"Tệp lớn hơn giới hạn {MAX_BYTES // (1024 * 1024)} MB"


def _workbook() -> tuple[bytes | None, bool, ResponseReturnValue | None]:
    """Return the posted workbook's bytes and the dry-run flag, or the error to answer."""
    body = json_object(MAX_ENCODED + 4096, TOO_LARGE)
    encoded = body.get("file") if body else None
    if not isinstance(encoded, str) or not encoded:
        return None, False, error("Cần gửi tệp Excel (trường file, mã hóa base64)", 400)
    if len(encoded) > MAX_ENCODED:
        return None, False, error(TOO_LARGE, 413)
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return None, False, error("Trường file không phải là dữ liệu base64 hợp lệ", 400)
    return data, bool(body and body.get("dry_run") is True), None


def _refused(exc: WorkbookRefused) -> ResponseReturnValue:
    db_session().rollback()
    return error(
        "Tệp bị từ chối; không có thay đổi nào được lưu",
        400,
        problems=[p.as_dict() for p in exc.problems],
    )


@bp.post("/units/import")
@takes_json
@login_required
def import_units() -> ResponseReturnValue:
    """Import units and accounts (administrators): counts, or every located error."""
    if not may_administer(current_actor()):
        return error("Chỉ quản trị hệ thống được nhập đơn vị và tài khoản", 403)
    data, dry_run, failure = _workbook()
    if data is None:
        return failure or error("Thiếu tệp", 400)
    session = db_session()
    try:
        act = unit_import.preview if dry_run else unit_import.run
        result = act(session, data, current_actor().user_id)
    except WorkbookRefused as exc:
        return _refused(exc)
    session.commit()
    return jsonify({**result.summary(), "applied": result.applied})


@bp.post("/plans/import")
@takes_json
@login_required
def import_plan() -> ResponseReturnValue:
    """Import a year's plan as a draft and start its process (Sở KHCN, administrators)."""
    if not may_manage_plans(current_actor()):
        return error("Chỉ Sở KHCN được nhập kế hoạch", 403)
    data, dry_run, failure = _workbook()
    if data is None:
        return failure or error("Thiếu tệp", 400)
    session = db_session()
    try:
        if dry_run:
            result = plan_import.preview(session, data)
        else:
            result = plan_import.run(session, data, current_actor().user_id)
    except WorkbookRefused as exc:
        return _refused(exc)
    if dry_run:
        session.rollback()
    else:
        session.commit()
    return jsonify(_plan_import_json(result, applied=not dry_run))


def _plan_import_json(result: plan_import.PlanImport, *, applied: bool) -> dict[str, Any]:
    return {
        "year": result.year,
        "title": result.title,
        "kpis": result.kpis,
        "tasks": result.tasks,
        "templates": result.templates,
        "flagged": [p.as_dict() for p in result.flagged],
        "replaces_draft": result.replaces_draft,
        "plan_id": result.plan_id,
        "applied": applied,
    }


@bp.get("/plans")
@login_required
def list_plans() -> ResponseReturnValue:
    """Return every plan: [{id, year, title, status, adoption_due, kpis, tasks}]."""
    if not may_manage_plans(current_actor()):
        return error("Chỉ Sở KHCN được xem danh sách kế hoạch", 403)
    return jsonify(
        [
            {
                "id": p.id,
                "year": p.year,
                "title": p.title,
                "status": p.status,
                "adoption_due": p.adoption_due.isoformat(),
                "kpis": p.kpis,
                "tasks": p.tasks,
            }
            for p in plans.list_plans(db_session())
        ]
    )
