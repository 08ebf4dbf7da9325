"""`plancascade init --demo` killed half-way is completed by the next `init --demo`: the
database then holds exactly what a clean load leaves (same units, accounts, instances, tasks,
reminders, audit trail), wherever the first load died."""
from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from engine.core import clock
from engine.core.db import make_session_factory
from engine.demo import install as demo
from engine.demo import progress, simulation
from engine.processes import timers
from models import (
    AuditEvent,
    HumanTask,
    Notification,
    ProcessInstance,
    Report,
    Timer,
    Unit,
    User,
)
from tests.conftest import Templates

NOW = "2026-01-20T12:00"  # most plans adopted, the late units reminded and escalated
CLEAN: dict[str, dict[str, Any]] = {}


class Killed(BaseException):
    """Stands for the process being killed: nothing in the code may catch it."""


def state(session: Session) -> dict[str, Any]:
    """Return what a loaded demo consists of, independent of row ids."""
    unit_code = dict(session.execute(select(Unit.id, Unit.code)).all())
    instances = session.execute(select(
        ProcessInstance.id, ProcessInstance.process_key, ProcessInstance.unit_id,
        ProcessInstance.round_key, ProcessInstance.status, ProcessInstance.escalated_at)).all()
    key = {i.id: (i.process_key, unit_code[i.unit_id], i.round_key) for i in instances}
    tasks = session.execute(select(HumanTask.instance_id, HumanTask.form_key, HumanTask.status,
                                   HumanTask.completed_at)).all()
    notices = session.execute(select(Notification.unit_id, Notification.kind,
                                     Notification.created_at)).all()
    reports = session.execute(select(Report.unit_id, Report.round_key, Report.submitted_at,
                                     Report.late)).all()
    audit = Counter(session.scalars(select(AuditEvent.action).where(
        AuditEvent.action != progress.ACTION)))
    return {
        "units": sorted(unit_code.values()),
        "users": sorted(session.scalars(select(User.username))),
        "instances": sorted((*key[i.id], i.status, str(i.escalated_at)) for i in instances),
        "tasks": sorted((*key[t.instance_id], t.form_key, t.status, str(t.completed_at))
                        for t in tasks),
        "notifications": sorted((unit_code[n.unit_id], n.kind, str(n.created_at))
                                for n in notices),
        "reports": sorted((unit_code[r.unit_id], r.round_key, str(r.submitted_at), r.late)
                          for r in reports),
        "timers": session.scalar(select(func.count(Timer.id))),
        "audit": dict(audit),
    }


def clean_load(engine: Engine) -> None:
    """Load the demo in one go and keep what it left for comparison."""
    with make_session_factory(engine)() as session:
        clock.set_now(NOW)
        demo.load(session)
        CLEAN["state"] = state(session)


@pytest.fixture
def db_engine(templates: Templates, tmp_path: Path) -> Iterator[Engine]:
    """An empty database, once a clean load was played into a template of its own."""
    templates.register("demo-clean", clean_load)
    (tmp_path / "clean").mkdir()
    templates.fresh("demo-clean", tmp_path / "clean").dispose()
    engine = templates.fresh("empty", tmp_path)
    yield engine
    engine.dispose()


def dies_at_call(module: Any, name: str, call: int) -> Callable[[pytest.MonkeyPatch], None]:
    """Return a patch making `module.name` kill the process on its `call`-th call."""

    def patch(monkeypatch: pytest.MonkeyPatch) -> None:
        real = getattr(module, name)
        calls = 0

        def dying(*args: Any, **kwargs: Any) -> Any:
            nonlocal calls
            calls += 1
            if calls == call:
                raise Killed
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, dying)

    return patch


# Each case loads the demo twice; on PostgreSQL (4× slower here) the mid-tick case, where the
# database's own locking matters, runs; the other two exercise database-independent resuming.
SQLITE_ONLY = pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")), reason="database-independent; runs on SQLite"
)


@pytest.mark.parametrize("kill", [
    pytest.param(dies_at_call(simulation, "issue_plan", 1), id="before-the-plan-is-issued",
                 marks=SQLITE_ONLY),
    pytest.param(dies_at_call(timers, "fire_instance", 100), id="in-the-middle-of-a-tick"),
    pytest.param(dies_at_call(simulation, "act", 120), id="in-the-middle-of-a-units-pass",
                 marks=SQLITE_ONLY),
])
def test_a_killed_demo_load_is_completed_by_the_next_one(
    kill: Callable[[pytest.MonkeyPatch], None], session_factory: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with session_factory() as first, monkeypatch.context() as patches:
        kill(patches)
        clock.set_now(NOW)
        with pytest.raises(Killed):
            demo.load(first)
    # the killed process' last step, never committed, went with its connection
    with session_factory() as second:
        clock.set_now(NOW)
        result = demo.load(second)
        assert result["units"] == 90
        assert state(second) == CLEAN["state"]
        clock.set_now(NOW)
        assert demo.load(second) == demo.ALREADY_LOADED
        row = progress.find(second)
        assert row is not None and progress.finished(row)

