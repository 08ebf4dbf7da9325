"""Who a document comes from and who signs it, read from the unit tree: the heading block's
parent body and body name, the date line's place, the number line's symbol, and the signer's
capacity ("TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH", "GIÁM ĐỐC") and name — with the person signed for
when a substitute signed ("KT. GIÁM ĐỐC", "<substitute> ký thay <person>")."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.documents.parties import Issuer
from engine.queries import thread
from models import (
    AuditEvent,
    HumanTask,
    HumanTaskStatus,
    Role,
    RoleMembership,
    Unit,
    UnitKind,
    User,
)

COMMITTEE = "Ủy ban nhân dân"
SKIPPED_IN_SYMBOLS = {"và", "-"}
LOCAL_PREFIXES = ("Xã ", "Phường ", "Đặc khu ")
SUPERVISOR = "Sở Khoa học và Công nghệ"


def province_of(session: Session) -> Unit | None:
    """Return the province's people's committee (the root unit), if any."""
    return session.scalars(select(Unit).where(Unit.kind == UnitKind.PROVINCE)).first()


def supervisor_of(session: Session) -> Unit | None:
    """Return the unit that supervises the plan (Sở KHCN): the unit of its leader's account."""
    return session.scalars(
        select(Unit)
        .join(User, User.unit_id == Unit.id)
        .join(RoleMembership, RoleMembership.user_id == User.id)
        .where(RoleMembership.role == Role.DOST_LEADER, User.active.is_(True))
        .order_by(User.id)
    ).first()


def supervisor_issuer(session: Session, kind: str = "BC") -> tuple[Issuer, Unit | None]:
    """Return the heading block of a document Sở KHCN issues (its name spelled out when no
    leader's account says which unit it is) and that unit."""
    unit = supervisor_of(session)
    if unit is None:
        return Issuer("", SUPERVISOR, "……", f"{kind}-SKHCN"), None
    return issuer_of(session, unit, kind), unit


def full_name(name: str) -> str:
    """Spell out "UBND" as the heading block writes it ("UBND tỉnh Sơn La" → "Ủy ban nhân dân
    tỉnh Sơn La")."""
    return name.replace("UBND", COMMITTEE) if name.startswith("UBND") else name


def place_of(unit: Unit | None) -> str:
    """Return the place name of the date line: the province's or the commune's name."""
    if unit is None:
        return "……"
    name = unit.name
    for prefix in ("UBND tỉnh ", "Ủy ban nhân dân tỉnh ", "UBND ", *LOCAL_PREFIXES):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def symbol(kind: str, unit: Unit) -> str:
    """Return the number line's symbol: the document kind and the body's initials."""
    if unit.kind in (UnitKind.PROVINCE, UnitKind.COMMUNE):
        return f"{kind}-UBND"
    words = [w for w in unit.name.replace("-", " ").split() if w.lower() not in SKIPPED_IN_SYMBOLS]
    initials = "".join(w[0] for w in words if w[0].isalpha()).upper()
    return f"{kind}-{initials}"


def issuer_of(session: Session, unit: Unit, kind: str = "BC") -> Issuer:
    """Return the heading block of a document `unit` issues."""
    province = province_of(session)
    if unit.kind == UnitKind.PROVINCE:
        return Issuer("", full_name(unit.name), place_of(unit), symbol(kind, unit))
    if unit.kind == UnitKind.COMMUNE:
        return Issuer(COMMITTEE, unit.name, place_of(unit), symbol(kind, unit))
    if unit.kind == UnitKind.INTERNAL and unit.parent is not None:
        parent = f"UBND {unit.parent.name[0].lower()}{unit.parent.name[1:]}"
        return Issuer(parent, unit.name, place_of(unit.parent), symbol(kind, unit))
    parent_name = province.name if province is not None else ""
    return Issuer(parent_name, unit.name, place_of(province), symbol(kind, unit))


def capacity_of(unit: Unit) -> tuple[str, str]:
    """Return the signer's "TM." line and capacity for a document of `unit`."""
    if unit.kind in (UnitKind.PROVINCE, UnitKind.COMMUNE):
        return f"TM. {COMMITTEE}", "Chủ tịch"
    name = unit.name.lower()
    if name.startswith("ban ") or " ban " in name and not name.startswith("sở"):
        return "", "Trưởng ban"
    if name.startswith("văn phòng"):
        return "", "Chánh văn phòng"
    if unit.kind == UnitKind.INTERNAL:
        return "", "Trưởng phòng" if name.startswith("phòng") else "Thủ trưởng đơn vị"
    return "", "Giám đốc"


@dataclass(frozen=True)
class Signer:
    """Who signed a step: their name ("" when not signed yet) and, when they signed as a
    substitute (ủy quyền), the name of the person they signed for."""

    name: str = ""
    for_name: str = ""


def signer_of(session: Session, instance_id: int | None, form_key: str) -> Signer:
    """Return who completed the instance's `form_key` step last (the signer), and for whom
    when a substitute did (the audit event `task.completed` keeps `on_behalf_of`)."""
    if instance_id is None:
        return Signer()
    task = session.execute(
        select(HumanTask.id, HumanTask.completed_by_id)
        .where(
            HumanTask.instance_id == instance_id,
            HumanTask.form_key == form_key,
            HumanTask.status == HumanTaskStatus.COMPLETED,
        )
        .order_by(HumanTask.completed_at.desc())
        .limit(1)
    ).first()
    if task is None:
        return Signer()
    details = session.scalars(
        select(AuditEvent.details).where(
            AuditEvent.human_task_id == task.id, AuditEvent.action == "task.completed"
        ).order_by(AuditEvent.id.desc())
    ).first() or {}
    names = thread.user_names(session, (task.completed_by_id, details.get("on_behalf_of")))
    return Signer(names.get(task.completed_by_id, ""), thread.absent_name(names, details) or "")
