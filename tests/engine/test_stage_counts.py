"""The stage-status counts: the SQL status is the one rule's for every combination of facts;
after any series of writes the counts equal the GROUP BY of the projection's rows (and the
matrix's counts read from them equal those grouped from the rows); migration 0012 fills them
from the rows; on PostgreSQL a writer waits for the plan's projection lock."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import date, datetime, timedelta
from itertools import product
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Boolean, Date, Engine, func, literal, select
from sqlalchemy.orm import Session

from engine.core import clock, schema
from engine.core.pagination import count as count_rows
from engine.core.workcalendar import business_date
from engine.demo.bootstrap import at
from engine.domain import stage_counts, stage_projection
from engine.domain.stages import ADOPTION, stage_keys
from engine.domain.status import Deadline, status_case, status_from
from models import Plan, StageStatusCount, StageStatusRow, Unit, UnitPlan

TODAY = date(2026, 3, 10)
DUE = {Deadline.NONE: None, Deadline.PASSED: TODAY - timedelta(days=1), Deadline.AHEAD: TODAY}


def test_the_sql_status_is_the_rule_for_every_combination_of_facts(session: Session) -> None:
    for recorded, started, submitted, late, deadline in product(
            (True, False), (True, False), (True, False), (True, False), Deadline):
        sql = status_case(
            recorded=literal(recorded, Boolean), started=literal(started, Boolean),
            due=literal(DUE[deadline], Date), submitted=literal(submitted, Boolean),
            late=literal(late, Boolean), today=TODAY)
        expected = status_from(recorded=recorded, started=started, submitted=submitted,
                               late=late, deadline=deadline)
        found = session.scalar(select(sql))
        assert found == (expected.value if expected else None), (
            recorded, started, submitted, late, deadline)


def grouped(session: Session, plan_id: int) -> Counter[Any]:
    """The counts as a GROUP BY of the projection's rows computes them."""
    t = StageStatusRow
    submitted = t.submitted_at.is_not(None)
    return Counter({tuple(r[:-1]): r[-1] for r in session.execute(
        select(t.stage_key, t.recorded, t.started, t.due, submitted, t.late, func.count())
        .where(t.plan_id == plan_id)
        .group_by(t.stage_key, t.recorded, t.started, t.due, submitted, t.late))})


def kept(session: Session, plan_id: int) -> Counter[Any]:
    """The counts as the count table holds them (one row per bucket, none empty)."""
    rows = session.execute(select(StageStatusCount).where(
        StageStatusCount.plan_id == plan_id)).scalars().all()
    buckets = [(r.stage_key, r.recorded, r.started, r.due, r.submitted, r.late) for r in rows]
    assert len(set(buckets)) == len(buckets) and all(r.n > 0 for r in rows)
    return Counter({b: r.n for b, r in zip(buckets, rows, strict=True)})


def assert_counts_hold(session: Session, plan: Plan) -> None:
    """The count table equals the GROUP BY, and the matrix's counts read from it equal those
    grouped from the rows with the SQL status, on several days."""
    assert kept(session, plan.id) == grouped(session, plan.id)
    from engine.queries import supervision

    keys = stage_keys(plan)
    for day in (date(2026, 1, 9), date(2026, 1, 20), date(2026, 3, 10)):
        assert supervision.counts(session, plan.id, None, keys, day) == supervision.counts(
            session, plan.id, select(Unit.id), keys, day), day
    # the matrix's number of units, read from the counts, is that of its rows
    matrix_units = supervision.unit_query(session, plan.id, supervision.Filters(), date.today())
    assert stage_counts.units(session, plan.id, ADOPTION) == count_rows(session, matrix_units)


MOMENTS = st.sampled_from([None, at(date(2026, 1, 8), 9), at(date(2026, 1, 19), 23, 30),
                           at(date(2026, 2, 2), 8)])
WRITES = st.lists(st.one_of(
    st.tuples(st.just("submitted"), st.integers(0, 200), MOMENTS),
    st.tuples(st.just("due"), st.integers(0, 200),
              st.sampled_from([date(2026, 1, 15), date(2026, 1, 20), date(2026, 2, 10)])),
    st.tuples(st.just("active"), st.integers(0, 200), st.booleans()),
    st.tuples(st.just("rebuild"), st.just(0), st.none()),
), min_size=1, max_size=8)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(writes=WRITES, commit=st.booleans())
def test_the_counts_equal_the_group_by_after_any_writes(
    session: Session, world: Any, writes: list[tuple[str, int, Any]], commit: bool
) -> None:
    plan, _ = world
    adopted = session.scalars(select(UnitPlan).order_by(UnitPlan.id)).all()
    units = session.scalars(select(Unit).where(Unit.kind != "province").order_by(Unit.id)).all()
    for what, index, value in writes:
        if what == "submitted":
            adopted[index % len(adopted)].submitted_at = value
        elif what == "due":
            adopted[index % len(adopted)].due_date = value
        elif what == "active":
            units[index % len(units)].active = value
        else:
            stage_projection.settle(session)
            stage_projection.rebuild(session, plan)
        session.flush()
    if commit:
        session.commit()
    else:  # the counts go back with the rows
        stage_projection.settle(session)
        session.rollback()
    assert_counts_hold(session, plan)


def test_migration_0012_fills_the_counts_from_the_rows(session: Session, world: Any,
                                                       db_engine: Engine) -> None:
    plan, _ = world
    adopted = session.scalars(select(UnitPlan).order_by(UnitPlan.id)).first()
    assert adopted is not None
    adopted.submitted_at = at(date(2026, 1, 12), 9)
    session.commit()
    before = kept(session, plan.id)
    session.close()
    stage_counts.table.drop(db_engine)  # as before the migration
    config = schema.alembic_config(db_engine)
    with db_engine.begin() as connection:
        config.attributes["connection"] = connection
        from alembic import command

        command.stamp(config, "0011")
        command.upgrade(config, "head")
    with Session(db_engine) as fresh:
        assert kept(fresh, plan.id) == before == grouped(fresh, plan.id)


def test_a_rebuild_waits_for_the_writer_of_the_plan(session: Session, world: Any,
                                                    session_factory: Any, templates: Any) -> None:
    if templates.url is None:
        pytest.skip("the advisory lock is PostgreSQL's (SQLite has one writer at a time)")
    plan, _ = world
    adopted = session.scalars(select(UnitPlan).order_by(UnitPlan.id)).first()
    assert adopted is not None
    moment: datetime = at(date(2026, 1, 12), 9)
    adopted.submitted_at = moment
    stage_projection.settle(session)  # the row and counts written, the plan's lock held
    failures: list[BaseException] = []

    def rebuild() -> None:
        try:
            with session_factory() as other:
                stage_projection.rebuild(other, other.get(Plan, plan.id))
                other.commit()
        except BaseException as error:  # noqa: BLE001 - reported by the test's thread
            failures.append(error)

    worker = threading.Thread(target=rebuild)
    worker.start()
    worker.join(0.5)
    assert worker.is_alive()  # waiting for the lock
    session.commit()
    worker.join(30)
    assert not worker.is_alive() and not failures
    session.expire_all()
    row = session.execute(select(StageStatusRow).where(
        StageStatusRow.plan_id == plan.id, StageStatusRow.unit_id == adopted.unit_id,
        StageStatusRow.stage_key == "adoption")).scalar_one()
    assert row.submitted_at == moment  # the rebuild read the records the writer left
    assert_counts_hold(session, plan)


def test_statuses_of_a_plan_without_rows_are_zero(session: Session) -> None:
    found = stage_counts.statuses(session, 999, ("adoption",), business_date(clock.now()))
    assert set(found["adoption"].values()) == {0}
