"""Find process instances for administrators: by id, by unit and status, or by version.

Tables only (process_instance, unit, human_task): workflows are never deserialized here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from engine.core.errors import NotFoundError
from engine.core.labels import AUDIT_ACTION_LABELS, INSTANCE_STATUS_LABELS, round_label
from engine.core.pagination import Page, paginate
from engine.core.text_search import contains_text
from engine.queries import instance_views
from engine.queries.instance_views import HistoryEntry
from models import HumanTask, HumanTaskStatus, ProcessDefinition, ProcessInstance, Unit

# A dry run loads each workflow: previews are bounded per request.
MAX_BATCH = 500
STATUSES = tuple(str(s) for s in INSTANCE_STATUS_LABELS)
STATUS_LABELS: dict[str, str] = {str(k): v for k, v in INSTANCE_STATUS_LABELS.items()}


@dataclass(frozen=True)
class InstanceQuery:
    """Which instances to list: every given criterion must hold."""

    process_key: str | None = None
    definition_id: int | None = None
    instance_id: int | None = None
    unit_text: str | None = None
    status: str | None = None
    statuses: tuple[str, ...] = ()
    page: int = 1


@dataclass(frozen=True)
class InstanceRow:
    """One instance as the admin lists show it."""

    id: int
    process_key: str
    definition_id: int
    version: int
    unit_code: str
    unit_name: str
    round_key: str
    status: str
    status_label: str
    started_at: datetime
    error_message: str | None
    steps: tuple[str, ...] = ()

    @property
    def round_label(self) -> str:
        """Return the Vietnamese name of the instance's round ("" when it has none)."""
        return round_label(self.round_key)


def _statement(query: InstanceQuery) -> Select:  # type: ignore[type-arg]
    stmt = (
        select(ProcessInstance, Unit.code, Unit.name, ProcessDefinition.version)
        .join(Unit, Unit.id == ProcessInstance.unit_id)
        .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
        .order_by(ProcessInstance.id)
    )
    if query.instance_id is not None:
        stmt = stmt.where(ProcessInstance.id == query.instance_id)
    if query.process_key:
        stmt = stmt.where(ProcessInstance.process_key == query.process_key)
    if query.definition_id is not None:
        stmt = stmt.where(ProcessInstance.definition_id == query.definition_id)
    if query.status in STATUSES:
        stmt = stmt.where(ProcessInstance.status == query.status)
    if query.statuses:
        stmt = stmt.where(ProcessInstance.status.in_(query.statuses))
    if query.unit_text:
        text = query.unit_text
        stmt = stmt.where(or_(contains_text(Unit.code, text), contains_text(Unit.name, text)))
    return stmt


def _row(record: Any) -> InstanceRow:
    instance, code, name, version = record
    return InstanceRow(
        id=instance.id,
        process_key=instance.process_key,
        definition_id=instance.definition_id,
        version=version,
        unit_code=code,
        unit_name=name,
        round_key=instance.round_key,
        status=str(instance.status),
        status_label=INSTANCE_STATUS_LABELS.get(instance.status, str(instance.status)),
        started_at=instance.started_at,
        error_message=instance.error_message,
    )


def _with_steps(session: Session, rows: tuple[InstanceRow, ...]) -> tuple[InstanceRow, ...]:
    """Add the titles of each instance's waiting user tasks (one query for the page)."""
    steps: dict[int, list[str]] = {}
    for instance_id, title in session.execute(
        select(HumanTask.instance_id, HumanTask.title)
        .where(
            HumanTask.instance_id.in_([r.id for r in rows]),
            HumanTask.status == HumanTaskStatus.READY,
        )
        .order_by(HumanTask.id)
    ):
        steps.setdefault(instance_id, []).append(title)
    return tuple(replace(r, steps=tuple(steps.get(r.id, ()))) for r in rows)


def search(session: Session, query: InstanceQuery, per_page: int = 50) -> Page[InstanceRow]:
    """Return one page of the instances matching `query`, with their waiting steps."""
    page = paginate(session, _statement(query), query.page, _row, per_page)
    return Page(_with_steps(session, page.rows), page.total, page.page, page.pages, page.per_page)


def matching_ids(session: Session, query: InstanceQuery, limit: int = MAX_BATCH) -> list[int]:
    """Return the ids of the instances matching `query` (at most `limit`)."""
    stmt = _statement(query).with_only_columns(ProcessInstance.id).limit(limit)
    return list(session.scalars(stmt))


ADMIN_ACTIONS = frozenset({
    "instance.migrated", "instance.suspended", "instance.resumed", "instance.retried",
    "instance.cancelled",
})


def _admin_detail(action: str, details: dict[str, Any]) -> str:
    if action == "instance.migrated":
        return f"Từ phiên bản {details.get('from_version')} sang {details.get('to_version')}"
    if action == "instance.retried":
        return ", ".join(str(t) for t in details.get("tasks", []))
    return str(details.get("reason") or "")


def find(session: Session, instance_id: int) -> InstanceRow:
    """Return one instance as the lists show it (NotFoundError when missing)."""
    page = search(session, InstanceQuery(instance_id=instance_id), per_page=1)
    if not page.rows:
        raise NotFoundError("Không tìm thấy quy trình")
    return page.rows[0]


def _describe(action: str, details: dict[str, Any], title: str) -> tuple[str, str]:
    """Describe an audit event as the instance page does, support actions included."""
    if action in ADMIN_ACTIONS:
        return AUDIT_ACTION_LABELS[action], _admin_detail(action, details)
    return instance_views.describe(action, details, title)


def history(session: Session, instance_id: int, limit: int = 100) -> list[HistoryEntry]:
    """Return the newest audit events of an instance, newest first, support actions included."""
    return instance_views.trail(
        session, instance_id, describer=_describe, newest_first=True, limit=limit
    )
