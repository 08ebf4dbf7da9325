"""Jinja filters and globals: Vietnamese dates, numbers and labels."""
from __future__ import annotations

from typing import Any

from flask import Flask, g, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from engine.core.formatting import format_date, format_datetime, format_deadline, format_number
from engine.core.labels import (
    ROLE_LABELS,
    comparator_label,
    process_label,
    report_document_label,
    report_title,
    role_label,
    round_label,
    round_phrase,
    stage_status_short_label,
    unit_kind_label,
)
from engine.domain import levels
from models import HOME_TENANT_ID
from web.database import db_session
from web.status_cells import status_cells


def url_with(**changes: Any) -> str:
    """Return the current page's URL with some query arguments changed (None removes one)."""
    args = {k: v for k, v in request.args.items()}
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    endpoint = request.endpoint or "inbox.list_tasks"
    values: dict[str, Any] = {**(request.view_args or {}), **args}
    return url_for(endpoint, **values)


def feedback(error: Any) -> Markup:
    """Return a field's error under it (nothing when it has none), for every form's fields: a
    function, not a macro, for the editors call it for every cell of their tables."""
    if not error:
        return Markup("")
    return Markup('<div class="invalid-feedback d-block">%s</div>') % escape(error)


def site_brand() -> dict[str, str]:
    """Name the site after the signed-in user's province (or the Ministry); before sign-in,
    after the installation's own province."""
    if "brand" not in g:  # once per request, however many templates it renders
        try:
            tenant = (current_user.identity.tenant_id if current_user.is_authenticated
                      else HOME_TENANT_ID)
            g.brand = levels.brand(db_session(), tenant)
        except Exception:  # noqa: BLE001 - the page saying the database is down still renders
            g.brand = ("Chuyển đổi số", "Chuyển đổi số")
    short, whole = g.brand
    return {"brand_short": short, "brand_title": whole}


def init_templating(app: Flask) -> None:
    """Register the filters and globals the templates use."""
    app.jinja_env.filters.update(vn_date=format_date, vn_datetime=format_datetime,
                                 vn_deadline=format_deadline,
                                 vn_number=format_number, role_label=role_label,
                                 process_label=process_label, unit_kind=unit_kind_label,
                                 stage_status_short=stage_status_short_label,
                                 comparator=comparator_label, round_label=round_label,
                                 round_phrase=round_phrase, report_document=report_document_label,
                                 report_title=report_title)
    app.jinja_env.globals.update(url_with=url_with, role_labels=ROLE_LABELS,
                                 status_cells=status_cells, feedback=feedback)
    app.context_processor(site_brand)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
