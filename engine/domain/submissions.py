"""What every submitted stage shares (a unit plan, a report): sending, returning, accepting.

"Late" is decided once, at the first submission: sent after 23:59:59 of the due date.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import clock
from engine.core.workcalendar import business_date
from models import Inspection, ProcessInstance, Report, UnitPlan


class Submission(Protocol):
    """The columns UnitPlan and Report have in common."""

    status: Any
    due_date: Any
    submitted_at: Any
    accepted_at: Any
    late: bool
    review_comments: str | None


def submit(record: Submission) -> None:
    """Mark the record sent to Sở KHCN; the first submission decides whether it was late."""
    record.status = "approved"
    if record.submitted_at is None:
        record.submitted_at = clock.now()
        record.late = business_date(record.submitted_at) > record.due_date


def send_back(record: Submission, data: Mapping[str, Any]) -> None:
    """Return the record to the unit's staff with the reviewer's comments."""
    record.status = "returned"
    record.review_comments = data.get("comments")


def approve(record: Submission, data: Mapping[str, Any]) -> dict[str, Any]:
    """Record the unit leader's decision (approve: send, else return); return the routing data."""
    if data["decision"] == "approve":
        submit(record)
    else:
        send_back(record, data)
    return {"decision": str(data["decision"])}


def review(record: Submission, data: Mapping[str, Any]) -> dict[str, Any]:
    """Record Sở KHCN's decision (accept or return); return the routing data."""
    decision = str(data["decision"])
    if decision == "accept":
        record.status = "accepted"
        record.accepted_at = clock.now()
    else:
        send_back(record, data)
    return {"decision": decision}


def already_submitted(session: Session, instance: ProcessInstance) -> bool:
    """Tell whether the unit already sent this stage (then it is neither reminded nor escalated)."""
    key = instance.process_key
    if key == "unit_plan":
        record = session.scalars(
            select(UnitPlan).where(
                UnitPlan.plan_id == instance.plan_id, UnitPlan.unit_id == instance.unit_id
            )
        ).first()
        return record is not None and record.submitted_at is not None
    if key in ("quarterly_report", "internal_report", "adhoc_report"):
        report = find_report(session, instance.plan_id, instance.unit_id, instance.round_key)
        return report is not None and report.submitted_at is not None
    if key == "inspection":
        inspection = session.scalars(
            select(Inspection).where(
                Inspection.plan_id == instance.plan_id, Inspection.unit_id == instance.unit_id
            )
        ).first()
        return inspection is not None and inspection.remediation_submitted_at is not None
    return False


def find_report(session: Session, plan_id: int, unit_id: int, round_key: str) -> Report | None:
    """Return the report of (plan, unit, round), if any."""
    return session.scalars(
        select(Report).where(
            Report.plan_id == plan_id, Report.unit_id == unit_id, Report.round_key == round_key
        )
    ).first()
