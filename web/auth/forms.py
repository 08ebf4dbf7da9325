"""Sign-in and password forms (flask-wtf: CSRF token included)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from engine.core.accounts import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    """Username and password."""

    username = StringField("Tên đăng nhập", validators=[
        DataRequired("Vui lòng nhập tên đăng nhập"), Length(max=120)])
    password = PasswordField("Mật khẩu", validators=[DataRequired("Vui lòng nhập mật khẩu")])


class PasswordForm(FlaskForm):
    """Change of password: the current one, the new one twice."""

    current_password = PasswordField("Mật khẩu hiện tại", validators=[
        DataRequired("Vui lòng nhập mật khẩu hiện tại")])
    new_password = PasswordField("Mật khẩu mới", validators=[
        DataRequired("Vui lòng nhập mật khẩu mới"),
        Length(min=MIN_PASSWORD_LENGTH,
               message=f"Mật khẩu mới cần ít nhất {MIN_PASSWORD_LENGTH} ký tự")])
    confirm_password = PasswordField("Nhập lại mật khẩu mới", validators=[
        DataRequired("Vui lòng nhập lại mật khẩu mới"),
        EqualTo("new_password", "Xác nhận mật khẩu không khớp")])
