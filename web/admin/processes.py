"""Process definitions: versions and their diff, upload and download, and the BPMN modeler
(draft, validate, deploy). The modeler talks JSON; everything else is HTML with PRG."""

from __future__ import annotations

from typing import Any

from flask import (
    Response,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import generate_csrf

from engine.admin import drafts, process_versions
from engine.core.errors import FieldErrors, InvalidDefinitionError, Problem
from engine.core.labels import ROLE_LABELS, process_label
from engine.workflow import forms
from engine.workflow.parsing import MAX_BPMN_BYTES
from web.admin.access import bp
from web.admin.forms import ActionForm, UploadForm
from web.auth.identity import current_actor
from web.database import db_session
from web.json_body import read_object
from web.params import id_arg, takes_json
from web.uploads import read_upload

# A multipart upload carries the file plus a little form overhead; JSON escapes the XML.
JSON_LIMIT = 3 * MAX_BPMN_BYTES
TOO_LARGE = f"Tệp BPMN quá lớn: tối đa {MAX_BPMN_BYTES // 1024} KB; tệp không được tiếp nhận."
EXTENSIONS = (".bpmn", ".xml")


@bp.get("/")
def index() -> ResponseReturnValue:
    """Show the administration home: links to each area."""
    return render_template("admin/index.html")


def _render_list(
    status: int = 200, form: UploadForm | None = None, problems: list[Problem] | None = None
) -> ResponseReturnValue:
    catalog = process_versions.catalog(db_session())
    return render_template(
        "admin/processes.html",
        catalog=catalog,
        form=form or UploadForm(),
        problems=problems or [],
        max_kb=MAX_BPMN_BYTES // 1024,
    ), status


@bp.get("/processes")
def list_processes() -> ResponseReturnValue:
    """Show every process with its versions, open instances, drafts and the upload form."""
    return _render_list()


@bp.get("/processes/<key>/diff")
def show_diff(key: str) -> ResponseReturnValue:
    """Show the elements added, removed and changed between two versions of a process."""
    entry = process_versions.entry(db_session(), key)
    numbers = [v.version for v in entry.versions]
    new = id_arg("to") or (numbers[0] if numbers else 0)
    old = id_arg("from") or (numbers[1] if len(numbers) > 1 else new)
    result = process_versions.diff(db_session(), key, old, new)
    return render_template("admin/diff.html", entry=entry, old=old, new=new, diff=result)


@bp.get("/processes/<key>/versions/<id:version>.bpmn")
def download_version(key: str, version: int) -> ResponseReturnValue:
    """Send the XML of a deployed version as a .bpmn file."""
    definition = process_versions.find_version(db_session(), key, version, with_xml=True)
    response = Response(definition.bpmn_xml, mimetype="application/xml")
    response.headers["Content-Disposition"] = f'attachment; filename="{key}-v{version}.bpmn"'
    return response


def _uploaded() -> tuple[bytes | None, str, str | None]:
    """Return the uploaded bytes and file name, or an error message in Vietnamese."""
    upload = read_upload(
        "file", limit=MAX_BPMN_BYTES, extensions=EXTENSIONS, default_name="diagram.bpmn",
        kind="tệp sơ đồ BPMN",
    )
    if upload.status == 413:
        return None, upload.name, TOO_LARGE
    return upload.data, upload.name, upload.error


@bp.post("/processes/upload")
def upload_definition() -> ResponseReturnValue:
    """Deploy an uploaded .bpmn as a new version, or open it in the modeler as a draft."""
    form = UploadForm()
    data, name, error = _uploaded()
    if data is None:
        return _render_list(413 if error == TOO_LARGE else 400, form, [Problem(error or "")])
    if request.form.get("action") == "draft":
        return _upload_draft(form, data, name)
    return _upload_deploy(form, data, name)


def _upload_draft(form: UploadForm, data: bytes, name: str) -> ResponseReturnValue:
    """Keep the file as the draft of its process (safe XML only) and open the modeler."""
    session = db_session()
    try:
        key = drafts.save(session, data, actor_id=current_actor().user_id)
    except InvalidDefinitionError as exc:
        session.rollback()
        return _render_list(400, form, exc.problems)
    session.commit()
    flash(f"Đã mở tệp {name} thành bản nháp của quy trình '{key}'.", "success")
    return redirect(url_for("admin.edit_process", key=key))


def _upload_deploy(form: UploadForm, data: bytes, name: str) -> ResponseReturnValue:
    """Validate and deploy the file; nothing is stored when it is refused."""
    session = db_session()
    try:
        view = drafts.deploy(
            session, data, form.comment.data or "", actor_id=current_actor().user_id, filename=name
        )
    except InvalidDefinitionError as exc:
        session.rollback()
        return _render_list(400, form, exc.problems)
    except FieldErrors as exc:
        session.rollback()
        form.comment.errors = list(exc.errors.values())
        return _render_list(400, form)
    session.commit()
    if view.created:
        flash(
            f"Đã triển khai {process_label(view.process_key)} phiên bản {view.version}.", "success"
        )
    else:
        flash(_identical(view.process_key, view.version), "info")
    return redirect(url_for("admin.list_processes"))


def _identical(key: str, version: int) -> str:
    return f"Nội dung giống hệt phiên bản {version} của '{key}' đang dùng; không tạo phiên bản mới."


@bp.get("/processes/<key>/modeler")
def edit_process(key: str) -> ResponseReturnValue:
    """Open the modeler on a version (?version=N), else the draft, else the newest version."""
    session = db_session()
    source = drafts.open_for_edit(session, key, id_arg("version"))
    config = {
        "key": key,
        "xml": source.xml,
        "source": source.source,
        "version": source.version,
        "roles": [[k, v] for k, v in ROLE_LABELS.items()],
        "forms": [[k, forms.load(k).title] for k in sorted(forms.known_keys())],
        "processes": process_versions.process_keys(session),
        "csrfToken": generate_csrf(),
        "urls": {
            "draft": url_for("admin.save_draft", key=key),
            "validate": url_for("admin.validate_process", key=key),
            "deploy": url_for("admin.deploy_process", key=key),
            "moddle": url_for("static", filename="js/spiffworkflow_moddle.json"),
        },
    }
    return render_template(
        "admin/modeler.html",
        source=source,
        config=config,
        name=process_label(key),
        action_form=ActionForm(),
    )


def _posted_xml() -> tuple[bytes | None, dict[str, Any], ResponseReturnValue | None]:
    """Read {"xml": ..., ...} from a JSON body; or an error response to return.

    The body is read by web.json_body: beyond JSON_LIMIT it is refused (413), and text the
    database cannot store (a lone surrogate, NUL) is a 400 in JSON, as every refusal here.
    """
    body = read_object(JSON_LIMIT, TOO_LARGE)
    if body is None or not isinstance(body.get("xml"), str):
        return None, {}, (jsonify({"ok": False, "error": "Thiếu nội dung sơ đồ (xml)."}), 400)
    return body["xml"].encode("utf-8"), body, None


def _problems(problems: list[Problem], status: int = 400) -> ResponseReturnValue:
    return jsonify(
        {
            "ok": False,
            "error": "Sơ đồ chưa hợp lệ: " + f"{len(problems)} lỗi cần sửa.",
            "problems": [p.as_dict() for p in problems],
        }
    ), status


@bp.post("/processes/<key>/draft")
@takes_json
def save_draft(key: str) -> ResponseReturnValue:
    """Save the modeler's diagram as the process's draft (safe XML of this process)."""
    xml, _, error = _posted_xml()
    if error is not None or xml is None:
        return error or ("", 400)
    session = db_session()
    try:
        drafts.save(session, xml, actor_id=current_actor().user_id, expected_key=key)
    except InvalidDefinitionError as exc:
        session.rollback()
        return _problems(exc.problems)
    session.commit()
    return jsonify({"ok": True, "message": "Đã lưu nháp."})


@bp.post("/processes/<key>/draft/discard")
def discard_draft(key: str) -> ResponseReturnValue:
    """Throw the draft away; the modeler reopens the newest version."""
    ActionForm().validate_on_submit()
    session = db_session()
    if drafts.discard(session, key, actor_id=current_actor().user_id):
        session.commit()
        flash("Đã bỏ bản nháp.", "info")
    return redirect(url_for("admin.edit_process", key=key))


@bp.post("/processes/<key>/validate")
@takes_json
def validate_process(key: str) -> ResponseReturnValue:
    """Run the deploy-time validation on the modeler's diagram; list each problem."""
    xml, _, error = _posted_xml()
    if error is not None or xml is None:
        return error or ("", 400)
    problems = drafts.check(db_session(), xml, expected_key=key)
    if problems:
        return _problems(problems, 200)
    return jsonify({"ok": True, "problems": [], "message": "Sơ đồ hợp lệ, có thể triển khai."})


@bp.post("/processes/<key>/deploy")
@takes_json
def deploy_process(key: str) -> ResponseReturnValue:
    """Deploy the modeler's diagram as a new version when it validates; never otherwise."""
    xml, body, error = _posted_xml()
    if error is not None or xml is None:
        return error or ("", 400)
    session = db_session()
    comment = body.get("comment") if isinstance(body.get("comment"), str) else ""
    try:
        view = drafts.deploy(
            session, xml, comment or "", actor_id=current_actor().user_id, expected_key=key
        )
    except InvalidDefinitionError as exc:
        session.rollback()
        return _problems(exc.problems)
    except FieldErrors as exc:
        session.rollback()
        return jsonify(
            {"ok": False, "error": "; ".join(exc.errors.values()), "fields": exc.errors}
        ), 400
    if not view.created:
        session.rollback()
        return jsonify({"ok": False, "error": _identical(key, view.version)}), 400
    session.commit()
    flash(f"Đã triển khai {process_label(key)} phiên bản {view.version}.", "success")
    return jsonify(
        {"ok": True, "version": view.version, "redirect": url_for("admin.list_processes")}
    )
