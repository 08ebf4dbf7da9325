"""Move running instances to another deployed version, with a dry-run preview first.

SpiffWorkflow aligns task specs by BPMN id; an instance whose live (ready or waiting) tasks
would disappear is refused and left untouched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.util.diff import SpecDiff, diff_workflow, migrate_workflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import audit
from engine.core.errors import NotFoundError, PermissionDeniedError
from engine.core.permissions import Actor, may_administer
from engine.processes import effects, lifecycle
from engine.workflow import definitions, runtime
from engine.workflow.serialization import SERIALIZER
from models import InstanceStatus, ProcessDefinition, ProcessInstance, Unit

LIVE = TaskState.READY | TaskState.WAITING
Plan = tuple[BpmnWorkflow, Any, BpmnProcessSpec]  # workflow, its diff, the new spec


@dataclass(frozen=True)
class Element:
    """A BPMN element as a diff lists it."""

    id: str
    name: str
    old_name: str = ""  # a changed element's name in the older version, when it was renamed


@dataclass(frozen=True)
class DefinitionDiff:
    """What changed between two versions of a process."""

    added: tuple[Element, ...]
    removed: tuple[Element, ...]
    changed: tuple[Element, ...]


@dataclass(frozen=True)
class Preview:
    """What migrating one instance would do, or why it cannot be migrated."""

    instance_id: int
    unit_name: str
    from_version: int
    to_version: int
    current: tuple[Element, ...]
    goes_to: tuple[Element, ...]
    added: tuple[Element, ...]
    removed: tuple[Element, ...]
    can_migrate: bool
    reason: str | None = None


@dataclass
class MigrationResult:
    """Which instances moved and which were refused (with the reason)."""

    migrated: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)


def _element(spec: object) -> Element:
    return Element(
        str(getattr(spec, "name", "")),
        str(getattr(spec, "bpmn_name", None) or getattr(spec, "name", "")),
    )


def _visible(specs: Iterable[object]) -> tuple[Element, ...]:
    """Keep the specs a modeler shows (BPMN elements, not the engine's helper specs)."""
    return tuple(
        sorted((_element(s) for s in specs if getattr(s, "bpmn_id", None)), key=lambda e: e.id)
    )


def diff_definitions(old: ProcessDefinition, new: ProcessDefinition) -> DefinitionDiff:
    """Summarise the added, removed and changed elements between two versions."""
    old_spec, _ = definitions.specs_for(old)
    new_spec, _ = definitions.specs_for(new)
    diff = SpecDiff(SERIALIZER.registry, old_spec, new_spec)
    return DefinitionDiff(
        added=_visible(diff.added),
        removed=_visible(diff.removed),
        changed=_renamed(_visible(diff.changed), old_spec, new_spec),
    )


def _renamed(changed: tuple[Element, ...], old_spec: BpmnProcessSpec,
             new_spec: BpmnProcessSpec) -> tuple[Element, ...]:
    """Give each changed element its newer name, and its older one when it was renamed."""
    result = []
    for element in changed:
        before, after = old_spec.task_specs.get(element.id), new_spec.task_specs.get(element.id)
        old_name = _element(before).name if before is not None else element.name
        new_name = _element(after).name if after is not None else element.name
        result.append(Element(element.id, new_name, old_name if old_name != new_name else ""))
    return tuple(result)


def _target(session: Session, definition_id: int) -> ProcessDefinition:
    target = session.get(ProcessDefinition, definition_id)
    if target is None:
        raise NotFoundError("Không tìm thấy phiên bản quy trình")
    return target


def _preview_one(
    session: Session, instance: ProcessInstance, target: ProcessDefinition
) -> tuple[Preview, Plan | None]:
    unit = session.get(Unit, instance.unit_id)
    base: dict[str, Any] = dict(
        instance_id=instance.id,
        unit_name=unit.name if unit else "?",
        from_version=instance.definition.version,
        to_version=target.version,
    )
    refusal = None
    if instance.process_key != target.process_key:
        refusal = "Phiên bản đích thuộc quy trình khác"
    elif instance.status == InstanceStatus.ERROR:
        refusal = "Quy trình đang có bước lỗi: hãy sửa dữ liệu và chạy lại bước lỗi trước"
    elif instance.status not in (InstanceStatus.RUNNING, InstanceStatus.SUSPENDED):
        refusal = "Quy trình đã kết thúc"
    elif instance.definition_id == target.id:
        refusal = "Quy trình đã ở phiên bản này"
    if refusal:
        return Preview(
            **base, current=(), goes_to=(), added=(), removed=(), can_migrate=False, reason=refusal
        ), None
    workflow = runtime.load(instance)
    new_spec, new_subs = definitions.specs_for(target)
    diff, _ = diff_workflow(SERIALIZER.registry, workflow, new_spec, new_subs)
    live = [t for t in workflow.get_tasks(state=LIVE, max_depth=runtime.MAX_DEPTH)]
    lost = [t for t in live if t in diff.removed]
    preview = Preview(
        **base,
        current=_visible(t.task_spec for t in live),
        goes_to=_visible(diff.alignment[t] for t in live if diff.alignment.get(t) is not None),
        added=_visible(SpecDiff(SERIALIZER.registry, workflow.spec, new_spec).added),
        removed=_visible({t.task_spec for t in diff.removed}),
        can_migrate=not lost,
        reason=(
            "Bước đang chờ xử lý không còn trong phiên bản mới: "
            + ", ".join(e.name for e in _visible(t.task_spec for t in lost))
        )
        if lost
        else None,
    )
    return preview, (workflow, diff, new_spec) if not lost else None


def preview(session: Session, instance_ids: Iterable[int], definition_id: int) -> list[Preview]:
    """Return a dry run of migrating each instance to `definition_id`; nothing is changed."""
    target = _target(session, definition_id)
    result = []
    for instance_id in instance_ids:
        instance = session.get(ProcessInstance, instance_id)
        if instance is not None:
            result.append(_preview_one(session, instance, target)[0])
    return result


def migrate(
    session: Session, actor: Actor, instance_ids: Iterable[int], definition_id: int
) -> MigrationResult:
    """Migrate each instance that can be; refused ones stay untouched. Admin only; audited."""
    if not may_administer(actor):
        raise PermissionDeniedError("Chỉ quản trị hệ thống được chuyển phiên bản quy trình")
    target = _target(session, definition_id)
    result = MigrationResult()
    for instance_id in instance_ids:
        instance = session.get(ProcessInstance, instance_id)
        if instance is None:
            continue
        shown, plan = _preview_one(session, instance, target)
        if plan is None:
            result.refused[instance_id] = shown.reason or "Không chuyển được"
            continue
        workflow, diff, new_spec = plan
        from_version = instance.definition.version
        migrate_workflow(diff, workflow, new_spec)
        instance.definition = target
        instance.definition_id = target.id
        audit.record(
            session,
            "instance.migrated",
            actor_id=actor.user_id,
            instance_id=instance.id,
            unit_id=instance.unit_id,
            from_version=from_version,
            to_version=target.version,
        )
        lifecycle.advance(session, instance, workflow, actor_id=actor.user_id)
        effects.settle(session)
        result.migrated.append(instance_id)
    return result


def instances_of_version(session: Session, definition_id: int) -> list[int]:
    """Return the ids of running instances on a version."""
    return list(
        session.scalars(
            select(ProcessInstance.id).where(
                ProcessInstance.definition_id == definition_id,
                ProcessInstance.status.in_([InstanceStatus.RUNNING, InstanceStatus.SUSPENDED]),
            )
        )
    )
