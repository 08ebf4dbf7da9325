"""Administration forms (flask-wtf: every POST carries a CSRF token). Domain rules live in the
engine, which answers with Vietnamese FieldErrors; these forms only read and coerce input."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    Field,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from engine.core.labels import ROLE_LABELS, UNIT_KIND_LABELS
from web.params import parse_id

try:  # WTForms ≥ 3.3 wants SelectChoice objects; older versions take (value, label) pairs
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover
    SelectChoice = None


def choices(pairs: Any) -> list[Any]:
    """Return select options from (value, label) pairs in the form this WTForms wants."""
    if SelectChoice is None:  # pragma: no cover
        return list(pairs)
    return [SelectChoice(value, label) for value, label in pairs]


def _int_or_none(value: Any) -> int | None:
    """Coerce a select's value to an id; blank means none; anything else is not an id."""
    if value in (None, "", "None"):
        return None
    parsed = value if isinstance(value, int) else parse_id(str(value))
    if parsed is None:
        raise ValueError(value)
    return parsed


class IdSelectField(SelectField):
    """A select of ids (blank: none); a value that is no id is refused with a Vietnamese error."""

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(label, coerce=_int_or_none, validate_choice=False, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Read the posted id."""
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError("Lựa chọn không hợp lệ") from exc


class ActionForm(FlaskForm):
    """A POST with no fields of its own (resume, retry, discard, revoke...): the CSRF token."""


class ReasonForm(FlaskForm):
    """An operation that records why (suspend, cancel)."""

    reason = TextAreaField("Lý do", validators=[Length(max=500)])


class UploadForm(FlaskForm):
    """A .bpmn file to deploy (or to open as a draft), with the version's comment."""

    file = FileField("Tệp BPMN")
    comment = StringField("Ghi chú phiên bản", validators=[Length(max=500)])


class MigrationForm(FlaskForm):
    """The instances to move and the version they move to."""

    definition_id = StringField()
    instance_ids = StringField()


class UnitForm(FlaskForm):
    """Create or edit a unit."""

    code = StringField("Mã đơn vị", validators=[Length(max=80)])
    name = StringField("Tên đơn vị", validators=[Length(max=200)])
    kind = SelectField("Loại", choices=choices(UNIT_KIND_LABELS.items()))
    subkind = StringField("Phân loại (tùy chọn)", validators=[Optional(), Length(max=40)])
    parent_id = IdSelectField("Đơn vị cấp trên")
    active = BooleanField("Đang hoạt động", default=True)


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserForm(FlaskForm):
    """Create or edit an account."""

    username = StringField("Tên đăng nhập", validators=[Length(max=120)])
    full_name = StringField("Họ và tên", validators=[Length(max=200)])
    email = StringField("Thư điện tử (tùy chọn)", validators=[Optional(), Length(max=200)])
    unit_id = IdSelectField("Đơn vị")
    roles = CheckboxesField("Vai trò", choices=choices(ROLE_LABELS.items()), validate_choice=False)
    active = BooleanField("Đang hoạt động", default=True)
    password = PasswordField(
        "Mật khẩu ban đầu (để trống: hệ thống tạo mật khẩu tạm)", validators=[Length(max=200)]
    )


class PasswordResetForm(FlaskForm):
    """Reset an account's password: a given one, or a generated one when blank."""

    password = PasswordField(
        "Mật khẩu mới (để trống: tạo mật khẩu tạm)", validators=[Length(max=200)]
    )


class SubstitutionForm(FlaskForm):
    """A dated substitute: who is away, who acts for them, from when to when."""

    absent_user_id = IdSelectField("Người vắng mặt")
    substitute_user_id = IdSelectField("Người được ủy quyền")
    starts_on = StringField("Từ ngày (dd/mm/yyyy)", validators=[Length(max=10)])
    ends_on = StringField("Đến ngày (dd/mm/yyyy)", validators=[Length(max=10)])


def apply_errors(form: FlaskForm, errors: dict[str, str]) -> None:
    """Attach the engine's messages to the form's fields (unknown keys go to the form)."""
    for name, message in errors.items():
        field: Field | None = getattr(form, name, None)
        if isinstance(field, Field):
            field.errors = [*field.errors, message]  # type: ignore[list-item]
        else:
            form.form_errors.append(message)
