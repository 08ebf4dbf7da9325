"""The supervision matrix: statuses of DESIGN §2 per unit and stage, late lists, ranking."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import clock
from engine.demo.bootstrap import at
from engine.demo.simulation import simulate
from engine.domain.status import StageStatus, stage_status
from engine.queries import supervision
from models import Plan


def test_stage_status_rules() -> None:
    due = date(2026, 1, 10)
    now = at(date(2026, 1, 12), 9)
    assert stage_status(started=True, due=due, submitted_at=clock.end_of_day(due),
                        now=now) == StageStatus.DONE_ON_TIME
    assert stage_status(started=True, due=due, submitted_at=at(date(2026, 1, 11), 0, 0),
                        now=now) == StageStatus.DONE_LATE
    assert stage_status(started=True, due=due, submitted_at=None, now=now) == StageStatus.OVERDUE
    assert stage_status(started=True, due=due, submitted_at=None,
                        now=at(date(2026, 1, 10), 23)) == StageStatus.IN_PROGRESS
    assert stage_status(started=False, due=due, submitted_at=None,
                        now=at(date(2026, 1, 5), 9)) == StageStatus.NOT_STARTED


def test_matrix_after_the_first_quarter_deadline(session: Session) -> None:
    result = simulate(session, units=15, late_fraction=0.2, seed=1, last=date(2026, 3, 8))
    plan = session.scalars(select(Plan)).one()
    matrix = supervision.build(session, plan)
    assert len(matrix.rows) == 15
    assert matrix.counts["adoption"]["done_late"] == len(result["late_unit_codes"]["adoption"])
    assert matrix.counts["adoption"]["done_on_time"] == 15 - matrix.counts["adoption"]["done_late"]
    overdue_q1 = matrix.late_lists()["q1"]
    assert len(overdue_q1["department"]) + len(overdue_q1["commune"]) == \
        matrix.counts["q1"]["overdue"] == 3
    assert matrix.counts["q2"]["not_started"] == 15
    ranking = matrix.ranking()
    assert ranking[0][1] == 1.0 and ranking[-1][1] < 1.0
    departments = supervision.build(session, plan, kind="commune")
    assert all(r.kind == "commune" for r in departments.rows)
    overdue_only = supervision.build(session, plan, status="overdue")
    assert len(overdue_only.rows) == 3
    payload = supervision.status_payload(session, plan)
    stages = payload["units"][0]["stages"]
    assert set(stages) == {"adoption", "q1", "q2", "q3", "q4", "inspection"}
    assert stages["q1"]["due"] == "2026-03-05"
