"""`plancascade init --demo` leaves every unit's currently due step open."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.core import clock
from engine.demo import install as demo
from models import HumanTask, ProcessInstance, User


def test_demo_on_7_january_has_every_adoption_task_open(session: Session) -> None:
    clock.set_now("2026-01-07T09:00")
    result = demo.load(session)
    assert result["units"] == 90
    open_tasks = dict(session.execute(select(HumanTask.form_key, func.count()).where(
        HumanTask.status == "ready").group_by(HumanTask.form_key)).all())
    assert open_tasks == {"unit_plan_adapt": 90}
    assert demo.load(session)["played_until"] is None  # a second init --demo changes nothing
    usernames = set(session.scalars(select(User.username)))
    assert {"admin", "skhcn.staff", "skhcn.leader", "ubnd.leader", "inspector",
            "muong-la.staff", "muong-la.leader", "so-tai-chinh.staff"} <= usernames


def test_a_demo_loaded_by_a_version_without_a_record_is_not_loaded_again(
    session: Session, world: Any
) -> None:
    """A database whose plan already runs (an older demo, or a plan imported by hand)."""
    before = session.scalar(select(func.count(ProcessInstance.id)))
    assert demo.load(session) == demo.ALREADY_LOADED
    assert session.scalar(select(func.count(ProcessInstance.id))) == before
