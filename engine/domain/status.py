"""The government's statuses of a deadline-bearing stage, ruled in this one place
(`status_from`, over a stage's facts and where its deadline lies from today) and applied three
ways: to a stage's record (`stage_status`), to the facts of a bucket of the stage-status
counts (`facts_status`), and in SQL over the facts of the projection (`status_case`, derived
from the same rule with today bound as a parameter)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum
from itertools import product
from typing import Any

from sqlalchemy import ColumnElement, case, literal, null

from engine.core.workcalendar import business_date


class StageStatus(StrEnum):
    """Statuses used in the supervision matrix, reports and rankings."""

    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    IN_PROGRESS = "in_progress"
    OVERDUE = "overdue"
    NOT_STARTED = "not_started"


class Deadline(StrEnum):
    """Where a stage's due date lies from today."""

    NONE = "none"  # no due date
    PASSED = "passed"  # before today
    AHEAD = "ahead"  # today or later


def deadline(due: date | None, today: date) -> Deadline:
    """Return where `due` lies from `today`."""
    if due is None:
        return Deadline.NONE
    return Deadline.PASSED if due < today else Deadline.AHEAD


def status_from(
    *, recorded: bool, started: bool, submitted: bool, late: bool, deadline: Deadline
) -> StageStatus | None:
    """Return the status of a stage from its facts: the one rule of the statuses.

    A stage with neither record nor instance has no status, except "not started" while its
    deadline is still ahead (the matrix's rule for a stage nobody began). A submitted stage is
    done, late when submitted after 23:59:59 (Asia/Ho_Chi_Minh) of its due date (`late`).
    """
    if not (recorded or started):
        return StageStatus.NOT_STARTED if deadline is Deadline.AHEAD else None
    if submitted:
        return StageStatus.DONE_LATE if late else StageStatus.DONE_ON_TIME
    if not started:
        return StageStatus.NOT_STARTED
    if deadline is Deadline.PASSED:
        return StageStatus.OVERDUE
    return StageStatus.IN_PROGRESS


def stage_status(
    *, started: bool, due: date | None, submitted_at: datetime | None, now: datetime
) -> StageStatus:
    """Return the status of a recorded stage from its deadline, its submission time and now."""
    found = status_from(recorded=True, started=started, submitted=submitted_at is not None,
                        late=is_late(due, submitted_at), deadline=deadline(due, business_date(now)))
    assert found is not None  # a recorded stage always has a status
    return found


def facts_status(
    *, recorded: bool, started: bool, due: date | None, submitted: bool, late: bool, today: date
) -> StageStatus | None:
    """Return the status of a stage from the projection's facts on `today`."""
    return status_from(recorded=recorded, started=started, submitted=submitted, late=late,
                       deadline=deadline(due, today))


def is_late(due: date | None, submitted_at: datetime | None) -> bool:
    """Tell whether a submission came after its due date (a business date, Asia/Ho_Chi_Minh)."""
    return submitted_at is not None and due is not None and business_date(submitted_at) > due


FLAGS = ("recorded", "started", "submitted", "late")
_VALUES: dict[str, tuple[Any, ...]] = {**{f: (True, False) for f in FLAGS},
                                      "deadline": tuple(Deadline)}


def status_case(
    *,
    recorded: ColumnElement[bool],
    started: ColumnElement[bool],
    due: ColumnElement[date | None],
    submitted: ColumnElement[bool],
    late: ColumnElement[bool],
    today: date | ColumnElement[date],
) -> ColumnElement[str | None]:
    """Return the SQL status of a stage from the projection's facts, as `status_from` rules.

    The CASE is derived from `status_from` by asking it every combination of the facts: it
    tests a fact only where the rule's answer depends on it. `today` may be a bound parameter,
    so that the expression is built once.
    """
    tests: dict[str, ColumnElement[bool]] = {
        "recorded": recorded, "started": started, "submitted": submitted, "late": late}
    deadlines = {Deadline.NONE: due.is_(None), Deadline.PASSED: due < today}
    return _branch({}, tests, deadlines)


def _outcomes(fixed: Mapping[str, Any]) -> set[StageStatus | None]:
    free = [name for name in _VALUES if name not in fixed]
    return {status_from(**fixed, **dict(zip(free, values, strict=True)))
            for values in product(*(_VALUES[n] for n in free))}


def _branch(fixed: dict[str, Any], tests: Mapping[str, ColumnElement[bool]],
            deadlines: Mapping[Deadline, ColumnElement[bool]]) -> ColumnElement[Any]:
    """Return the CASE giving `status_from`'s answer once the facts `fixed` are known."""
    outcomes = _outcomes(fixed)
    if len(outcomes) == 1:
        (found,) = outcomes
        return null() if found is None else literal(found.value)
    free = [n for n in _VALUES if n not in fixed]  # test first a fact that narrows the answer
    name = next((n for n in free if any(_outcomes({**fixed, n: v}) != outcomes
                                        for v in _VALUES[n])), free[0])
    if name == "deadline":  # a null due date first: comparing it gives NULL
        return case(*((deadlines[d], _branch({**fixed, name: d}, tests, deadlines))
                      for d in (Deadline.NONE, Deadline.PASSED)),
                    else_=_branch({**fixed, name: Deadline.AHEAD}, tests, deadlines))
    return case((tests[name], _branch({**fixed, name: True}, tests, deadlines)),
                else_=_branch({**fixed, name: False}, tests, deadlines))
