"""The two steps every Excel import takes in the browser: upload → preview (nothing written;
the bytes kept under a token) → confirm (those exact bytes imported). Pages supply what to
run and how to show it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import request
from sqlalchemy.orm import Session

from engine.admin import staged_uploads
from engine.core.errors import NotFoundError
from engine.core.spreadsheets import MAX_BYTES, WorkbookRefused
from web.admin.forms import ActionForm
from web.database import db_session
from web.uploads import read_upload

EXPIRED_FORM = "Phiên làm việc đã hết hạn; vui lòng tải lại trang."


@dataclass
class Step:
    """The outcome of a step: a result to show, or problems with the HTTP status to answer."""

    result: Any = None
    problems: list[str] = field(default_factory=list)
    status: int = 200
    name: str = ""
    token: str = ""

    def context(self) -> dict[str, Any]:
        """Return what the page's template needs."""
        return {"problems": self.problems, "name": self.name, "token": self.token}


def preview(check: Callable[[Session, bytes], Any], default_name: str) -> Step:
    """Check the posted workbook with `check` (which must write nothing) and keep its bytes."""
    if not ActionForm().validate_on_submit():
        return Step(problems=[EXPIRED_FORM], status=400)
    upload = read_upload(
        "file",
        limit=MAX_BYTES,
        extensions=(".xlsx",),
        default_name=default_name,
        kind="bảng tính Excel",
    )
    if upload.data is None:
        return Step(problems=[upload.error or ""], status=upload.status)
    session = db_session()
    try:
        result = check(session, upload.data)
    except WorkbookRefused as exc:
        return Step(problems=[str(p) for p in exc.problems], status=400, name=upload.name)
    finally:
        session.rollback()
    return Step(result, name=upload.name, token=staged_uploads.stage(upload.data))


def confirm(run: Callable[[Session, bytes], Any]) -> Step:
    """Import the bytes kept under the posted token with `run`, and commit."""
    if not ActionForm().validate_on_submit():
        return Step(problems=[EXPIRED_FORM], status=400)
    token = request.form.get("token", "")
    session = db_session()
    try:
        result = run(session, staged_uploads.load(token))
    except NotFoundError as exc:
        return Step(problems=[exc.message], status=404)
    except WorkbookRefused as exc:  # the database changed since the preview
        session.rollback()
        return Step(problems=[str(p) for p in exc.problems], status=409)
    session.commit()
    staged_uploads.discard(token)
    return Step(result)
