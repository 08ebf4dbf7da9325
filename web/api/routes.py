"""The JSON API of DESIGN §7: session login, units, my tasks, one task, completion."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from engine.core import clock
from engine.core.errors import FieldErrors
from engine.core.login_attempts import TooManyAttempts
from engine.core.permissions import may_supervise
from engine.processes import tasks
from engine.queries import dashboard, directory, inbox, supervision, task_views, thread
from engine.queries.inbox import InboxRow
from engine.queries.task_views import TaskView
from engine.workflow import forms
from web.auth.identity import current_actor
from web.auth.routes import BAD_CREDENTIALS, check_credentials, sign_in, sign_out
from web.database import db_session
from web.json_body import read_object
from web.params import id_arg, int_arg, takes_json

bp = Blueprint("api", __name__, url_prefix="/api")

DEFAULT_LIMIT = 200
MAX_LIMIT = 1000
STATUS_PER_PAGE, MAX_STATUS_PER_PAGE = 100, 500  # /api/status's page of units
BODY_LIMIT = 2 * 1024 * 1024
LOGIN_LIMIT = 16 * 1024


def error(message: str, status: int, **extra: Any) -> ResponseReturnValue:
    """Return the API's error shape: {"error": message, ...} with a 4xx status."""
    return jsonify({"error": message, **extra}), status


@bp.before_request
def require_json_body() -> ResponseReturnValue | None:
    """Refuse POSTs that are not JSON: with CSRF exempt here, this stops cross-site forms."""
    if request.method == "POST" and not request.is_json:
        return error("Yêu cầu phải gửi dữ liệu JSON (Content-Type: application/json)", 415)
    return None


def json_object(limit: int = BODY_LIMIT, too_large: str | None = None) -> dict[str, Any] | None:
    """Return the posted JSON object, or None when the body is another JSON value.

    A body over `limit` bytes, too deep or not storable is refused with a 4xx (web.json_body).
    """
    return read_object(limit, too_large)


def _identity_json() -> dict[str, Any]:
    identity = current_user.identity
    return {"username": identity.username, "full_name": identity.full_name,
            "unit": identity.unit_name, "roles": list(identity.roles)}


@bp.post("/login")
@takes_json
def login() -> ResponseReturnValue:
    """Sign in with {"username", "password"}; the session cookie carries the sign-in."""
    body = json_object(LOGIN_LIMIT)
    if body is None or not isinstance(body.get("username"), str) \
            or not isinstance(body.get("password"), str):
        return error("Cần gửi username và password", 400)
    try:
        identity = check_credentials(body["username"], body["password"])
    except TooManyAttempts as exc:
        return error(exc.message, 429)
    if identity is None:
        return error(BAD_CREDENTIALS, 401)
    sign_in(identity)
    return jsonify(_identity_json())


@bp.post("/logout")
@takes_json
def logout() -> ResponseReturnValue:
    """End the user's sessions (a copied cookie stops working)."""
    sign_out()
    return jsonify({"ok": True})


@bp.get("/units")
@login_required
def list_units() -> ResponseReturnValue:
    """Return every active unit: [{code, name, kind}]."""
    return jsonify([{"code": u.code, "name": u.name, "kind": u.kind}
                    for u in directory.list_units(db_session())])


def _task_json(view: TaskView | InboxRow) -> dict[str, Any]:
    return {"id": view.id, "title": view.title, "process": view.process_key,
            "unit": view.unit_code, "role": view.role,
            "due": view.due_date.isoformat() if view.due_date else None, "form": view.form_key}


@bp.get("/tasks")
@login_required
def list_tasks() -> ResponseReturnValue:
    """Return my open tasks, earliest due first; `limit`/`offset` page, X-Total-Count counts."""
    limit = int_arg("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = int_arg("offset", 0, 0)
    session, actor = db_session(), current_actor()
    rows, total = inbox.offered(session, actor, clock.today(), limit=limit, offset=offset)
    response: Response = jsonify([_task_json(r) for r in rows])
    response.headers["X-Total-Count"] = str(total)
    return response


def _entry_json(entry: thread.Entry) -> dict[str, Any]:
    return {"at": entry.at.isoformat(), "step": entry.step, "author": entry.author,
            "on_behalf_of": entry.on_behalf_of, "signed": entry.signed,
            "decision": entry.decision, "returned": entry.returned,
            "notes": [{"label": n.label, "text": n.text} for n in entry.notes]}


@bp.get("/tasks/<id:task_id>")
@login_required
def show_task(task_id: int) -> ResponseReturnValue:
    """Return a task with its JSON Schema (`form`), current data (`data`) and its instance's
    thread (`thread`: what people wrote at each step, oldest first)."""
    session, actor = db_session(), current_actor()
    view, data = task_views.get(session, actor, task_id)
    schema = forms.load(view.form_key).schema
    found = thread.for_task(session, actor, task_id)
    return jsonify({**_task_json(view), "form": schema, "data": data,
                    "status": view.status, "completed_by": found.completed_by,
                    "thread": [_entry_json(e) for e in found.entries]})


@bp.post("/tasks/<id:task_id>/complete")
@takes_json
@login_required
def complete_task(task_id: int) -> ResponseReturnValue:
    """Complete a task with the posted form data: 200, or 400 with per-field errors."""
    body = json_object()
    if body is None:
        return error("Dữ liệu biểu mẫu phải là một đối tượng JSON", 400)
    session, actor = db_session(), current_actor()
    view = task_views.one(session, actor, task_id)  # its form's schema; no prefill needed
    data = forms.coerce(forms.load(view.form_key).schema, body)
    try:
        done = tasks.complete(session, actor, task_id, data)
    except FieldErrors as exc:
        session.rollback()
        return error("Dữ liệu nhập chưa hợp lệ", 400, fields=exc.errors)
    session.commit()
    # what the answer shows of a task (title, unit, role, due, form) does not change with it
    return jsonify({**_task_json(view), "status": done.status})


@bp.get("/status")
@login_required
def show_status() -> ResponseReturnValue:
    """Return one page of the units' stages with status, due date and submission (DESIGN §7),
    filtered by `kind`, `status` (a unit having a stage in it) and `province`."""
    if not may_supervise(current_actor()):
        return error("Chỉ Sở KHCN và lãnh đạo tỉnh được xem tình hình chung", 403)
    session, province = db_session(), request.args.get("province", "").strip()
    if province and not supervision.is_this_province(session, province):
        return error(f"Hệ thống này không quản lý tỉnh “{province[:100]}”", 400)
    plan = dashboard.find_plan(session, id_arg("plan"))
    kind, status = dashboard.clean_filters(request.args.get("kind"), request.args.get("status"))
    return jsonify(supervision.status_payload(
        session, plan, supervision.Filters(kind, status), int_arg("page", 1, 1),
        int_arg("per_page", STATUS_PER_PAGE, 1, MAX_STATUS_PER_PAGE)))
