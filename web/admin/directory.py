"""Units, users, roles and dated substitutes (ủy quyền): lists with search and pages, forms
whose rules the engine checks. Accounts and units are deactivated, never deleted."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine.admin import substitutions
from engine.admin import units as unit_registry
from engine.admin import users as user_registry
from engine.admin.units import UnitInput
from engine.admin.users import UserInput
from engine.core import clock
from engine.core.errors import FieldErrors
from engine.core.labels import ROLE_LABELS, UNIT_KIND_LABELS
from engine.core.permissions import acts_province_wide
from web.admin.access import bp
from web.admin.forms import (
    ActionForm,
    PasswordResetForm,
    SubstitutionForm,
    UnitForm,
    UserForm,
    apply_errors,
    choices,
)
from web.auth.identity import current_actor
from web.database import db_session
from web.params import id_arg, page_arg

ACTIVE_FILTERS = {"": None, "1": True, "0": False}


def _page() -> int:
    return page_arg()


def _text() -> str | None:
    return (request.args.get("q") or "").strip()[:100] or None


def _active_filter() -> bool | None:
    return ACTIVE_FILTERS.get(request.args.get("active", ""), None)


# --- units -------------------------------------------------------------------------------


@bp.get("/units")
def list_units() -> ResponseReturnValue:
    """List units with a code/name search, a kind filter and pages."""
    kind = request.args.get("kind") or None
    page = unit_registry.search(db_session(), _text(), kind, _active_filter(), _page())
    return render_template("admin/units.html", page=page, kinds=UNIT_KIND_LABELS)


def _unit_form(form: UnitForm, unit_id: int | None = None) -> UnitForm:
    options = unit_registry.parent_choices(db_session(), exclude_id=unit_id)
    form.parent_id.choices = choices([("", "— Không có —"), *options])
    return form


def _unit_input(form: UnitForm) -> UnitInput:
    return UnitInput(
        code=form.code.data or "",
        name=form.name.data or "",
        kind=form.kind.data or "",
        subkind=form.subkind.data,
        parent_id=form.parent_id.data,
        active=bool(form.active.data),
    )


@bp.route("/units/new", methods=["GET", "POST"])
def create_unit() -> ResponseReturnValue:
    """Show the new-unit form; create the unit when the engine accepts it."""
    form = _unit_form(UnitForm())
    if form.validate_on_submit():
        session = db_session()
        try:
            row = unit_registry.create(session, current_actor().user_id, _unit_input(form))
        except FieldErrors as exc:
            session.rollback()
            apply_errors(form, exc.errors)
        else:
            session.commit()
            flash(f"Đã tạo đơn vị {row.name} ({row.code}).", "success")
            return redirect(url_for("admin.list_units", q=row.code))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/unit_form.html", form=form, unit=None), status


@bp.route("/units/<id:unit_id>", methods=["GET", "POST"])
def edit_unit(unit_id: int) -> ResponseReturnValue:
    """Show a unit's form; save changes (deactivation included) when the engine accepts them."""
    session = db_session()
    unit = unit_registry.get(session, unit_id)
    form = _unit_form(UnitForm(obj=unit if request.method == "GET" else None), unit_id)
    if form.validate_on_submit():
        try:
            row = unit_registry.update(session, current_actor().user_id, unit_id, _unit_input(form))
        except FieldErrors as exc:
            session.rollback()
            apply_errors(form, exc.errors)
        else:
            session.commit()
            flash(f"Đã lưu đơn vị {row.name}.", "success")
            return redirect(url_for("admin.edit_unit", unit_id=unit_id))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/unit_form.html", form=form, unit=unit), status


# --- users -------------------------------------------------------------------------------


@bp.get("/users")
def list_users() -> ResponseReturnValue:
    """List accounts with a name search, unit/role/active filters and pages."""
    session = db_session()
    role = request.args.get("role") or None
    unit_id = id_arg("unit")
    page = user_registry.search(session, _text(), unit_id, role, _active_filter(), _page())
    return render_template(
        "admin/users.html",
        page=page,
        roles=ROLE_LABELS,
        units=user_registry.unit_choices(session),
    )


def _user_form(form: UserForm) -> UserForm:
    units = user_registry.unit_choices(db_session())
    form.unit_id.choices = choices([("", "— Chọn đơn vị —"), *units])
    return form


def _user_input(form: UserForm) -> UserInput:
    return UserInput(
        username=form.username.data or "",
        full_name=form.full_name.data or "",
        unit_id=form.unit_id.data,
        roles=tuple(form.roles.data or ()),
        active=bool(form.active.data),
        email=form.email.data,
    )


def _shown_once(template: str, status: int = 200, **context: object) -> ResponseReturnValue:
    """Render a page holding a temporary password: never cached, never stored in the session."""
    response = make_response(render_template(template, **context), status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/users/new", methods=["GET", "POST"])
def create_user() -> ResponseReturnValue:
    """Show the new-account form; create it and show the temporary password once."""
    form = _user_form(UserForm())
    if form.validate_on_submit():
        session = db_session()
        try:
            row, generated = user_registry.create(
                session, current_actor().user_id, _user_input(form), form.password.data or None
            )
        except FieldErrors as exc:
            session.rollback()
            apply_errors(form, exc.errors)
        else:
            session.commit()
            if generated is None:
                flash(f"Đã tạo tài khoản {row.username}.", "success")
                return redirect(url_for("admin.edit_user", user_id=row.id))
            return _shown_once("admin/password_shown.html", user=row, password=generated)
    status = 400 if request.method == "POST" else 200
    return render_template("admin/user_form.html", form=form, user=None), status


@bp.route("/users/<id:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int) -> ResponseReturnValue:
    """Show an account's form; save unit, roles and the active flag when the engine agrees."""
    session = db_session()
    user = user_registry.get(session, user_id)
    form = _user_form(UserForm(obj=user if request.method == "GET" else None))
    if request.method == "GET":
        form.roles.data = list(user.roles)
    if form.validate_on_submit():
        try:
            row = user_registry.update(session, current_actor().user_id, user_id, _user_input(form))
        except FieldErrors as exc:
            session.rollback()
            apply_errors(form, exc.errors)
        else:
            session.commit()
            flash(f"Đã lưu tài khoản {row.username}.", "success")
            return redirect(url_for("admin.edit_user", user_id=user_id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "admin/user_form.html", form=form, user=user, reset_form=PasswordResetForm()
    ), status


@bp.post("/users/<id:user_id>/password")
def reset_password(user_id: int) -> ResponseReturnValue:
    """Set the given password, or generate a temporary one and show it once."""
    session = db_session()
    user = user_registry.get(session, user_id)
    form = PasswordResetForm()
    try:
        generated = user_registry.reset_password(
            session, current_actor().user_id, user_id, form.password.data or None
        )
    except FieldErrors as exc:
        session.rollback()
        flash("; ".join(exc.errors.values()), "danger")
        return redirect(url_for("admin.edit_user", user_id=user_id))
    session.commit()
    if generated is None:
        flash(f"Đã đặt mật khẩu mới cho {user.username}.", "success")
        return redirect(url_for("admin.edit_user", user_id=user_id))
    return _shown_once("admin/password_shown.html", user=user, password=generated)


@bp.get("/roles")
def list_roles() -> ResponseReturnValue:
    """List the roles (the lanes of the diagrams) and how many active accounts hold each."""
    session = db_session()
    counts = {
        role: user_registry.search(session, role=role, active=True).total for role in ROLE_LABELS
    }
    province_wide = {role: acts_province_wide(role) for role in ROLE_LABELS}
    return render_template("admin/roles.html", roles=ROLE_LABELS, counts=counts,
                           province_wide=province_wide)


# --- substitutes -------------------------------------------------------------------------


def _substitution_form(form: SubstitutionForm, unit_id: int | None) -> SubstitutionForm:
    """Offer the active people of the chosen unit (a substitute comes from the same unit)."""
    people = user_registry.colleagues(db_session(), unit_id) if unit_id else []
    form.absent_user_id.choices = choices([("", "— Chọn người —"), *people])
    form.substitute_user_id.choices = choices([("", "— Chọn người —"), *people])
    return form


@bp.route("/substitutions", methods=["GET", "POST"])
def list_substitutions() -> ResponseReturnValue:
    """List substitutions (current and upcoming; ?ended=1 for all) and record a new one."""
    session = db_session()
    unit_id = id_arg("unit")
    form = _substitution_form(SubstitutionForm(), unit_id)
    if form.validate_on_submit():
        try:
            row = substitutions.create(
                session,
                current_actor().user_id,
                form.absent_user_id.data,
                form.substitute_user_id.data,
                form.starts_on.data,
                form.ends_on.data,
            )
        except FieldErrors as exc:
            session.rollback()
            apply_errors(form, exc.errors)
        else:
            session.commit()
            flash(
                f"Đã ủy quyền: {row.substitute_name} thay {row.absent_name} từ "
                f"{row.starts_on:%d/%m/%Y} đến {row.ends_on:%d/%m/%Y}.",
                "success",
            )
            return redirect(url_for("admin.list_substitutions"))
    page = substitutions.search(
        session, _text(), bool(request.args.get("ended")), _page(), clock.today()
    )
    status = 400 if request.method == "POST" else 200
    return render_template(
        "admin/substitutions.html",
        page=page,
        form=form,
        action_form=ActionForm(),
        unit_id=unit_id,
        units=user_registry.unit_choices(session),
    ), status


@bp.post("/substitutions/<id:substitution_id>/revoke")
def revoke_substitution(substitution_id: int) -> ResponseReturnValue:
    """Withdraw a substitution (kept in the audit trail)."""
    session = db_session()
    row = substitutions.revoke(session, current_actor().user_id, substitution_id)
    session.commit()
    flash(f"Đã thu hồi ủy quyền của {row.absent_name} cho {row.substitute_name}.", "info")
    return redirect(url_for("admin.list_substitutions"))
