"""One process instance as its page shows it: what it is, its diagram with the steps done and the
step(s) waiting, and its history from the audit trail in Vietnamese. Tables only: the workflow
state is never loaded."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.errors import NotFoundError
from engine.core.formatting import format_date
from engine.core.labels import (
    AUDIT_ACTION_LABELS,
    DECISION_LABELS,
    INSTANCE_STATUS_LABELS,
    MESSAGE_LABELS,
    NOTICE_LABELS,
    ROUND_LABELS,
    process_label,
    role_label,
    round_label,
)
from engine.core.permissions import Actor, can_see_unit
from engine.queries.thread import SYSTEM_NAME, absent_name, signed_by, user_names
from models import (
    AuditEvent,
    HumanTask,
    HumanTaskStatus,
    ProcessDefinition,
    ProcessInstance,
    Unit,
    User,
)


@dataclass(frozen=True)
class StepView:
    """A step of the instance waiting for someone."""

    task_id: int
    element_id: str
    title: str
    role_label: str
    due_date: date | None
    claimed_by: str | None


@dataclass(frozen=True)
class InstanceView:
    """The instance's header: process, unit, round, status, dates and waiting steps."""

    id: int
    process_key: str
    process_label: str
    version: int
    unit_code: str
    unit_name: str
    round_label: str
    status: str
    status_label: str
    due_date: date | None
    started_at: datetime
    completed_at: datetime | None
    escalated_at: datetime | None
    ready: tuple[StepView, ...]


@dataclass(frozen=True)
class Diagram:
    """The BPMN of the instance's version, the element ids to mark and the reminders and
    escalations that ran (by notification kind, "escalation")."""

    xml: str
    completed: dict[str, int]
    ready: tuple[str, ...]
    signals: dict[str, int]


@dataclass(frozen=True)
class HistoryEntry:
    """One line of the history: when, who, what."""

    at: datetime
    who: str
    what: str
    detail: str


def _visible(session: Session, actor: Actor, instance_id: int) -> ProcessInstance:
    instance = session.get(ProcessInstance, instance_id)
    if instance is None or not can_see_unit(actor, instance.unit_id):
        raise NotFoundError("Không tìm thấy quy trình")
    return instance


def _round_label(instance: ProcessInstance) -> str:
    if instance.round_key:
        return round_label(instance.round_key)
    return ROUND_LABELS.get(
        "adoption" if instance.process_key == "unit_plan" else instance.process_key, ""
    )


def get(session: Session, actor: Actor, instance_id: int) -> InstanceView:
    """Return the header of an instance the actor may see (NotFoundError otherwise)."""
    instance = _visible(session, actor, instance_id)
    unit = session.get(Unit, instance.unit_id)
    assert unit is not None
    ready = session.execute(
        select(HumanTask, User.full_name)
        .outerjoin(User, User.id == HumanTask.claimed_by_id)
        .where(HumanTask.instance_id == instance.id, HumanTask.status == HumanTaskStatus.READY)
        .order_by(HumanTask.id)
    ).all()
    return InstanceView(
        id=instance.id,
        process_key=instance.process_key,
        process_label=process_label(instance.process_key),
        version=instance.definition.version,
        unit_code=unit.code,
        unit_name=unit.name,
        round_label=_round_label(instance),
        status=str(instance.status),
        status_label=INSTANCE_STATUS_LABELS.get(instance.status, str(instance.status)),
        due_date=instance.due_date,
        started_at=instance.started_at,
        completed_at=instance.completed_at,
        escalated_at=instance.escalated_at,
        ready=tuple(
            StepView(t.id, t.task_name, t.title, role_label(t.role), t.due_date, name)
            for t, name in ready
        ),
    )


def diagram(session: Session, actor: Actor, instance_id: int) -> Diagram:
    """Return the instance's BPMN and the ids of its completed (with counts) and ready steps."""
    instance = _visible(session, actor, instance_id)
    xml = session.scalars(
        select(ProcessDefinition.bpmn_xml)
        .where(ProcessDefinition.id == instance.definition_id)
    ).one()
    rows = session.execute(
        select(HumanTask.task_name, HumanTask.status).where(HumanTask.instance_id == instance.id)
    ).all()
    completed: Counter[str] = Counter(
        name for name, status in rows if status == HumanTaskStatus.COMPLETED
    )
    ready = tuple(dict.fromkeys(name for name, status in rows if status == HumanTaskStatus.READY))
    signals: Counter[str] = Counter()
    from_audit: Counter[str] = Counter()
    for action, details in session.execute(select(AuditEvent.action, AuditEvent.details).where(
            AuditEvent.instance_id == instance.id,
            AuditEvent.action.in_(("task.completed", "reminder.sent", "instance.escalated")))):
        details = details or {}
        if action == "task.completed" and details.get("task"):
            from_audit[str(details["task"])] += 1
        elif action == "reminder.sent":
            signals[str(details.get("kind", ""))] += 1
        elif action == "instance.escalated":
            signals["escalation"] += 1
    # instances older than the human-task projection: fall back on the audit trail
    return Diagram(xml=xml, completed=dict(completed or from_audit), ready=ready,
                   signals=dict(signals))


def _task_text(action: str, details: dict[str, Any], title: str) -> tuple[str, str]:
    step = f"«{title}»" if title else ""
    what = f"{AUDIT_ACTION_LABELS[action]} {step}".strip()
    if action == "task.completed":
        decision = DECISION_LABELS.get(str(details.get("decision", "")), "")
        said = " — ".join(p for p in (decision, str(details.get("comment") or "")) if p)
        return what, f"Ý kiến: {said}" if said else ""
    return what, ""


def describe(action: str, details: dict[str, Any], title: str = "") -> tuple[str, str]:
    """Return the Vietnamese text of an audit event: what happened and a short detail."""
    if action.startswith("task.") and action in (
        "task.completed",
        "task.draft_saved",
        "task.claimed",
        "task.released",
    ):
        return _task_text(action, details, title)
    if action == "reminder.sent":
        roles = ", ".join(role_label(r) for r in details.get("roles", []))
        kind = NOTICE_LABELS.get(str(details.get("kind", "")), "")
        parts = (kind, f"gửi {roles}" if roles else "")
        return AUDIT_ACTION_LABELS[action], " — ".join(p for p in parts if p)
    if action == "instance.escalated":
        if details.get("role") == "parent_leader":
            return "Báo cáo lãnh đạo xã", "Quá thời hạn cho phép"
        return "Báo cáo UBND tỉnh", "Quá thời hạn cho phép"
    if action == "extension.requested":
        return (
            AUDIT_ACTION_LABELS[action],
            f"Đến {format_date(details.get('requested_due'))}: {details.get('reason', '')}",
        )
    if action in ("extension.approved", "extension.refused"):
        verdict = "chấp thuận" if action == "extension.approved" else "không chấp thuận"
        comment = f" — {details['comment']}" if details.get("comment") else ""
        return (
            f"Gia hạn: Sở KHCN {verdict}",
            f"Hạn đề nghị {format_date(details.get('requested_due'))}{comment}",
        )
    if action == "message.delivered":
        name = str(details.get("message", ""))
        return AUDIT_ACTION_LABELS[action], MESSAGE_LABELS.get(name, name)
    details_of = {
        "instance.started": f"Phiên bản {details.get('version', '')}",
        "instance.error": str(details.get("message", ""))[:200],
        "reminder.skipped": "Đơn vị đã gửi, đang chờ Sở KHCN",
    }
    return AUDIT_ACTION_LABELS.get(action, action), details_of.get(action, "")


Describer = Callable[[str, dict[str, Any], str], tuple[str, str]]


def trail(
    session: Session,
    instance_id: int,
    *,
    describer: Describer = describe,
    newest_first: bool = False,
    limit: int | None = None,
) -> list[HistoryEntry]:
    """Return an instance's audit events in Vietnamese, oldest (or newest) first, at most `limit`;
    a step a substitute did reads "<substitute> ký thay <person>".

    No permission check: the instance page's `history` and the admin pages check first."""
    order = (
        (AuditEvent.at.desc(), AuditEvent.id.desc())
        if newest_first
        else (AuditEvent.at.asc(), AuditEvent.id.asc())
    )
    rows = session.execute(
        select(AuditEvent, User.full_name, HumanTask.title)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .outerjoin(HumanTask, HumanTask.id == AuditEvent.human_task_id)
        .where(AuditEvent.instance_id == instance_id)
        .order_by(*order)
        .limit(limit)
    ).all()
    absent = user_names(session, ((e.details or {}).get("on_behalf_of") for e, _, _ in rows))
    entries = []
    for event, name, title in rows:
        details = event.details or {}
        what, detail = describer(event.action, details, title or "")
        who = signed_by(name or SYSTEM_NAME, absent_name(absent, details))
        entries.append(HistoryEntry(event.at, who, what, detail))
    return entries


def history(session: Session, actor: Actor, instance_id: int) -> list[HistoryEntry]:
    """Return the audit trail of an instance the actor may see, oldest first, in Vietnamese."""
    return trail(session, _visible(session, actor, instance_id).id)
