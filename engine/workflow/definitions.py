"""Deployed process definitions: immutable, numbered versions; specs cached per version."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.core import audit, clock
from engine.core.errors import InvalidDefinitionError, NotFoundError, Problem
from engine.core.paths import BPMN_DIR
from engine.workflow import forms
from engine.workflow.parsing import parse_bpmn
from engine.workflow.serialization import Specs, specs_from_json, specs_to_json
from models import ProcessDefinition


@dataclass(frozen=True)
class DefinitionView:
    """A deployed version, as callers see it."""

    id: int
    process_key: str
    version: int
    created_at: datetime
    comment: str | None
    created: bool


def latest(session: Session, process_key: str) -> ProcessDefinition:
    """Return the newest deployed version of `process_key`."""
    definition = session.scalars(
        select(ProcessDefinition)
        .where(ProcessDefinition.process_key == process_key)
        .order_by(ProcessDefinition.version.desc())
        .limit(1)
    ).first()
    if definition is None:
        raise NotFoundError(f"Quy trình '{process_key}' chưa được triển khai")
    return definition


def _library(session: Session, exclude: set[str]) -> dict[str, bytes]:
    """Return the newest XML of every deployed process except `exclude`."""
    newest = select(ProcessDefinition.process_key, func.max(ProcessDefinition.version)).group_by(
        ProcessDefinition.process_key
    )
    result: dict[str, bytes] = {}
    for key, version in session.execute(newest):
        if key in exclude:
            continue
        xml = session.scalar(
            select(ProcessDefinition.bpmn_xml).where(
                ProcessDefinition.process_key == key, ProcessDefinition.version == version
            )
        )
        result[key] = (xml or "").encode("utf-8")
    return result


def validate(
    session: Session | None, xml: bytes, filename: str = "diagram.bpmn"
) -> tuple[str, ...]:
    """Parse and lint `xml` against the deployed processes; return its process ids."""
    library = _library(session, set()) if session is not None else {}
    parsed = parse_bpmn(xml, filename, library=library, forms=forms.known_keys())
    return parsed.process_ids


def deploy(
    session: Session,
    xml: bytes,
    filename: str = "diagram.bpmn",
    *,
    comment: str | None = None,
    actor_id: int | None = None,
) -> DefinitionView:
    """Validate and deploy `xml` as the next version; identical content is not redeployed."""
    try:
        own_ids = set(parse_bpmn(xml, filename, forms=None, library=None).process_ids)
    except InvalidDefinitionError:
        own_ids = set()
    parsed = parse_bpmn(xml, filename, library=_library(session, own_ids), forms=forms.known_keys())
    if len(parsed.process_ids) != 1:
        raise InvalidDefinitionError([Problem("Mỗi tệp BPMN chỉ được chứa một quy trình thực thi")])
    key = parsed.process_ids[0]
    xml = parsed.xml  # UTF-8, whatever the file's encoding (xml_source)
    checksum = hashlib.sha256(xml).hexdigest()
    current = session.scalars(
        select(ProcessDefinition)
        .where(ProcessDefinition.process_key == key)
        .order_by(ProcessDefinition.version.desc())
        .limit(1)
    ).first()
    if current is not None and current.checksum == checksum:
        return _view(current, created=False)
    spec, subs = parsed.specs[key]
    definition = ProcessDefinition(
        process_key=key,
        version=(current.version + 1) if current else 1,
        bpmn_xml=xml.decode("utf-8"),
        spec_json=specs_to_json(spec, subs),
        checksum=checksum,
        comment=comment,
        created_at=clock.now(),
        created_by_id=actor_id,
    )
    session.add(definition)
    session.flush()
    audit.record(
        session,
        "definition.deployed",
        actor_id=actor_id,
        process_key=key,
        version=definition.version,
        comment=comment,
    )
    return _view(definition, created=True)


def deploy_builtin(session: Session) -> list[DefinitionView]:
    """Deploy every process in bpmn/ that is new or changed (used by `plancascade init`)."""
    return [
        deploy(session, path.read_bytes(), path.name, comment="Quy trình mặc định")
        for path in sorted(BPMN_DIR.glob("*.bpmn"))
    ]


def _view(definition: ProcessDefinition, *, created: bool) -> DefinitionView:
    return DefinitionView(
        id=definition.id,
        process_key=definition.process_key,
        version=definition.version,
        created_at=definition.created_at,
        comment=definition.comment,
        created=created,
    )


_SPEC_CACHE: dict[tuple[int, str], Specs] = {}
_SPEC_CACHE_SIZE = 256


def specs_for(definition: ProcessDefinition) -> Specs:
    """Return the parsed spec of a deployed version (restored once per process and version)."""
    key = (definition.id, definition.checksum)
    specs = _SPEC_CACHE.get(key)
    if specs is None:
        if len(_SPEC_CACHE) >= _SPEC_CACHE_SIZE:
            _SPEC_CACHE.clear()
        specs = _SPEC_CACHE[key] = specs_from_json(definition.spec_json)
    return specs
