"""The audit trail is append-only: the ORM refuses to change or delete an event, by the unit of
work or by a bulk statement (only the demo's progress row, bookkeeping, is rewritten); every
action the engine records has a Vietnamese name; a substitute's action names whom it was for."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Session

from engine.core import audit
from engine.core.labels import AUDIT_ACTION_LABELS
from engine.core.permissions import Actor, Grant, acting_for
from models import AuditEvent

ENGINE = Path(__file__).resolve().parents[2] / "engine"
TABLE = AuditEvent.__table__
assert isinstance(TABLE, Table)


def _event(session: Session, action: str = "unit.created") -> int:
    event = audit.record(session, action, comment="  Ghi chú 50%  ", on_behalf_of=None)
    session.commit()
    return event.id


def test_record_keeps_a_comment_and_whom_a_substitute_acted_for_only_when_given(
        session: Session) -> None:
    plain = audit.record(session, "unit.created", comment="   ", code="x")
    kept = audit.record(session, "task.claimed", comment=" Trả lại ", on_behalf_of=7)
    session.commit()
    assert plain.details == {"code": "x"}
    assert kept.details == {"comment": "Trả lại", "on_behalf_of": 7}


def test_a_changed_event_is_refused_at_flush(session: Session) -> None:
    event = session.get(AuditEvent, _event(session))
    event.details = {"comment": "sửa lại"}
    with pytest.raises(audit.AuditTrailIsAppendOnly):
        session.flush()
    session.rollback()
    assert session.get(AuditEvent, event.id).details == {"comment": "Ghi chú 50%"}


def test_a_deleted_event_is_refused_at_flush(session: Session) -> None:
    event_id = _event(session)
    session.delete(session.get(AuditEvent, event_id))
    with pytest.raises(audit.AuditTrailIsAppendOnly):
        session.flush()
    session.rollback()
    assert session.get(AuditEvent, event_id) is not None


@pytest.mark.parametrize("statement", [
    update(AuditEvent).values(action="x.y"),
    update(TABLE).values(action="x.y"),
    delete(AuditEvent),
    delete(TABLE),
])
def test_bulk_updates_and_deletes_are_refused(session: Session, statement) -> None:  # type: ignore[no-untyped-def]
    event_id = _event(session)
    with pytest.raises(audit.AuditTrailIsAppendOnly):
        session.execute(statement)
    session.rollback()
    assert session.scalars(select(AuditEvent.action).where(AuditEvent.id == event_id)).one() == (
        "unit.created")


def test_only_the_demo_progress_row_is_rewritten_in_place(session: Session) -> None:
    row = session.get(AuditEvent, _event(session, "demo.progress"))
    row.details = {"stage": "finished"}
    session.commit()
    assert session.get(AuditEvent, row.id).details == {"stage": "finished"}
    row.action = "unit.created"
    with pytest.raises(audit.AuditTrailIsAppendOnly):
        session.flush()
    session.rollback()
    assert "demo.progress" in audit.REWRITABLE_ACTIONS


def _recorded_actions() -> set[str]:
    """Return every action string passed to audit.record in engine/ (literals, conditional
    literals, and the literals a variable passed as the action is assigned in its function)."""
    found: set[str] = set()
    for path in ENGINE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            for call in ast.walk(function):
                if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                        and call.func.attr == "record" and len(call.args) > 1
                        and getattr(call.func.value, "id", None) == "audit"):
                    continue
                found |= _literals(call.args[1], function)
    return found


def _literals(node: ast.expr, function: ast.FunctionDef) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _literals(node.body, function) | _literals(node.orelse, function)
    if isinstance(node, ast.Name):
        values: set[str] = set()
        for assign in ast.walk(function):
            if isinstance(assign, ast.Assign) and any(
                    getattr(t, "id", None) == node.id for t in assign.targets):
                values |= _literals(assign.value, function)
        return values
    return set()


def test_every_recorded_action_has_a_vietnamese_name() -> None:
    actions = _recorded_actions()
    assert {"task.completed", "user.deactivated", "unit.updated", "extension.refused"} <= actions
    missing = sorted(actions - set(AUDIT_ACTION_LABELS) - audit.REWRITABLE_ACTIONS)
    assert missing == []


def test_acting_for_names_the_absent_user_only_when_no_own_grant_allows() -> None:
    own = Actor(1, 5, (Grant("unit_staff", 5), Grant("unit_leader", 5, on_behalf_of=9)))
    assert acting_for(own, "unit_staff", 5) is None
    assert acting_for(own, "unit_leader", 5) == 9
    assert acting_for(own, "unit_leader", 6) is None  # no grant there at all
    both = Actor(1, 5, (Grant("unit_leader", 5, on_behalf_of=9), Grant("unit_leader", 5)))
    assert acting_for(both, "unit_leader", 5) is None
    province = Actor(2, 1, (Grant("dost_staff", None, on_behalf_of=3),))
    assert acting_for(province, "dost_staff", 42) == 3
