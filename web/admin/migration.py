"""Migration of running instances to another version (dry run first), and support operations
on one instance: suspend, resume, retry a step in error, cancel with a reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine.admin import instance_ops, instance_search, migration, process_versions
from engine.admin.instance_search import InstanceQuery
from engine.core.errors import ConflictError, FieldErrors
from models import InstanceStatus
from web.admin.access import bp
from web.admin.forms import ActionForm, MigrationForm, ReasonForm
from web.auth.identity import current_actor, safe_next
from web.database import db_session
from web.params import parse_id

MODES = ("one", "filter", "version")
MAX_FLASHED_REFUSALS = 10
SELECTION_ARGS = ("process", "target", "mode", "instance", "unit", "status", "from")


def _int_arg(name: str) -> int | None:
    """Return the id typed or chosen in the selection form ("#12" too); None when it is none."""
    return parse_id(request.args.get(name, "").strip().lstrip("#"))


def _selection(process: str | None) -> tuple[str, InstanceQuery | None]:
    """Read which instances the admin chose: one by id, a filter, or all of a version."""
    mode = request.args.get("mode", "filter")
    mode = mode if mode in MODES else "filter"
    page = _int_arg("page") or 1
    if mode == "one":
        instance_id = _int_arg("instance")
        return mode, InstanceQuery(instance_id=instance_id) if instance_id else None
    if mode == "version":
        source = _int_arg("from")
        if source is None:
            return mode, None
        return mode, InstanceQuery(
            process_key=process,
            definition_id=source,
            statuses=tuple(process_versions.OPEN_STATUSES),
            page=page,
        )
    status = request.args.get("status") or None
    return mode, InstanceQuery(
        process_key=process,
        definition_id=_int_arg("from"),
        unit_text=(request.args.get("unit") or "").strip()[:100] or None,
        status=status if status in instance_search.STATUSES else None,
        page=page,
    )


@bp.get("/migration")
def show_migration() -> ResponseReturnValue:
    """Choose instances and a target version; list them; on request, show the dry run."""
    session = db_session()
    catalog = [e for e in process_versions.catalog(session) if e.versions]
    keys = [e.key for e in catalog]
    process = request.args.get("process")
    process = process if process in keys else ("unit_plan" if "unit_plan" in keys else None)
    entry = next((e for e in catalog if e.key == process), None)
    target = _int_arg("target")
    if entry is not None and target not in {v.id for v in entry.versions}:
        target = entry.versions[0].id
    mode, query = _selection(process)
    listing = instance_search.search(session, query) if query else None
    previews: list[migration.Preview] = []
    capped = False
    if query is not None and target is not None and request.args.get("preview"):
        ids = instance_search.matching_ids(session, query, instance_search.MAX_BATCH + 1)
        capped = len(ids) > instance_search.MAX_BATCH
        previews = migration.preview(session, ids[: instance_search.MAX_BATCH], target)
        session.rollback()  # a dry run: nothing it touched may be kept
    return render_template(
        "admin/migration.html",
        catalog=catalog,
        entry=entry,
        process=process,
        target=target,
        mode=mode,
        listing=listing,
        previews=previews,
        capped=capped,
        movable=[p.instance_id for p in previews if p.can_migrate],
        statuses=instance_search.STATUSES,
        status_labels=instance_search.STATUS_LABELS,
        form=MigrationForm(),
        args=request.args,
        max_batch=instance_search.MAX_BATCH,
    )


def _ids(text: str) -> list[int]:
    ids = (parse_id(p) for p in text.replace(" ", "").split(","))
    return [i for i in ids if i is not None][: instance_search.MAX_BATCH]


@bp.post("/migration")
def migrate_instances() -> ResponseReturnValue:
    """Move the previewed instances to the target version; refused ones stay untouched."""
    form = MigrationForm()
    back = {k: request.args[k] for k in SELECTION_ARGS if request.args.get(k)}
    target = parse_id(form.definition_id.data)
    ids = _ids(form.instance_ids.data or "")
    if target is None or not ids:
        flash("Chưa chọn quy trình nào để chuyển phiên bản.", "warning")
        return redirect(url_for("admin.show_migration", **_values(back)))
    session = db_session()
    result = migration.migrate(session, current_actor(), ids, target)
    session.commit()
    version = process_versions.version_number(session, target)
    if result.migrated:
        flash(f"Đã chuyển {len(result.migrated)} quy trình sang phiên bản {version}.", "success")
    for instance_id, reason in list(result.refused.items())[:MAX_FLASHED_REFUSALS]:
        flash(f"Không chuyển quy trình #{instance_id}: {reason}", "warning")
    if len(result.refused) > MAX_FLASHED_REFUSALS:
        flash(
            f"… và {len(result.refused) - MAX_FLASHED_REFUSALS} quy trình khác không chuyển được.",
            "warning",
        )
    return redirect(url_for("admin.show_migration", **_values(back)))


@bp.get("/instances/<id:instance_id>")
def show_instance(instance_id: int) -> ResponseReturnValue:
    """Show an instance for support: status, waiting steps, error, history and operations."""
    session = db_session()
    row = instance_search.find(session, instance_id)
    entry = process_versions.entry(session, row.process_key)
    return render_template(
        "admin/instance.html",
        row=row,
        entry=entry,
        history=instance_search.history(session, instance_id),
        reason_form=ReasonForm(),
        action_form=ActionForm(),
        statuses=InstanceStatus,
    )


def _operate(instance_id: int, run: Callable[[], Any], done: str) -> ResponseReturnValue:
    """Run one support operation, commit, flash; refusals are flashed, nothing changes."""
    session = db_session()
    back = safe_next(request.form.get("next"))  # checked before anything is done
    try:
        run()
    except (ConflictError, FieldErrors) as exc:
        session.rollback()
        message = "; ".join(exc.errors.values()) if isinstance(exc, FieldErrors) else exc.message
        flash(message, "danger")
    else:
        session.commit()
        flash(done, "success")
    return redirect(back or url_for("admin.show_instance", instance_id=instance_id))


def _reason() -> str:
    return (request.form.get("reason") or "").strip()[:500]


@bp.post("/instances/<id:instance_id>/suspend")
def suspend_instance(instance_id: int) -> ResponseReturnValue:
    """Pause a running instance."""
    session, actor = db_session(), current_actor()
    return _operate(
        instance_id,
        lambda: instance_ops.suspend(session, actor, instance_id, _reason()),
        f"Đã tạm dừng quy trình #{instance_id}.",
    )


@bp.post("/instances/<id:instance_id>/resume")
def resume_instance(instance_id: int) -> ResponseReturnValue:
    """Resume a suspended instance."""
    session, actor = db_session(), current_actor()
    return _operate(
        instance_id,
        lambda: instance_ops.resume(session, actor, instance_id),
        f"Đã cho quy trình #{instance_id} chạy tiếp.",
    )


@bp.post("/instances/<id:instance_id>/retry")
def retry_instance(instance_id: int) -> ResponseReturnValue:
    """Re-run the steps in error."""
    session, actor = db_session(), current_actor()
    return _operate(
        instance_id,
        lambda: instance_ops.retry(session, actor, instance_id),
        f"Đã chạy lại bước lỗi của quy trình #{instance_id}.",
    )


@bp.post("/instances/<id:instance_id>/cancel")
def cancel_instance(instance_id: int) -> ResponseReturnValue:
    """Cancel an instance for good, with a reason."""
    session, actor = db_session(), current_actor()
    return _operate(
        instance_id,
        lambda: instance_ops.cancel(session, actor, instance_id, _reason()),
        f"Đã hủy quy trình #{instance_id}.",
    )


def _values(args: dict[str, str]) -> dict[str, Any]:
    """Widen query arguments for url_for (its stub types the keywords of its own options)."""
    return dict(args)
