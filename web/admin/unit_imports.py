"""Import units and accounts from Excel in the browser: upload → preview → confirm.

The preview checks the file with every rule and shows what would change (or each error with
its sheet, row and column); the confirmation imports the exact bytes previewed."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from engine.admin import unit_import, unit_workbook
from engine.core.spreadsheets import MAX_BYTES
from web import staged_import
from web.admin.access import bp
from web.admin.forms import ActionForm
from web.auth.identity import current_actor

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page(status: int = 200, **context: object) -> ResponseReturnValue:
    return render_template(
        "admin/unit_import.html", form=ActionForm(), limit_mb=MAX_BYTES // (1024 * 1024), **context
    ), status


@bp.get("/units/import")
def import_units() -> ResponseReturnValue:
    """The upload form, with the layout the file must follow."""
    return _page()


@bp.get("/units/import/template.xlsx")
def import_template() -> ResponseReturnValue:
    """An empty workbook in the layout the import reads."""
    response = make_response(unit_workbook.template())
    response.headers["Content-Type"] = XLSX
    response.headers["Content-Disposition"] = 'attachment; filename="mau-don-vi-tai-khoan.xlsx"'
    return response


@bp.post("/units/import")
def preview_units() -> ResponseReturnValue:
    """Check the uploaded workbook and show what importing it would change; write nothing."""
    actor_id = current_actor().user_id
    step = staged_import.preview(
        lambda session, data: unit_import.preview(session, data, actor_id), "don-vi.xlsx"
    )
    return _page(step.status, result=step.result, **step.context())


@bp.post("/units/import/confirm")
def confirm_units() -> ResponseReturnValue:
    """Import the previewed workbook."""
    actor_id = current_actor().user_id
    step = staged_import.confirm(lambda session, data: unit_import.run(session, data, actor_id))
    if step.result is None:
        return _page(step.status, **step.context())
    counts = step.result.summary()
    flash(
        f"Đã nhập: {counts['units_created']} đơn vị mới, "
        f"{counts['units_updated']} đơn vị cập nhật, "
        f"{counts['users_created']} tài khoản mới, {counts['users_updated']} tài khoản cập nhật. "
        "Tài khoản mới cần được đặt mật khẩu (Người dùng → Sửa → Đặt lại mật khẩu).",
        "success",
    )
    return redirect(url_for("admin.list_units"))
