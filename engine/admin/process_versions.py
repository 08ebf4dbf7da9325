"""The catalogue of deployed processes for administrators: versions, authors, open instances."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, undefer

from engine.admin import migration
from engine.admin.migration import DefinitionDiff
from engine.core.errors import NotFoundError
from engine.core.labels import process_label
from models import InstanceStatus, ProcessDefinition, ProcessDraft, ProcessInstance, User

# Instances that still belong to their version: they may be migrated or need support.
OPEN_STATUSES = (InstanceStatus.RUNNING, InstanceStatus.SUSPENDED, InstanceStatus.ERROR)
SYSTEM_AUTHOR = "Hệ thống"


@dataclass(frozen=True)
class VersionRow:
    """One deployed version as the list shows it."""

    id: int
    process_key: str
    version: int
    created_at: datetime
    created_by: str
    comment: str | None
    open_instances: int


@dataclass(frozen=True)
class DraftInfo:
    """Who last saved the modeler's draft of a process, and when."""

    process_key: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True)
class ProcessEntry:
    """A process key with its versions (newest first) and its draft, if any."""

    key: str
    name: str
    versions: tuple[VersionRow, ...]
    draft: DraftInfo | None

    @property
    def latest(self) -> VersionRow | None:
        """Return the newest version (None for a process that only has a draft)."""
        return self.versions[0] if self.versions else None


def open_counts(session: Session) -> dict[int, int]:
    """Return the number of unfinished instances per definition id."""
    rows = session.execute(
        select(ProcessInstance.definition_id, func.count(ProcessInstance.id))
        .where(ProcessInstance.status.in_(OPEN_STATUSES))
        .group_by(ProcessInstance.definition_id)
    )
    return {definition_id: count for definition_id, count in rows}


def drafts(session: Session) -> dict[str, DraftInfo]:
    """Return the saved drafts by process key."""
    rows = session.execute(
        select(ProcessDraft.process_key, ProcessDraft.updated_at, User.full_name).outerjoin(
            User, User.id == ProcessDraft.updated_by_id
        )
    )
    return {key: DraftInfo(key, at, name or SYSTEM_AUTHOR) for key, at, name in rows}


def catalog(session: Session) -> list[ProcessEntry]:
    """Return every process key with its versions, open-instance counts and draft."""
    counts = open_counts(session)
    rows = session.execute(
        select(ProcessDefinition, User.full_name)
        .outerjoin(User, User.id == ProcessDefinition.created_by_id)
        .order_by(ProcessDefinition.process_key, ProcessDefinition.version.desc())
    )
    versions: dict[str, list[VersionRow]] = {}
    for definition, author in rows:
        versions.setdefault(definition.process_key, []).append(
            VersionRow(
                id=definition.id,
                process_key=definition.process_key,
                version=definition.version,
                created_at=definition.created_at,
                created_by=author or SYSTEM_AUTHOR,
                comment=definition.comment,
                open_instances=counts.get(definition.id, 0),
            )
        )
    found = drafts(session)
    keys = sorted(set(versions) | set(found))
    return [
        ProcessEntry(key, process_label(key), tuple(versions.get(key, ())), found.get(key))
        for key in keys
    ]


def entry(session: Session, key: str) -> ProcessEntry:
    """Return one process of the catalogue (NotFoundError when it has no version nor draft)."""
    for item in catalog(session):
        if item.key == key:
            return item
    raise NotFoundError(f"Không tìm thấy quy trình '{key}'")


def find_version(
    session: Session, key: str, number: int, *, with_xml: bool = False
) -> ProcessDefinition:
    """Return version `number` of process `key`."""
    query = select(ProcessDefinition).where(
        ProcessDefinition.process_key == key, ProcessDefinition.version == number
    )
    if with_xml:
        query = query.options(undefer(ProcessDefinition.bpmn_xml))
    definition = session.scalars(query).first()
    if definition is None:
        raise NotFoundError(f"Không tìm thấy phiên bản {number} của quy trình '{key}'")
    return definition


def version_number(session: Session, definition_id: int) -> int | None:
    """Return the version number of a definition id."""
    definition = session.get(ProcessDefinition, definition_id)
    return definition.version if definition is not None else None


def process_keys(session: Session) -> list[str]:
    """Return the keys of every deployed process (for call activities)."""
    return list(
        session.scalars(
            select(ProcessDefinition.process_key).distinct().order_by(ProcessDefinition.process_key)
        )
    )


def diff(session: Session, key: str, old: int, new: int) -> DefinitionDiff:
    """Summarise what changed from version `old` to version `new` of `key`."""
    return migration.diff_definitions(
        find_version(session, key, old), find_version(session, key, new)
    )
