"""The whole year with scripted actors: per-round late lists agree with the database."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import calendars
from engine.core.db import make_engine, make_session_factory
from engine.demo.simulation import simulate
from models import Base, CalendarDay, ProcessInstance, Report, Unit


def test_year_simulation_rounds_match_the_database(session: Session) -> None:
    result = simulate(session, units=20, late_fraction=0.2, seed=7)
    assert result["units"] == 20
    for stage in ("adoption", "q1", "q2", "q3", "q4"):
        assert result["late_units_by_stage"][stage] == 4
        assert result["late_unit_codes"][stage] == result["escalated_unit_codes"][stage]
    for key in ("q1", "q2", "q3", "q4"):
        db_late = sorted(session.scalars(select(Unit.code).join(Report, Report.unit_id == Unit.id)
                                         .where(Report.round_key == key, Report.late.is_(True),
                                                Unit.kind != "internal")))
        assert db_late == result["late_unit_codes"][key]
        assert result["rounds"][key] == {"started": 20, "submitted": 20, "late": 4,
                                         "accepted": 20}
    assert result["aggregations"] == 5  # four quarters and the year
    assert result["inspections"] >= 1
    year_end = session.scalars(select(ProcessInstance).where(
        ProcessInstance.process_key == "province_plan")).one()
    assert year_end.status == "completed"


def test_same_seed_same_story(session: Session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    first = simulate(session, units=10, late_fraction=0.3, seed=3, last=date(2026, 1, 31))
    other = make_engine(f"sqlite:///{tmp_path / 'again.db'}")
    Base.metadata.create_all(other)
    with make_session_factory(other)() as again:
        second = simulate(again, units=10, late_fraction=0.3, seed=3, last=date(2026, 1, 31))
    other.dispose()
    assert len(first["late_unit_codes"]["adoption"]) == 3
    for key in ("late_unit_codes", "tasks_completed", "reminders", "escalations"):
        assert first[key] == second[key]


def test_province_calendar_overrides_move_deadline_timers(session: Session) -> None:
    session.add(CalendarDay(day=date(2026, 1, 15), kind="off", name="Nghỉ bù của tỉnh"))
    session.flush()
    calendar = calendars.load(session)
    schedule = calendars.deadline_schedule(calendar, date(2026, 1, 10), 2, 5)
    assert schedule["escalate_at"].startswith("2026-01-19")  # 15/01 no longer counts
    assert schedule["reminder_at"].startswith("2026-01-08")
