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


def test_ranking_ties_are_in_vietnamese_alphabetical_order() -> None:
    cell = supervision.Cell(StageStatus.DONE_ON_TIME, date(2026, 1, 10), None, 1)
    names = ["Xã Yên Châu", "Xã Đông Sang", "Xã Ẳng Cang", "Xã Ảng Nưa", "Xã Dồm Cang",
             "Sở Y tế", "Ủy ban nhân dân", "Xã Chiềng Ơn"]
    rows = [supervision.Row(i, f"u{i}", name, "commune", {"q1": cell})
            for i, name in enumerate(names)]
    ranked = [row.name for row, _ in supervision.Matrix(rows).ranking()]
    assert ranked == ["Sở Y tế", "Ủy ban nhân dân", "Xã Ảng Nưa", "Xã Ẳng Cang",
                      "Xã Chiềng Ơn", "Xã Dồm Cang", "Xã Đông Sang", "Xã Yên Châu"]


def test_vietnamese_order_puts_letters_then_tones() -> None:
    from engine.core.collation import vietnamese_key

    assert sorted(["ư", "u", "ơ", "o", "ô", "đ", "d", "â", "ă", "a", "z"], key=vietnamese_key) == \
        ["a", "ă", "â", "d", "đ", "o", "ô", "ơ", "u", "ư", "z"]
    assert sorted(["bạ", "bá", "bã", "bả", "bà", "ba"], key=vietnamese_key) == \
        ["ba", "bà", "bả", "bã", "bá", "bạ"]
    assert sorted(["Đà Nẵng", "Dương", "Zeta"], key=vietnamese_key) == ["Dương", "Đà Nẵng", "Zeta"]
