"""What every submitted stage shares (a unit plan, a report): sending, returning, accepting.

"Late" is decided once, at the first submission: sent after 23:59:59 of the due date.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from engine.core import clock
from engine.core.workcalendar import business_date


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


def review(record: Submission, data: Mapping[str, Any]) -> dict[str, Any]:
    """Record Sở KHCN's decision (accept or return); return the routing data."""
    decision = str(data["decision"])
    if decision == "accept":
        record.status = "accepted"
        record.accepted_at = clock.now()
    else:
        send_back(record, data)
    return {"decision": decision}
