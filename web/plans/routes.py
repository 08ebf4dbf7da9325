"""Routes of the plans pages (Sở KHCN and the administrator; everyone else gets 404)."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from engine.core.errors import ConflictError, FieldErrors, NotFoundError
from engine.core.permissions import may_manage_plans
from engine.core.spreadsheets import MAX_BYTES, WorkbookRefused
from engine.domain import regime_settings, regimes
from engine.processes import plan_import
from engine.queries import plans
from engine.queries.plan_export import plan_workbook
from web import staged_import
from web.admin.forms import ActionForm
from web.auth.identity import current_actor
from web.database import db_session
from web.params import parse_id

bp = Blueprint("plans", __name__, url_prefix="/plans")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.before_request
@login_required
def require_plan_managers() -> ResponseReturnValue | None:
    """Only those who manage plans reach these pages (404 for others, as elsewhere)."""
    if not may_manage_plans(current_actor()):
        abort(404)
    return None


@bp.app_context_processor
def navigation() -> dict[str, Any]:
    """Tell base.html whether to show the "Kế hoạch" link."""
    return {"nav_plans": bool(current_user.is_authenticated and may_manage_plans(current_actor()))}


def _page(status: int = 200, **context: object) -> ResponseReturnValue:
    rows = plans.list_plans(db_session())
    return render_template(
        "plans/list.html",
        plans=rows,
        form=ActionForm(),
        limit_mb=MAX_BYTES // (1024 * 1024),
        issued=[p for p in rows if p.status == "issued"],
        **context,
    ), status


@bp.get("/")
def list_plans() -> ResponseReturnValue:
    """The plans, with the import form and the copy of last year's plan."""
    return _page()


@bp.get("/<id:plan_id>/workbook.xlsx")
def export_plan(plan_id: int) -> ResponseReturnValue:
    """The plan as an Excel workbook in the layout the import reads."""
    plan = plans.get(db_session(), plan_id)
    response = make_response(plan_workbook(plan))
    response.headers["Content-Type"] = XLSX
    response.headers["Content-Disposition"] = f'attachment; filename="ke-hoach-{plan.year}.xlsx"'
    return response


@bp.post("/import")
def preview_import() -> ResponseReturnValue:
    """Check an uploaded plan workbook and show what it holds; write nothing."""
    step = staged_import.preview(plan_import.preview, "ke-hoach.xlsx")
    return _page(step.status, preview=step.result, **step.context())


@bp.post("/import/confirm")
def confirm_import() -> ResponseReturnValue:
    """Import the previewed workbook: the draft plan of its year, and its draft step."""
    actor_id = current_actor().user_id
    step = staged_import.confirm(lambda session, data: plan_import.run(session, data, actor_id))
    if step.result is None:
        return _page(step.status, **step.context())
    result = step.result
    verb = "Đã cập nhật bản dự thảo" if result.replaces_draft else "Đã tạo bản dự thảo"
    flash(
        f"{verb} kế hoạch năm {result.year}: {result.kpis} chỉ tiêu, {result.tasks} nhiệm vụ. "
        "Bước soạn thảo đang chờ trong “Công việc của tôi” của chuyên viên Sở KHCN.",
        "success",
    )
    return redirect(url_for("plans.list_plans"))


@bp.post("/copy")
def copy_plan() -> ResponseReturnValue:
    """Start next year's plan as a copy of an issued plan."""
    if not ActionForm().validate_on_submit():
        return _page(400, problems=[staged_import.EXPIRED_FORM])
    session = db_session()
    source = parse_id(request.form.get("source"))
    if source is None:
        return _page(400, problems=["Vui lòng chọn kế hoạch để sao chép."])
    try:
        original = plans.get(session, source)
        plan = plan_import.copy_plan(
            session, original.id, original.year + 1, current_actor().user_id
        )
    except (ConflictError, NotFoundError, WorkbookRefused) as exc:
        session.rollback()
        return _page(409, problems=[exc.message])
    session.commit()
    flash(
        f"Đã tạo bản dự thảo kế hoạch năm {plan.year} từ kế hoạch năm {plan.year - 1}. "
        "Tải tệp Excel về để sửa chỉ tiêu, rồi nhập lại.",
        "success",
    )
    return redirect(url_for("plans.list_plans"))


@bp.route("/<id:plan_id>/regimes", methods=["GET", "POST"])
def edit_regimes(plan_id: int) -> ResponseReturnValue:
    """A draft plan's reporting regimes, field by field (NĐ 09/2019)."""
    session = db_session()
    plan = plans.get(session, plan_id)
    form = ActionForm()
    entries = regime_settings.form_entries(plan)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        entries = _posted_regimes()
        if not form.validate_on_submit():
            errors, status = {"regimes": staged_import.EXPIRED_FORM}, 400
        else:
            try:
                regime_settings.set_regimes(session, plan, entries, current_actor().user_id)
            except FieldErrors as exc:
                session.rollback()
                errors, status = exc.errors, 400
            except ConflictError as exc:
                session.rollback()
                errors, status = {"regimes": exc.message}, 409
            else:
                session.commit()
                flash(f"Đã lưu chế độ báo cáo của kế hoạch năm {plan.year}.", "success")
                return redirect(url_for("plans.edit_regimes", plan_id=plan.id))
    return render_template(
        "plans/regimes.html",
        plan=plan,
        entries=entries,
        errors=errors,
        form=form,
        frequencies=regimes.FREQUENCY_ORDER,
        rounds=regimes.report_rounds(plan),
        kinds=regime_settings.REPORTER_KINDS,
    ), status


def _posted_regimes() -> dict[str, dict[str, Any]]:
    fields = (
        "name",
        "content",
        "receiver",
        "method",
        "cutoff",
        "due_day",
        "open_days",
        "reminder_days_before",
        "grace_days",
    )
    return {
        frequency: {
            "applies": request.form.get(f"{frequency}-applies") == "y",
            "reporters": request.form.getlist(f"{frequency}-reporters"),
            **{name: request.form.get(f"{frequency}-{name}", "")[:2000] for name in fields},
        }
        for frequency in regimes.FREQUENCY_ORDER
    }
