"""Where a notice leads its reader: the ready task of the notice's role in its instance, else the
instance's page, else the notices page; a bundle of several units leads to the task list, an
extension request to *Gia hạn*, a late list to the late lists of *Giám sát*.

One rule for the page, the API and the mails (computed when asked, so a link opened after the
task was done leads to the instance instead of a closed task).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import permissions
from engine.core.mail_texts import NOTICES_PATH, instance_path, task_path
from models import HumanTask, HumanTaskStatus, Notification, ProcessInstance

TASKS_PATH = "/"
# kinds whose reader acts on a page of their own rather than on the instance
KIND_PATHS = {"extension_requested": "/extensions", "late_list": "/supervision/late"}


def _ready_tasks(session: Session, pairs: set[tuple[int, str]]) -> dict[tuple[int, str], int]:
    """Return the first ready task id of each (instance id, role) of `pairs`."""
    if not pairs:
        return {}
    rows = session.execute(
        select(HumanTask.instance_id, HumanTask.role, HumanTask.id)
        .where(
            HumanTask.instance_id.in_({i for i, _ in pairs}),
            HumanTask.status == HumanTaskStatus.READY,
        )
        .order_by(HumanTask.id)
    )
    found: dict[tuple[int, str], int] = {}
    for instance_id, role, task_id in rows:
        found.setdefault((instance_id, role), task_id)
    return found


def _reaches(notice: Notification, instance_unit_id: int) -> bool:
    """Tell whether the notice's role may open the instance's unit (a parent unit's leader told
    of a department's escalation may not)."""
    role = notice.recipient_role
    grant = permissions.Grant(
        role, None if permissions.acts_province_wide(role) else notice.unit_id
    )
    reader = permissions.Actor(user_id=0, unit_id=notice.unit_id, grants=(grant,))
    return permissions.can_see_unit(reader, instance_unit_id)


def _bundles_units(notice: Notification) -> bool:
    """Tell whether a notice gathers several units (it leads to the task list)."""
    return len(notice.bundle_units or ()) > 1


def links(
    session: Session, notices: Iterable[Notification], known: Iterable[ProcessInstance] = ()
) -> dict[int, str]:
    """Return the path each notice leads to, by notice id (one query for the instances' units
    not in `known`, one for their ready tasks)."""
    notices = list(notices)
    return {n.id: path for n, path in zip(notices, _paths(session, notices, known), strict=True)}


def _paths(
    session: Session, notices: list[Notification], known: Iterable[ProcessInstance]
) -> list[str]:
    """Return the path each of `notices` leads to, in their order (they need no id yet)."""
    instance_ids = {
        n.instance_id for n in notices if n.instance_id is not None and not _bundles_units(n)
    }
    units = {i.id: i.unit_id for i in known if i.id in instance_ids}
    if instance_ids - units.keys():
        rows = session.execute(
            select(ProcessInstance.id, ProcessInstance.unit_id).where(
                ProcessInstance.id.in_(instance_ids - units.keys())
            )
        )
        units.update({instance_id: unit_id for instance_id, unit_id in rows})
    tasks = _ready_tasks(
        session, {(n.instance_id, n.recipient_role) for n in notices if n.instance_id in units}
    )
    result: list[str] = []
    for notice in notices:
        instance_id = notice.instance_id
        if notice.kind in KIND_PATHS:
            result.append(KIND_PATHS[notice.kind])
        elif _bundles_units(notice):
            result.append(TASKS_PATH)
        elif instance_id is None or instance_id not in units \
                or not _reaches(notice, units[instance_id]):
            result.append(NOTICES_PATH)
        else:
            task_id = tasks.get((instance_id, notice.recipient_role))
            result.append(task_path(task_id) if task_id else instance_path(instance_id))
    return result


def link(session: Session, notice: Notification, instance: ProcessInstance | None = None) -> str:
    """Return the path one notice leads to (`instance`: its instance, when the caller has it)."""
    return _paths(session, [notice], () if instance is None else (instance,))[0]
