"""Administer units: list, create, edit and deactivate (never delete), with Vietnamese checks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from engine.core import audit
from engine.core.errors import FieldErrors, NotFoundError
from engine.core.labels import unit_kind_label
from engine.core.pagination import Page, paginate
from engine.core.text_search import contains_text
from models import Unit, UnitKind, User

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_CODE, MAX_NAME, MAX_SUBKIND = 80, 200, 40
KINDS = tuple(k.value for k in UnitKind)


@dataclass(frozen=True)
class UnitInput:
    """What the unit form submits."""

    code: str
    name: str
    kind: str
    subkind: str | None = None
    parent_id: int | None = None
    active: bool = True


@dataclass(frozen=True)
class UnitRow:
    """One unit as the lists and the edit form show it."""

    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    subkind: str | None
    parent_id: int | None
    parent_name: str | None
    active: bool
    active_users: int = 0


def _statement(text: str | None, kind: str | None, active: bool | None) -> Select[Any]:
    parent = aliased(Unit)
    users = (
        select(func.count(User.id))
        .where(User.unit_id == Unit.id, User.active.is_(True))
        .correlate(Unit)
        .scalar_subquery()
    )
    stmt = (
        select(Unit, parent.name, users)
        .outerjoin(parent, parent.id == Unit.parent_id)
        .order_by(Unit.id)
    )
    if text:
        stmt = stmt.where(or_(contains_text(Unit.code, text), contains_text(Unit.name, text)))
    if kind in KINDS:
        stmt = stmt.where(Unit.kind == kind)
    if active is not None:
        stmt = stmt.where(Unit.active.is_(active))
    return stmt


def _row(record: Any) -> UnitRow:
    unit, parent_name, users = record
    return UnitRow(
        id=unit.id,
        code=unit.code,
        name=unit.name,
        kind=str(unit.kind),
        kind_label=unit_kind_label(unit.kind),
        subkind=unit.subkind,
        parent_id=unit.parent_id,
        parent_name=parent_name,
        active=unit.active,
        active_users=users or 0,
    )


def search(
    session: Session,
    text: str | None = None,
    kind: str | None = None,
    active: bool | None = None,
    page: int = 1,
) -> Page[UnitRow]:
    """Return one page of units matching a code/name text, a kind and an active flag."""
    return paginate(session, _statement(text, kind, active), page, _row)


def get(session: Session, unit_id: int) -> UnitRow:
    """Return one unit (NotFoundError when it does not exist)."""
    record = session.execute(_statement(None, None, None).where(Unit.id == unit_id)).first()
    if record is None:
        raise NotFoundError("Không tìm thấy đơn vị")
    return _row(record)


def parent_choices(session: Session, exclude_id: int | None = None) -> list[tuple[int, str]]:
    """Return the units that may be a parent: active, not internal departments."""
    stmt = (
        select(Unit.id, Unit.name)
        .where(Unit.active.is_(True), Unit.kind != UnitKind.INTERNAL)
        .order_by(Unit.id)
    )
    if exclude_id is not None:
        stmt = stmt.where(Unit.id != exclude_id)
    return [(i, n) for i, n in session.execute(stmt)]


def _is_descendant(session: Session, candidate: Unit, unit: Unit) -> bool:
    """Tell whether `candidate` lies below `unit` (making it the parent would make a cycle)."""
    seen: set[int] = set()
    node: Unit | None = candidate
    while node is not None and node.id not in seen:
        if node.id == unit.id:
            return True
        seen.add(node.id)
        node = node.parent
    return False


def _check_code(session: Session, code: str, unit: Unit | None) -> str | None:
    if not code:
        return "Vui lòng nhập mã đơn vị"
    if len(code) > MAX_CODE or not SLUG.match(code):
        return (
            "Mã đơn vị chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang "
            "(ví dụ: so-tai-chinh), tối đa 80 ký tự"
        )
    other = session.scalars(select(Unit).where(Unit.code == code)).first()
    if other is not None and other is not unit:
        return f"Mã '{code}' đã được dùng cho {other.name}"
    return None


def _check_parent(session: Session, data: UnitInput, unit: Unit | None) -> str | None:
    if data.parent_id is None:
        return (
            "Bộ phận trực thuộc phải có đơn vị cấp trên" if data.kind == UnitKind.INTERNAL else None
        )
    if data.kind == UnitKind.PROVINCE:
        return "Đơn vị cấp tỉnh không có đơn vị cấp trên"
    parent = session.get(Unit, data.parent_id)
    if parent is None or not parent.active:
        return "Đơn vị cấp trên không tồn tại hoặc đã ngừng hoạt động"
    if parent.kind == UnitKind.INTERNAL:
        return "Đơn vị cấp trên không thể là một bộ phận trực thuộc"
    if unit is not None and _is_descendant(session, parent, unit):
        return "Đơn vị cấp trên không thể là chính đơn vị này hoặc đơn vị trực thuộc nó"
    return None


def _check_kind(session: Session, data: UnitInput, unit: Unit | None) -> str | None:
    if data.kind not in KINDS:
        return "Loại đơn vị không hợp lệ"
    if data.kind == UnitKind.PROVINCE:
        other = session.scalars(select(Unit).where(Unit.kind == UnitKind.PROVINCE)).first()
        if other is not None and other is not unit:
            return f"Đã có đơn vị cấp tỉnh ({other.name})"
    return None


def _check_deactivation(session: Session, unit: Unit) -> str | None:
    if unit.kind == UnitKind.PROVINCE:
        return "Không thể ngừng hoạt động đơn vị cấp tỉnh"
    users = session.scalar(
        select(func.count(User.id)).where(User.unit_id == unit.id, User.active.is_(True))
    )
    if users:
        return (
            f"Đơn vị còn {users} tài khoản đang hoạt động; hãy khóa hoặc chuyển các tài khoản trước"
        )
    children = session.scalar(
        select(func.count(Unit.id)).where(Unit.parent_id == unit.id, Unit.active.is_(True))
    )
    if children:
        return f"Đơn vị còn {children} đơn vị trực thuộc đang hoạt động"
    return None


def _validate(session: Session, data: UnitInput, unit: Unit | None) -> None:
    errors: dict[str, str | None] = {
        "code": _check_code(session, data.code, unit),
        "kind": _check_kind(session, data, unit),
        "parent_id": _check_parent(session, data, unit),
    }
    if not data.name.strip():
        errors["name"] = "Vui lòng nhập tên đơn vị"
    elif len(data.name.strip()) > MAX_NAME:
        errors["name"] = f"Tên đơn vị tối đa {MAX_NAME} ký tự"
    if data.subkind and len(data.subkind) > MAX_SUBKIND:
        errors["subkind"] = f"Phân loại tối đa {MAX_SUBKIND} ký tự"
    if unit is not None and unit.active and not data.active:
        errors["active"] = _check_deactivation(session, unit)
    found = {k: v for k, v in errors.items() if v}
    if found:
        raise FieldErrors(found)


def _clean(data: UnitInput) -> UnitInput:
    return UnitInput(
        code=data.code.strip(),
        name=" ".join(data.name.split()),
        kind=data.kind,
        subkind=(data.subkind or "").strip() or None,
        parent_id=data.parent_id,
        active=data.active,
    )


def _apply(unit: Unit, data: UnitInput) -> dict[str, Any]:
    """Copy `data` onto `unit`; return what changed as {field: [old, new]}."""
    changes: dict[str, Any] = {}
    for field in ("code", "name", "kind", "subkind", "parent_id", "active"):
        old, new = getattr(unit, field), getattr(data, field)
        if old != new:
            changes[field] = [None if old is None else str(old), None if new is None else str(new)]
            setattr(unit, field, UnitKind(new) if field == "kind" else new)
    return changes


def create(session: Session, actor_id: int | None, data: UnitInput) -> UnitRow:
    """Create a unit after validating its code, kind and parent; audited."""
    return get(session, add(session, actor_id, data).id)


def add(session: Session, actor_id: int | None, data: UnitInput) -> Unit:
    """Create a unit as `create` does, returning the row itself (for imports of many)."""
    data = _clean(data)
    _validate(session, data, None)
    unit = Unit(code=data.code, name=data.name, kind=UnitKind(data.kind), active=data.active)
    unit.subkind, unit.parent_id = data.subkind, data.parent_id
    session.add(unit)
    session.flush()
    audit.record(
        session, "unit.created", actor_id=actor_id, unit_id=unit.id, code=unit.code, kind=data.kind
    )
    return unit


def update(session: Session, actor_id: int | None, unit_id: int, data: UnitInput) -> UnitRow:
    """Change a unit (deactivating it only when no active user or sub-unit remains); audited."""
    return get(session, change(session, actor_id, unit_id, data).id)


def change(session: Session, actor_id: int | None, unit_id: int, data: UnitInput) -> Unit:
    """Change a unit as `update` does, returning the row itself (for imports of many)."""
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFoundError("Không tìm thấy đơn vị")
    data = _clean(data)
    _validate(session, data, unit)
    changes = _apply(unit, data)
    session.flush()
    if changes:
        action = "unit.updated"
        if "active" in changes:
            action = "unit.deactivated" if not data.active else "unit.reactivated"
        audit.record(session, action, actor_id=actor_id, unit_id=unit.id, changes=changes)
    return unit
