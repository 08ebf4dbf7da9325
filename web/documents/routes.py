"""Word downloads: a unit's report for a round, its adopted plan and its answer to an ad-hoc
request (the unit page's access rule); the province report of a round and the compilation of
an ad-hoc request (those who supervise). Thin: the documents are built in
engine.documents."""
from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue
from flask_login import login_required

from engine.documents import adhoc_answers, province_report, unit_plan, unit_report
from engine.queries import dashboard
from web.auth.identity import current_actor
from web.database import db_session
from web.params import id_arg
from web.workbooks import DOCX, send_download

bp = Blueprint("documents", __name__)



def _send(data: bytes, name: str) -> ResponseReturnValue:
    return send_download(data, name, DOCX)


@bp.get("/units/<code>/reports/<stage>.docx")
@login_required
def unit_report_docx(code: str, stage: str) -> ResponseReturnValue:
    """Download a unit's report for a round in Nghị định 30's layout."""
    session = db_session()
    plan = dashboard.find_plan(session, id_arg("plan"))
    data = unit_report.build(session, current_actor(), plan, code, stage)
    return _send(data, unit_report.file_name(code, stage))


@bp.get("/units/<code>/plan.docx")
@login_required
def unit_plan_docx(code: str) -> ResponseReturnValue:
    """Download a unit's adopted plan (its Phụ lục I and II as adapted)."""
    session = db_session()
    plan = dashboard.find_plan(session, id_arg("plan"))
    data = unit_plan.build(session, current_actor(), plan, code)
    return _send(data, unit_plan.file_name(code, plan.year))


@bp.get("/supervision/reports/<stage>.docx")
@login_required
def province_report_docx(stage: str) -> ResponseReturnValue:
    """Download the province report of a round (to UBND tỉnh and the steering committee)."""
    session = db_session()
    plan = dashboard.find_plan(session, id_arg("plan"))
    data = province_report.build(session, current_actor(), plan, stage)
    return _send(data, province_report.file_name(stage))


@bp.get("/requests/<stage>.docx")
@login_required
def request_docx(stage: str) -> ResponseReturnValue:
    """Download the compilation of every unit's answers to an ad-hoc request."""
    session = db_session()
    plan = dashboard.find_plan(session, id_arg("plan"))
    data = adhoc_answers.build_compiled(session, current_actor(), plan, stage)
    return _send(data, adhoc_answers.file_name(stage))


@bp.get("/units/<code>/requests/<stage>.docx")
@login_required
def unit_answer_docx(code: str, stage: str) -> ResponseReturnValue:
    """Download a unit's answer to an ad-hoc request."""
    session = db_session()
    plan = dashboard.find_plan(session, id_arg("plan"))
    data = adhoc_answers.build_unit(session, current_actor(), plan, code, stage)
    return _send(data, adhoc_answers.file_name(stage, code))
