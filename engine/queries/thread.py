"""The thread of an instance: what people wrote at each step — comments, notes, the reasons for
dropped KPIs, findings, conclusions, return reasons, decisions, extension requests and answers —
with who wrote it (and for whom, when a substitute acted), when and at which step, oldest first.

Derived from the append-only audit trail, nothing stored twice: a `task.completed` event and the
form data its task kept on completion (the form's free-text fields are its textareas), the
extension events and an administrator's reason to suspend or cancel. `signed_by` is the one place
a name reads "<substitute> ký thay <person>".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.errors import NotFoundError
from engine.core.formatting import format_date
from engine.core.labels import DECISION_LABELS, audit_action_label, process_label, round_label
from engine.core.permissions import Actor, can_see_unit, visible_task
from engine.workflow import forms
from models import AuditEvent, HumanTask, PlanKpi, ProcessInstance, User

SYSTEM_NAME = "Hệ thống"
THREAD_ACTIONS = (
    "task.completed",
    "extension.requested",
    "extension.approved",
    "extension.refused",
    "instance.suspended",
    "instance.cancelled",
)
RETURN_DECISIONS = frozenset({"return", "refuse", "reject"})
NO_REASON = "chưa nêu lý do"


@dataclass(frozen=True)
class Note:
    """One thing written at a step: its label (the form field's title) and the text."""

    label: str
    text: str


@dataclass(frozen=True)
class Entry:
    """One step's contribution to the thread."""

    id: int
    at: datetime
    instance_id: int
    human_task_id: int | None
    step: str
    author: str
    on_behalf_of: str | None
    decision: str
    returned: bool
    notes: tuple[Note, ...]

    @property
    def signed(self) -> str:
        """Return who wrote it: the name, or "<substitute> ký thay <person>"."""
        return signed_by(self.author, self.on_behalf_of)


@dataclass(frozen=True)
class TaskThread:
    """What a task page shows of its instance's thread, and who completed the task."""

    entries: tuple[Entry, ...]
    completed_by: str | None = None
    completed_at: datetime | None = None


@dataclass(frozen=True)
class InstanceThread:
    """The latest entries of one instance of a unit, as the unit page lists them."""

    instance_id: int
    title: str
    entries: tuple[Entry, ...]
    total: int


def signed_by(name: str, for_name: str | None) -> str:
    """Return how a signature reads: `name`, or "<name> ký thay <for_name>" for a substitute."""
    return f"{name} ký thay {for_name}" if for_name else name


def user_names(session: Session, ids: Iterable[object]) -> dict[int, str]:
    """Return the full names of the users whose ids are given (non-ids are ignored)."""
    wanted = {i for i in ids if isinstance(i, int) and not isinstance(i, bool)}
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.full_name).where(User.id.in_(wanted)))
    return {user_id: name for user_id, name in rows}


def absent_name(names: Mapping[int, str], details: Mapping[str, Any]) -> str | None:
    """Return the name of the person an audited step was done for (None: done by the actor)."""
    behalf = details.get("on_behalf_of")
    return names.get(behalf) if isinstance(behalf, int) else None


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _decision_label(value: object) -> str:
    label = DECISION_LABELS.get(str(value or ""), "")
    return label[:1].upper() + label[1:]


def _free_text(form_key: str, data: Mapping[str, Any]) -> list[Note]:
    """Return the non-empty textareas of a form's data, labelled with the fields' titles."""
    try:
        definition = forms.load(form_key)
    except NotFoundError:
        return []
    props = definition.schema.get("properties", {})
    notes = []
    for key, prop in props.items():
        hints = definition.ui.get(key, {})
        if isinstance(hints, Mapping) and hints.get("ui:widget") == "textarea":
            text = _text(data.get(key))
            if text:
                notes.append(Note(str(prop.get("title", key)), text))
    return notes


KpiNames = Mapping[str, str]


def _dropped_kpis(data: Mapping[str, Any], kpi_names: KpiNames) -> list[Note]:
    """Return the KPIs a unit plan leaves out, each with the reason the staff gave."""
    lines = []
    for item in data.get("kpis", []):
        if isinstance(item, Mapping) and not item.get("selected", True):
            code = str(item.get("code", ""))
            name = kpi_names.get(code, "")
            reason = _text(item.get("note")) or NO_REASON
            lines.append(f"{code}{' – ' + name if name else ''}: {reason}")
    return [Note("Chỉ tiêu không áp dụng", "\n".join(lines))] if lines else []


def _remediation(data: Mapping[str, Any], kpi_names: KpiNames) -> list[Note]:
    """Return the remediation a conclusion asks of the unit, with its deadline."""
    if not data.get("remediation_required"):
        return []
    due = format_date(data.get("remediation_due"))
    return [Note("Yêu cầu đơn vị khắc phục", f"Hạn báo cáo khắc phục: {due}" if due else "Có")]


# What a form's data says beyond its textareas, by form key.
EXTRA_NOTES: dict[str, Callable[[Mapping[str, Any], KpiNames], list[Note]]] = {
    "unit_plan_adapt": _dropped_kpis,
    "inspection_conclusion": _remediation,
}


def task_notes(form_key: str, data: Mapping[str, Any] | None, details: Mapping[str, Any],
               kpi_names: KpiNames) -> tuple[Note, ...]:
    """Return what a completed task's form says: its textareas, then the form's extras; the
    audit's comment when the task kept no data."""
    if data is None:
        comment = _text(details.get("comment"))
        return (Note("Ý kiến", comment),) if comment else ()
    extra = EXTRA_NOTES.get(form_key)
    return tuple(_free_text(form_key, data) + (extra(data, kpi_names) if extra else []))


def _event_entry(action: str, details: Mapping[str, Any]) -> tuple[str, str, list[Note]]:
    """Return the step, decision and notes of an extension or administrator's event."""
    due = format_date(details.get("requested_due"))
    if action == "extension.requested":
        notes = [Note("Hạn đề nghị", due), Note("Lý do", _text(details.get("reason")))]
        return "Đề nghị gia hạn", "", [n for n in notes if n.text]
    if action in ("extension.approved", "extension.refused"):
        decision = "Chấp thuận" if action == "extension.approved" else "Không chấp thuận"
        notes = [Note("Hạn đề nghị", due), Note("Ý kiến", _text(details.get("comment")))]
        return "Sở KHCN xem xét đề nghị gia hạn", decision, [n for n in notes if n.text]
    reason = _text(details.get("reason"))
    return audit_action_label(action), "", [Note("Lý do", reason)] if reason else []


Row = tuple[AuditEvent, str | None, str | None, str | None, Any]


def _rows(session: Session, instance_ids: Sequence[int]) -> list[Row]:
    """Return the thread's audit events of the instances, oldest first, with the actor's name
    and the task's title, form key and kept data."""
    rows = session.execute(
        select(AuditEvent, User.full_name, HumanTask.title, HumanTask.form_key, HumanTask.draft)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .outerjoin(HumanTask, HumanTask.id == AuditEvent.human_task_id)
        .where(AuditEvent.instance_id.in_(instance_ids), AuditEvent.action.in_(THREAD_ACTIONS))
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def _kpi_names(session: Session, instance_ids: Sequence[int]) -> dict[str, str]:
    plan_ids = select(ProcessInstance.plan_id).where(ProcessInstance.id.in_(instance_ids))
    rows = session.execute(select(PlanKpi.code, PlanKpi.name).where(PlanKpi.plan_id.in_(plan_ids)))
    return {code: name for code, name in rows}


def _entry(row: Row, names: Mapping[int, str], kpi_names: KpiNames) -> Entry:
    event, author, title, form_key, data = row
    details = event.details or {}
    if event.action == "task.completed":
        step = title or str(details.get("task", ""))
        decision = _decision_label(details.get("decision"))
        notes = list(task_notes(form_key or "", data, details, kpi_names))
    else:
        step, decision, notes = _event_entry(event.action, details)
    return Entry(
        id=event.id, at=event.at, instance_id=event.instance_id or 0,
        human_task_id=event.human_task_id, step=step, author=author or SYSTEM_NAME,
        on_behalf_of=absent_name(names, details),
        decision=decision,
        returned=str(details.get("decision", "")) in RETURN_DECISIONS
        or event.action == "extension.refused",
        notes=tuple(notes),
    )


def entries(session: Session, instance_ids: Sequence[int], *,
            keep_silent: bool = False) -> list[Entry]:
    """Return the thread of the instances, oldest first (no permission check: callers check).

    A step where nobody wrote or decided anything is left out unless `keep_silent`."""
    if not instance_ids:
        return []
    rows = _rows(session, instance_ids)
    names = user_names(session, ((r[0].details or {}).get("on_behalf_of") for r in rows))
    needs_kpis = any(r[3] == "unit_plan_adapt" for r in rows)
    kpi_names = _kpi_names(session, instance_ids) if needs_kpis else {}
    found = [_entry(row, names, kpi_names) for row in rows]
    return found if keep_silent else [e for e in found if e.decision or e.notes]


def for_task(session: Session, actor: Actor, task_id: int) -> TaskThread:
    """Return the thread of a task's instance and who completed the task (NotFoundError when
    the actor may not see the task)."""
    task = visible_task(session, actor, task_id)
    every = entries(session, [task.instance_id], keep_silent=True)
    own = [e for e in every if e.human_task_id == task.id]
    done = own[-1] if own and task.completed_at is not None else None
    return TaskThread(
        entries=tuple(e for e in every if e.decision or e.notes),
        completed_by=done.signed if done else None,
        completed_at=done.at if done else None,
    )


def for_instance(session: Session, actor: Actor, instance_id: int) -> list[Entry]:
    """Return the thread of an instance the actor may see (NotFoundError otherwise)."""
    instance = session.get(ProcessInstance, instance_id)
    if instance is None or not can_see_unit(actor, instance.unit_id):
        raise NotFoundError("Không tìm thấy quy trình")
    return entries(session, [instance.id])


def _title(instance: ProcessInstance) -> str:
    name = process_label(instance.process_key)
    return f"{name} — {round_label(instance.round_key)}" if instance.round_key else name


def for_unit(session: Session, actor: Actor, unit_id: int, plan_id: int,
             latest: int = 3) -> list[InstanceThread]:
    """Return, per instance of a unit under a plan, the `latest` entries of its thread (oldest
    first within each), the instances with the newest entries first."""
    if not can_see_unit(actor, unit_id):
        raise NotFoundError("Không tìm thấy đơn vị")
    instances = {i.id: i for i in session.scalars(select(ProcessInstance).where(
        ProcessInstance.unit_id == unit_id, ProcessInstance.plan_id == plan_id))}
    grouped: dict[int, list[Entry]] = {}
    for entry in entries(session, list(instances)):
        grouped.setdefault(entry.instance_id, []).append(entry)
    threads = [InstanceThread(i, _title(instances[i]), tuple(found[-latest:]), len(found))
               for i, found in grouped.items()]
    return sorted(threads, key=lambda t: (t.entries[-1].at, t.instance_id), reverse=True)
