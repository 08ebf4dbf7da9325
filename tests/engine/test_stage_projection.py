"""The stage-status projection: its rows equal what the matrix computed from the records before
it existed (kept below as `reference`), at many dates of a played year, after returns,
extensions, an ad-hoc request and an inspection; written in the transaction that changes the
records (a rollback leaves it as it was); rebuilt, with its counts, by
`plancascade rebuild-status`."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from engine.core import clock
from engine.core.workcalendar import business_date
from engine.demo.bootstrap import at
from engine.demo.simulation import issue_day, play, start_year
from engine.domain import stage_projection
from engine.domain.stages import stages
from engine.domain.status import StageStatus, stage_status
from engine.domain.targets import target_units
from engine.processes import adhoc_requests, decision_notices
from engine.queries import supervision
from models import (
    Inspection,
    Plan,
    ProcessInstance,
    Report,
    StageStatusRow,
    Unit,
    UnitPlan,
)

Cells = dict[tuple[int, str], tuple[StageStatus | None, date | None, datetime | None, int | None]]


def _cell(record: Any, due: date | None, submitted: datetime | None, instance_id: int | None,
          now: datetime) -> tuple[Any, ...]:
    status = (stage_status(started=instance_id is not None, due=due, submitted_at=submitted,
                           now=now) if (record is not None or instance_id is not None) else None)
    if status is None and due is not None and business_date(now) <= due:
        status = StageStatus.NOT_STARTED
    return status, due, submitted, instance_id


def _inspection_cell(found: Inspection | None, instance_id: int | None,
                     now: datetime) -> tuple[Any, ...]:
    if found is None:
        return None, None, None, None
    done = found.remediation_submitted_at or (
        found.signed_at if not found.remediation_required else None)
    due = found.remediation_due if found.remediation_required else found.due_date
    return (stage_status(started=instance_id is not None, due=due, submitted_at=done, now=now),
            due, done, instance_id)


def reference(session: Session, plan: Plan) -> tuple[list[int], Cells]:
    """The matrix as engine.queries.supervision computed it before the projection: every unit ×
    stage from UnitPlan, Report, Inspection and ProcessInstance, at the clock's now."""
    now = clock.now()
    pid = plan.id
    plans = {p.unit_id: p for p in session.scalars(select(UnitPlan).where(UnitPlan.plan_id == pid))}
    reports = {(r.unit_id, r.round_key): r
               for r in session.scalars(select(Report).where(Report.plan_id == pid))}
    inspections = {i.unit_id: i
                   for i in session.scalars(select(Inspection).where(Inspection.plan_id == pid))}
    instances = {(i.process_key, i.round_key, i.unit_id): i.id for i in session.scalars(
        select(ProcessInstance).where(ProcessInstance.plan_id == pid))}
    units = target_units(session, plan)
    columns = stages(plan)
    cells: Cells = {}
    for unit in units:
        for column in columns:
            instance_id = instances.get((column.process_key, column.round_key, unit.id))
            if not column.applies_to(unit.id, str(unit.kind)):
                cells[(unit.id, column.key)] = (None, None, None, None)
            elif column.key == "inspection":
                cells[(unit.id, column.key)] = _inspection_cell(
                    inspections.get(unit.id), instance_id, now)
            elif column.key == "adoption":
                adopted = plans.get(unit.id)
                cells[(unit.id, column.key)] = _cell(
                    adopted, adopted.due_date if adopted else plan.adoption_due_date,
                    adopted.submitted_at if adopted else None, instance_id, now)
            else:
                report = reports.get((unit.id, column.round_key))
                cells[(unit.id, column.key)] = _cell(
                    report, report.due_date if report else column.due,
                    report.submitted_at if report else None, instance_id, now)
    return [u.id for u in units], cells


def projected(session: Session, plan: Plan) -> tuple[list[int], Cells]:
    """The matrix as it reads the projection now."""
    matrix = supervision.build(session, plan)
    return [r.unit_id for r in matrix.rows], {
        (r.unit_id, key): (c.status, c.due, c.submitted_at, c.instance_id)
        for r in matrix.rows for key, c in r.cells.items()}


def assert_same(session: Session, plan: Plan) -> Cells:
    """Check the projection against the reference at the clock's now; return the cells."""
    expected = reference(session, plan)
    assert projected(session, plan) == expected, clock.now()
    return expected[1]


CHECK_DAYS = (
    date(2026, 1, 6), date(2026, 1, 9), date(2026, 1, 12), date(2026, 1, 20), date(2026, 2, 2),
    date(2026, 3, 4), date(2026, 3, 5), date(2026, 3, 6), date(2026, 3, 10), date(2026, 4, 20),
    date(2026, 6, 5), date(2026, 6, 8), date(2026, 9, 7), date(2026, 10, 20), date(2026, 11, 16),
    date(2026, 12, 7), date(2026, 12, 31),
)


def test_the_projection_equals_the_old_computation_through_a_year(session: Session) -> None:
    plan, cast, script = start_year(session, units=18, users=False, seed=5, late_fraction=0.35)
    seen: set[StageStatus | None] = set()

    def check(day: date, step: int) -> None:
        if day in CHECK_DAYS and step == 3:  # in the day's last transaction, before its commit
            for later in (0, 1, 9):  # the same facts seen on later days: overdue comes
                clock.set_now(at(day + timedelta(days=later), 18))
                seen.update(c[0] for c in assert_same(session, plan).values())
            clock.set_now(at(day, 16, 1))

    play(session, cast, plan, script, issue_day(session, 2026), date(2026, 12, 31),
         checkpoint=check)
    assert set(StageStatus) <= seen  # every status was met and compared
    inspected = session.scalar(select(func.count()).select_from(Inspection))
    assert inspected and session.scalar(
        select(func.count()).select_from(Report).where(Report.review_comments.is_not(None)))


def _unit(session: Session, code: str) -> Unit:
    return session.scalars(select(Unit).where(Unit.code == code)).one()


def _row(session: Session, plan: Plan, code: str, stage: str) -> Any:
    return session.execute(select(StageStatusRow.__table__).where(
        StageStatusRow.plan_id == plan.id, StageStatusRow.stage_key == stage,
        StageStatusRow.unit_id == _unit(session, code).id)).one()


def test_an_extension_moves_the_projected_due_date(session: Session, world: Any) -> None:
    from engine.domain import extensions

    plan, cast = world
    commune = _unit(session, "muong-la")
    instance = session.scalars(select(ProcessInstance).where(
        ProcessInstance.process_key == "unit_plan", ProcessInstance.unit_id == commune.id)).one()
    clock.set_now(at(date(2026, 1, 7), 9))
    asked = extensions.request(session, cast.actor("unit_staff", commune.id), instance.id,
                               date(2026, 1, 20), "Chờ ý kiến Ban Chỉ đạo xã")
    decision_notices.decide_extension(session, cast.actor("dost_staff", None), asked.id, True,
                                      "Đồng ý")
    session.commit()
    assert _row(session, plan, "muong-la", "adoption").due == date(2026, 1, 20)
    for day in (date(2026, 1, 12), date(2026, 1, 21)):
        clock.set_now(at(day, 9))
        cells = assert_same(session, plan)
        assert cells[(commune.id, "adoption")][0] == (
            StageStatus.IN_PROGRESS if day.day == 12 else StageStatus.OVERDUE)


def test_an_adhoc_request_adds_its_column_to_the_chosen_units(session: Session,
                                                               world: Any) -> None:
    from tests.engine.test_adhoc_requests import COMMUNES, request_input

    plan, cast = world
    clock.set_now(at(date(2026, 4, 16), 9))
    adhoc_requests.issue(session, cast.actor("dost_staff", None), plan.id,
                         request_input(session))
    session.commit()
    asked = session.scalars(select(StageStatusRow.unit_id).where(
        StageStatusRow.plan_id == plan.id, StageStatusRow.stage_key == "r1"))
    assert sorted(asked) == sorted(_unit(session, c).id for c in COMMUNES)
    for day in (date(2026, 4, 16), date(2026, 4, 27)):
        clock.set_now(at(day, 9))
        assert_same(session, plan)


def test_rows_are_written_in_the_transaction_of_the_change(session: Session, world: Any,
                                                           session_factory: Any) -> None:
    plan, _ = world
    commune = _unit(session, "to-hieu")
    clock.set_now(at(date(2026, 1, 8), 9))
    before = _row(session, plan, "to-hieu", "adoption")
    assert before.submitted_at is None and before.recorded
    adopted = session.scalars(select(UnitPlan).where(UnitPlan.unit_id == commune.id)).one()
    adopted.submitted_at = at(date(2026, 1, 12), 9)
    stage_projection.settle(session)
    inside = _row(session, plan, "to-hieu", "adoption")
    assert inside.submitted_at == at(date(2026, 1, 12), 9) and inside.late
    with session_factory() as other:  # not committed: another session still sees the old row
        assert _row(other, plan, "to-hieu", "adoption").submitted_at is None
    session.rollback()
    assert _row(session, plan, "to-hieu", "adoption") == before
    adopted = session.scalars(select(UnitPlan).where(UnitPlan.unit_id == commune.id)).one()
    adopted.submitted_at = at(date(2026, 1, 9), 9)
    session.commit()  # no explicit settle: the commit writes the row
    with session_factory() as other:
        row = _row(other, plan, "to-hieu", "adoption")
        assert row.submitted_at == at(date(2026, 1, 9), 9) and not row.late


def test_a_deactivated_unit_leaves_the_projection(session: Session, world: Any) -> None:
    plan, _ = world
    _unit(session, "muong-la").active = False
    session.commit()
    codes = {r.code for r in supervision.build(session, plan).rows}
    assert "muong-la" not in codes and "to-hieu" in codes
    assert session.scalar(select(func.count()).select_from(StageStatusRow).where(
        StageStatusRow.unit_id == _unit(session, "muong-la").id)) == 0


def test_rebuild_status_refills_the_projection(session: Session, world: Any,
                                               db_engine: Any) -> None:
    plan, _ = world
    clock.set_now(at(date(2026, 3, 8), 9))
    expected = projected(session, plan)
    rows = session.scalar(select(func.count()).select_from(StageStatusRow))
    session.execute(delete(StageStatusRow))
    session.commit()
    url = db_engine.url.render_as_string(hide_password=False)
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("PLANCASCADE_NOW", None)
    done = subprocess.run([sys.executable, "-m", "engine.cli", "rebuild-status"], env=env,
                          capture_output=True, text=True, timeout=120, check=False,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    assert f'"{plan.id}": {rows}' in done.stdout
    session.expire_all()
    assert projected(session, plan) == expected
    from tests.engine.test_stage_counts import grouped, kept

    assert kept(session, plan.id) == grouped(session, plan.id)  # the counts rebuilt too
