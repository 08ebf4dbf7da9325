"""Jinja filters and globals: Vietnamese dates, numbers and labels."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask, request, url_for

from engine.core.clock import BUSINESS_TZ
from engine.core.labels import UNIT_KIND_LABELS, process_label, role_label
from web.tasks.layout import show_number


def vn_date(value: date | datetime | None) -> str:
    """Write a date as dd/mm/yyyy (a datetime in Asia/Ho_Chi_Minh)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(BUSINESS_TZ) if value.tzinfo else value
    return value.strftime("%d/%m/%Y")


def vn_datetime(value: datetime | None) -> str:
    """Write a moment as dd/mm/yyyy HH:MM in Asia/Ho_Chi_Minh."""
    if value is None:
        return ""
    local = value.astimezone(BUSINESS_TZ) if value.tzinfo else value
    return local.strftime("%d/%m/%Y %H:%M")


def url_with(**changes: Any) -> str:
    """Return the current page's URL with some query arguments changed (None removes one)."""
    args = {k: v for k, v in request.args.items()}
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    endpoint = request.endpoint or "inbox.list_tasks"
    return url_for(endpoint, **(request.view_args or {}), **args)


def init_templating(app: Flask) -> None:
    """Register the filters and globals the templates use."""
    app.jinja_env.filters.update(vn_date=vn_date, vn_datetime=vn_datetime,
                                 vn_number=show_number, role_label=role_label,
                                 process_label=process_label,
                                 unit_kind=lambda k: UNIT_KIND_LABELS.get(str(k), str(k)))
    app.jinja_env.globals.update(url_with=url_with)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
