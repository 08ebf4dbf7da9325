"""The adapter over SpiffWorkflow for one instance: create, load, run engine steps, save.

Every save writes, in the caller's transaction: the compressed workflow state (with an
optimistic version check), the `human_task` rows of ready user tasks, the `timer` rows of
waiting timers, the message outbox and subscriptions, and audit events. What scripts asked
for while running (reminders, cascades…) is returned to the caller as `Effects`; applying
them is `engine.processes.lifecycle`'s job, never this module's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID
from weakref import WeakKeyDictionary

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.core import audit, clock
from engine.workflow import definitions, message_index
from engine.workflow.sandbox import Effects, collect_effects, make_script_engine
from engine.workflow.serialization import dump_state, load_state
from models import (
    HumanTask,
    HumanTaskStatus,
    InstanceStatus,
    ProcessDefinition,
    ProcessInstance,
    Timer,
)

SCRIPT_ENGINE = make_script_engine()
MAX_DEPTH = 10**9

clock.install()


def ready_user_tasks(workflow: BpmnWorkflow) -> list[SpiffTask]:
    """Return the READY manual tasks of `workflow` (with a depth large enough for any size)."""
    return workflow.get_tasks(state=TaskState.READY, manual=True, max_depth=MAX_DEPTH)


def load(instance: ProcessInstance) -> BpmnWorkflow:
    """Rebuild the workflow of `instance` from its stored state and its version's spec."""
    workflow = load_state(instance.state, definitions.specs_for(instance.definition))
    workflow.script_engine = SCRIPT_ENGINE
    if instance.status == InstanceStatus.RUNNING:
        # the timer and subscription rows mirror the stored state (`save` keeps them so, and
        # nothing else writes them): the next save writes them only if the run changed what
        # the instance waits for. (Not trusted for an instance loaded while paused: rows of
        # versions before 0.13 were dropped then.)
        _indexed[workflow] = _waits(workflow)
    return workflow


@dataclass(frozen=True)
class _Waits:
    """What an instance's state waits for: its timers (name, due) and message names, the rows
    of the `timer` and `message_subscription` indexes (kept while it is paused or in error:
    the tick and the message delivery pass over instances that are not running)."""

    timers: frozenset[tuple[str, datetime]]
    messages: frozenset[str]


NOTHING = _Waits(frozenset(), frozenset())
# the waits a loaded workflow's rows hold; absent (a workflow built otherwise, an instance
# whose status changed before loading): the rows are rewritten whatever they hold
_indexed: WeakKeyDictionary[BpmnWorkflow, _Waits] = WeakKeyDictionary()


def _waits(workflow: BpmnWorkflow) -> _Waits:
    """Return what the index rows of `workflow`'s instance must hold."""
    timers, messages = set(), set()
    for event in workflow.waiting_events():
        kind = str(event.event_type)
        if "Time" in kind:
            due = _due_at(event.value)
            if due is not None:
                timers.add((str(event.name or ""), due))
        elif "Message" in kind:
            messages.add(str(event.name))
    return _Waits(frozenset(timers), frozenset(messages))


def create(
    session: Session,
    process_key: str,
    *,
    plan_id: int,
    unit_id: int,
    data: Mapping[str, Any],
    round_key: str = "",
    due_date: date | None = None,
    actor_id: int | None = None,
    parent_instance_id: int | None = None,
    definition: ProcessDefinition | None = None,
) -> tuple[ProcessInstance, BpmnWorkflow]:
    """Create an instance of the newest version of `process_key`, not yet run."""
    definition = definition or definitions.latest(session, process_key)
    spec, subs = definitions.specs_for(definition)
    workflow = BpmnWorkflow(spec, subs, script_engine=SCRIPT_ENGINE)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.set_data(**dict(data))
    instance = ProcessInstance(
        definition=definition,
        definition_id=definition.id,
        process_key=process_key,
        plan_id=plan_id,
        unit_id=unit_id,
        round_key=round_key,
        due_date=due_date,
        parent_instance_id=parent_instance_id,
        status=InstanceStatus.RUNNING,
        state=b"",
        started_at=clock.now(),
    )
    session.add(instance)
    session.flush()
    audit.record(
        session,
        "instance.started",
        actor_id=actor_id,
        instance_id=instance.id,
        unit_id=unit_id,
        process_key=process_key,
        version=definition.version,
        round=round_key,
    )
    return instance, workflow


def run(session: Session, instance: ProcessInstance, workflow: BpmnWorkflow) -> Effects:
    """Run engine steps to the next wait; return what the scripts asked for.

    A WorkflowException puts the instance in error (with its message) instead of raising.
    """
    with collect_effects() as effects:
        try:
            workflow.do_engine_steps()
            workflow.refresh_timers()
            workflow.do_engine_steps()
        except WorkflowException as exc:
            instance.status = InstanceStatus.ERROR
            instance.error_message = str(exc)[:2000]
            audit.record(
                session,
                "instance.error",
                instance_id=instance.id,
                unit_id=instance.unit_id,
                message=instance.error_message,
            )
    return effects


def save(
    session: Session, instance: ProcessInstance, workflow: BpmnWorkflow, *, fresh: bool = False
) -> list[HumanTask]:
    """Persist state, human tasks, timers and status; flush so a stale version fails now.
    Return the `human_task` rows of the tasks that became ready (in the order of their ids)."""
    instance.state = dump_state(workflow)
    if workflow.is_completed() and instance.status == InstanceStatus.RUNNING:
        instance.status = InstanceStatus.COMPLETED
        instance.completed_at = clock.now()
        audit.record(
            session, "instance.completed", instance_id=instance.id, unit_id=instance.unit_id
        )
    waits = _waits(workflow)
    held = NOTHING if fresh else _indexed.get(workflow)
    with session.no_autoflush:  # one flush at the end instead of one per query
        arrived = _project_human_tasks(session, instance, workflow, fresh)
        if held is None or held.timers != waits.timers:
            _index_timers(session, instance, waits, written=held is not None and not held.timers)
        message_index.collect_thrown(session, instance, workflow)
        if held is None or held.messages != waits.messages:
            message_index.index_subscriptions(
                session, instance, waits.messages, written=held is not None and not held.messages)
    _indexed[workflow] = waits
    session.flush()
    return arrived


def _task_title(task: SpiffTask) -> str:
    return str(task.task_spec.bpmn_name or task.task_spec.name)


def _form_key(task: SpiffTask) -> str:
    props = (
        task.task_spec.extensions.get("properties", {})
        if hasattr(task.task_spec, "extensions")
        else {}
    )
    return str(props.get("formKey", ""))


def _follow_spec(row: HumanTask, task: SpiffTask) -> None:
    """Keep an open row's step name, title, lane and form those of its task's spec (they change
    when the instance is migrated to a version that renamed or moved the step)."""
    wanted = {"task_name": task.task_spec.name, "title": _task_title(task),
              "role": str(task.task_spec.lane or ""), "form_key": _form_key(task)}
    for column, value in wanted.items():
        if getattr(row, column) != value:
            setattr(row, column, value)


def _project_human_tasks(
    session: Session, instance: ProcessInstance, workflow: BpmnWorkflow, fresh: bool
) -> list[HumanTask]:
    """Make the READY rows of `human_task` mirror the workflow's ready user tasks; return the
    rows added (flushed in the order added, so in the order of their ids)."""
    ready = {str(t.id): t for t in ready_user_tasks(workflow)}
    if instance.status != InstanceStatus.RUNNING:
        ready = {}
    existing = {} if fresh else {
        ht.spiff_task_id: ht
        for ht in session.scalars(
            select(HumanTask).where(
                HumanTask.instance_id == instance.id, HumanTask.status == HumanTaskStatus.READY
            )
        )
    }
    for spiff_id, row in existing.items():
        # a row completed in this transaction is not flushed yet (no autoflush): keep it
        if spiff_id not in ready and row.status == HumanTaskStatus.READY:
            row.status = HumanTaskStatus.CANCELLED
            row.completed_at = clock.now()
    added = []
    for spiff_id, task in ready.items():
        if spiff_id in existing:
            _follow_spec(existing[spiff_id], task)
            continue
        added.append(
            HumanTask(
                instance_id=instance.id,
                spiff_task_id=spiff_id,
                task_name=task.task_spec.name,
                title=_task_title(task),
                process_key=instance.process_key,
                unit_id=instance.unit_id,
                role=str(task.task_spec.lane or ""),
                form_key=_form_key(task),
                due_date=instance.due_date,
                status=HumanTaskStatus.READY,
                created_at=clock.now(),
            )
        )
    session.add_all(added)
    return added


def _due_at(value: Any) -> datetime | None:
    """Turn a waiting timer's value (ISO text or datetime) into an aware datetime."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=clock.BUSINESS_TZ)
    if isinstance(value, str):
        try:
            return TimerEventDefinition.get_datetime(value)
        except ValueError:
            return None
    return None


def _index_timers(
    session: Session, instance: ProcessInstance, waits: _Waits, *, written: bool
) -> None:
    """Replace the instance's rows in the timer index with `waits`' timers (`written`: it has
    none to delete)."""
    if not written:
        # "fetch": the rows deleted leave the session by their ids, not by a scan of every
        # object a long session (the tick, the simulator) holds
        session.execute(delete(Timer).where(Timer.instance_id == instance.id)
                        .execution_options(synchronize_session="fetch"))
    session.add_all(
        Timer(instance_id=instance.id, event_name=name, due_at=due)
        for name, due in sorted(waits.timers)
    )


def spiff_task(workflow: BpmnWorkflow, spiff_task_id: str) -> SpiffTask | None:
    """Return the task `spiff_task_id` of `workflow`, or None."""
    try:
        return workflow.get_task_from_id(UUID(spiff_task_id))
    except (ValueError, KeyError):
        return None
