"""The modeler's side of definitions: open a diagram, keep a draft, validate and deploy it.

A draft is work in progress: it must be safe XML of one executable process (the same one the
modeler edits) but need not pass lint. Deploying goes through `definitions.deploy`, which
validates again; a successful deployment removes the draft.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from engine.core import audit, clock
from engine.core.errors import FieldErrors, InvalidDefinitionError, NotFoundError, Problem
from engine.workflow import definitions
from engine.workflow.definitions import DefinitionView
from engine.workflow.parsing import BPMN_NS, safe_xml
from engine.workflow.xml_source import to_utf8
from models import ProcessDefinition, ProcessDraft, User

MAX_COMMENT = 500


@dataclass(frozen=True)
class ModelerSource:
    """What the modeler opens: a draft or a deployed version of one process."""

    process_key: str
    xml: str
    source: str  # "draft" or "version"
    version: int | None
    latest_version: int | None
    draft_updated_at: datetime | None
    draft_updated_by: str | None


def process_key_of(xml: bytes) -> str:
    """Return the id of the one executable process in `xml` (safe parse, no lint)."""
    root = safe_xml(xml)
    ids = [
        str(i)
        for i in root.xpath("bpmn:process[@isExecutable='true']/@id", namespaces={"bpmn": BPMN_NS})
    ]
    if len(ids) != 1:
        raise InvalidDefinitionError(
            [Problem('Mỗi tệp BPMN phải chứa đúng một quy trình thực thi (isExecutable="true")')]
        )
    return ids[0]


def _require_key(xml: bytes, expected: str | None) -> str:
    key = process_key_of(xml)
    if expected is not None and key != expected:
        raise InvalidDefinitionError(
            [
                Problem(
                    f"Mã quy trình trong sơ đồ ('{key}') khác với quy trình đang soạn "
                    f"('{expected}'); không đổi mã quy trình trong trình soạn thảo",
                    element=key,
                )
            ]
        )
    return key


def _draft(session: Session, key: str) -> ProcessDraft | None:
    return session.scalars(
        select(ProcessDraft)
        .where(ProcessDraft.process_key == key)
        .options(undefer(ProcessDraft.xml))
    ).first()


def _latest(session: Session, key: str) -> ProcessDefinition | None:
    return session.scalars(
        select(ProcessDefinition)
        .where(ProcessDefinition.process_key == key)
        .order_by(ProcessDefinition.version.desc())
        .limit(1)
    ).first()


def open_for_edit(session: Session, key: str, version: int | None = None) -> ModelerSource:
    """Return the diagram to edit: version `version`, else the draft, else the newest version."""
    draft = _draft(session, key)
    latest = _latest(session, key)
    author = session.get(User, draft.updated_by_id) if draft and draft.updated_by_id else None
    chosen = latest
    if version is not None:
        chosen = session.scalars(
            select(ProcessDefinition).where(
                ProcessDefinition.process_key == key, ProcessDefinition.version == version
            )
        ).first()
    use_draft = version is None and draft is not None
    if chosen is None and not use_draft:
        suffix = f" phiên bản {version}" if version is not None else ""
        raise NotFoundError(f"Không tìm thấy quy trình '{key}'{suffix}")
    return ModelerSource(
        process_key=key,
        xml=draft.xml if use_draft and draft else (chosen.bpmn_xml if chosen else ""),
        source="draft" if use_draft else "version",
        version=None if use_draft or chosen is None else chosen.version,
        latest_version=latest.version if latest else None,
        draft_updated_at=draft.updated_at if draft else None,
        draft_updated_by=(author.full_name if author else "Hệ thống") if draft else None,
    )


def save(
    session: Session, xml: bytes, *, actor_id: int | None, expected_key: str | None = None
) -> str:
    """Store `xml` as the draft of its process (checked to be safe XML); return the process key."""
    xml = to_utf8(xml)
    key = _require_key(xml, expected_key)
    draft = _draft(session, key)
    if draft is None:
        draft = ProcessDraft(process_key=key)
        session.add(draft)
    draft.xml = xml.decode("utf-8")
    draft.updated_by_id = actor_id
    draft.updated_at = clock.now()
    audit.record(session, "definition.draft_saved", actor_id=actor_id, process_key=key)
    session.flush()
    return key


def discard(session: Session, key: str, *, actor_id: int | None) -> bool:
    """Delete the draft of `key`; tell whether there was one."""
    draft = _draft(session, key)
    if draft is None:
        return False
    session.delete(draft)
    audit.record(session, "definition.draft_discarded", actor_id=actor_id, process_key=key)
    session.flush()
    return True


def check(session: Session, xml: bytes, expected_key: str | None = None) -> list[Problem]:
    """Run the deploy-time validation on `xml`; return its problems (empty when it may deploy)."""
    try:
        _require_key(xml, expected_key)
        definitions.validate(session, xml, f"{expected_key or 'diagram'}.bpmn")
    except InvalidDefinitionError as exc:
        return list(exc.problems)
    return []


def deploy(
    session: Session,
    xml: bytes,
    comment: str,
    *,
    actor_id: int | None,
    expected_key: str | None = None,
    filename: str | None = None,
) -> DefinitionView:
    """Validate and deploy `xml` as a new version with a comment; the draft is then removed.

    Raises FieldErrors when the comment is missing and InvalidDefinitionError with the problems
    when validation fails; nothing is stored in either case.
    """
    comment = comment.strip()
    if not comment:
        raise FieldErrors({"comment": "Cần ghi chú nội dung thay đổi của phiên bản mới"})
    if len(comment) > MAX_COMMENT:
        raise FieldErrors({"comment": f"Ghi chú tối đa {MAX_COMMENT} ký tự"})
    key = _require_key(xml, expected_key)
    view = definitions.deploy(
        session, xml, filename or f"{key}.bpmn", comment=comment, actor_id=actor_id
    )
    if view.created:
        draft = _draft(session, key)
        if draft is not None:
            session.delete(draft)
            session.flush()
    return view
