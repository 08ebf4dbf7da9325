"""Error pages in Vietnamese (JSON under /api/), and domain and database errors mapped to HTTP
codes: a database that cannot save now (read-only, full, unreachable) is a 503 that says nothing
was lost, a concurrent change a 409 — neither a 500."""
from __future__ import annotations

from flask import Flask, current_app, g, jsonify, make_response, render_template
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from engine.core import db_faults
from engine.core.errors import (
    ConflictError,
    FieldErrors,
    NotFoundError,
    PermissionDeniedError,
    PlancascadeError,
    TaskNotReadyError,
)
from web.auth.identity import wants_json

TITLES = {
    400: "Yêu cầu không hợp lệ",
    401: "Cần đăng nhập",
    403: "Không có quyền truy cập",
    404: "Không tìm thấy",
    405: "Thao tác không được hỗ trợ",
    409: "Dữ liệu đã thay đổi",
    413: "Dữ liệu gửi lên quá lớn",
    415: "Định dạng dữ liệu không được hỗ trợ",
    429: "Quá nhiều lần thử",
    500: "Lỗi hệ thống",
    503: "Chưa lưu được dữ liệu",
}

MESSAGES = {
    400: "Yêu cầu gửi lên không hợp lệ.",
    401: "Cần đăng nhập để sử dụng chức năng này.",
    403: "Bạn không có quyền thực hiện thao tác này.",
    404: "Không tìm thấy trang hoặc dữ liệu bạn yêu cầu.",
    405: "Địa chỉ này không hỗ trợ thao tác bạn vừa thực hiện.",
    409: "Dữ liệu đã được người khác thay đổi; vui lòng tải lại trang.",
    413: "Dữ liệu gửi lên vượt quá dung lượng cho phép.",
    415: "Yêu cầu phải gửi dữ liệu JSON.",
    429: "Bạn đã thử quá nhiều lần. Vui lòng thử lại sau ít phút.",
    500: "Đã có lỗi trong hệ thống. Vui lòng thử lại sau hoặc liên hệ quản trị hệ thống.",
    503: db_faults.UNAVAILABLE_MESSAGE,
}
RETRY_AFTER_SECONDS = 60

CSRF_MESSAGE = ("Phiên làm việc đã hết hạn hoặc biểu mẫu thiếu mã bảo mật; "
                "vui lòng tải lại trang và thử lại.")

DOMAIN_CODES: tuple[tuple[type[PlancascadeError], int], ...] = (
    (NotFoundError, 404),
    (PermissionDeniedError, 403),
    (TaskNotReadyError, 409),
    (ConflictError, 409),
)


def _rollback() -> None:
    """Undo whatever the failed request changed in its session."""
    session = g.get("db_session")
    if session is not None:
        session.rollback()


def respond(status: int, message: str | None = None,
            fields: dict[str, str] | None = None) -> ResponseReturnValue:
    """Answer an error as JSON for the API or as a Vietnamese page, never a traceback."""
    text = message or MESSAGES.get(status, MESSAGES[500])
    if wants_json():
        body: dict[str, object] = {"error": text}
        if fields:
            body["fields"] = fields
        return jsonify(body), status
    title = TITLES.get(status, TITLES[500])
    return render_template("errors/error.html", status=status, title=title,
                           message=text), status


def handle_http(exc: HTTPException) -> ResponseReturnValue:
    """Answer a werkzeug HTTP error (404, 405, 413, ...) in Vietnamese."""
    status = exc.code or 500
    if status >= 500:
        _rollback()
    return respond(status)


def handle_csrf(exc: CSRFError) -> ResponseReturnValue:
    """Refuse a form posted without a valid CSRF token."""
    return respond(400, CSRF_MESSAGE)


def handle_domain(exc: PlancascadeError) -> ResponseReturnValue:
    """Map an engine error to its HTTP code with the engine's Vietnamese message."""
    _rollback()
    if isinstance(exc, FieldErrors):
        return respond(400, "Dữ liệu nhập chưa hợp lệ", exc.errors)
    status = next((code for kind, code in DOMAIN_CODES if isinstance(exc, kind)), 400)
    return respond(status, exc.message)


def _rollback_quietly() -> None:
    """Undo the failed request's session; a connection already lost has nothing to undo."""
    try:
        _rollback()
    except SQLAlchemyError as exc:
        current_app.logger.warning("Không hoàn tác được phiên làm việc: %s", exc)


def unavailable() -> ResponseReturnValue:
    """Answer 503 "nothing was saved, try again", on a page that needs no database."""
    text = MESSAGES[503]
    if wants_json():
        response = make_response(jsonify({"error": text}))
    else:
        page = current_app.jinja_env.get_template("errors/unavailable.html")
        response = make_response(page.render(title=TITLES[503], message=text, status=503))
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def handle_database(exc: SQLAlchemyError) -> ResponseReturnValue:
    """Say what a database error means for the user: the database cannot save now (503),
    someone else changed the same data first (409), or a fault of ours (500)."""
    if db_faults.is_unavailable(exc):
        _rollback_quietly()
        current_app.logger.warning("Cơ sở dữ liệu chưa ghi được: %s", exc)
        return unavailable()
    if db_faults.is_conflict(exc):
        _rollback_quietly()
        return respond(409)
    return handle_unexpected(exc)


def handle_unexpected(exc: Exception) -> ResponseReturnValue:
    """Log an unexpected error and answer 500 without revealing it."""
    if isinstance(exc, HTTPException):
        return handle_http(exc)
    _rollback()
    current_app.logger.exception("Lỗi không xử lý được: %s", exc)
    return respond(500)


def register(app: Flask) -> None:
    """Install the error handlers on `app`."""
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(PlancascadeError, handle_domain)
    app.register_error_handler(SQLAlchemyError, handle_database)
    app.register_error_handler(Exception, handle_unexpected)
