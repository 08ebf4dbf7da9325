"""The append-only audit trail: `record` adds a row; nothing changes or deletes one.

The guard below refuses, through the ORM, any update or delete of an `audit_event` row, whether
by the unit of work (a changed or deleted object, at flush) or by a bulk `update()`/`delete()`
statement. The one exception is bookkeeping that is not a state change (`REWRITABLE_ACTIONS`:
the demo's progress row, rewritten in place by `plancascade init --demo` and not shown on the
audit page).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Mapper, ORMExecuteState, Session, attributes

from engine.core import clock
from engine.core.errors import PlancascadeError
from models import AuditEvent

# Rows that record where a long job stands, not a change of state: rewritten in place.
REWRITABLE_ACTIONS = frozenset({"demo.progress"})
TABLE = AuditEvent.__tablename__


class AuditTrailIsAppendOnly(PlancascadeError):
    """Someone tried to change or delete an audit event."""

    def __init__(self) -> None:
        super().__init__("Nhật ký hệ thống chỉ được ghi thêm, không được sửa hoặc xóa")


def record(
    session: Session,
    action: str,
    *,
    actor_id: int | None = None,
    instance_id: int | None = None,
    unit_id: int | None = None,
    human_task_id: int | None = None,
    on_behalf_of: int | None = None,
    comment: object = None,
    **details: Any,
) -> AuditEvent:
    """Append one audit event (flushed with the caller's transaction).

    `on_behalf_of` is the user a substitute acted for, `comment` what the person wrote; each
    is kept in the details only when given."""
    if on_behalf_of is not None:
        details["on_behalf_of"] = on_behalf_of
    text = str(comment or "").strip()
    if text:
        details["comment"] = text
    event = AuditEvent(
        at=clock.now(),
        actor_id=actor_id,
        action=action,
        instance_id=instance_id,
        unit_id=unit_id,
        human_task_id=human_task_id,
        details=details,
    )
    session.add(event)
    return event


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(mapper: Mapper[AuditEvent], connection: Any, target: AuditEvent) -> None:
    """Refuse to flush a changed audit event (bookkeeping rows excepted)."""
    changed = {a.key for a in mapper.column_attrs
               if attributes.get_history(target, a.key).has_changes()}
    if changed and ("action" in changed or target.action not in REWRITABLE_ACTIONS):
        raise AuditTrailIsAppendOnly()


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(mapper: Mapper[AuditEvent], connection: Any, target: AuditEvent) -> None:
    """Refuse to flush a deleted audit event."""
    raise AuditTrailIsAppendOnly()


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state: ORMExecuteState) -> None:
    """Refuse an `update()` or `delete()` statement on the audit trail run by a session."""
    table = getattr(state.statement, "table", None)
    if (state.is_update or state.is_delete) and getattr(table, "name", None) == TABLE:
        raise AuditTrailIsAppendOnly()
