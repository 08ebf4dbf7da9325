"""Shortcuts the tests use to play a step through the engine API (never production code)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import clock
from engine.demo.actors import Cast, act, ready_tasks
from engine.domain import unit_plans
from models import ProcessInstance, Unit


def adopt_plan(session: Session, cast: Cast, unit: Unit, plan_number: str) -> bool:
    """Play a unit's staff and leader: adapt the plan from the template and approve it."""
    done = False
    for task in ready_tasks(session, unit_id=unit.id, process_key="unit_plan"):
        if task.form_key == "unit_plan_adapt":
            content = unit_plans.default_content(session, task.instance.plan_id, unit)
            for item in content["tasks"]:
                item["responsible"] = (
                    "Văn phòng" if unit.kind == "department" else "Phòng Văn hóa - Xã hội"
                )
            act(session, cast, task, content)
            done = True
    for task in ready_tasks(session, unit_id=unit.id, form_key="unit_plan_approve"):
        act(
            session,
            cast,
            task,
            {
                "decision": "approve",
                "plan_number": plan_number,
                "plan_date": clock.today().isoformat(),
            },
        )
        done = True
    return done


def instance_of(
    session: Session, process_key: str, plan_id: int, unit_id: int, round_key: str = ""
) -> ProcessInstance:
    """Return the instance keyed by (process, plan, unit, round) (the test fails without it)."""
    instance = session.scalars(
        select(ProcessInstance).where(
            ProcessInstance.process_key == process_key,
            ProcessInstance.plan_id == plan_id,
            ProcessInstance.unit_id == unit_id,
            ProcessInstance.round_key == round_key,
        )
    ).first()
    assert instance is not None, (process_key, unit_id, round_key)
    return instance
