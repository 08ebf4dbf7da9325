"""`plancascade init --demo --national`: the Sơn La demo as one province of a national demo.

On top of the loaded Sơn La demo it adds the Ministry (Bộ KHCN, the nation's tenant) with
its accounts and its 2026 guidance (Công văn 5511/BKHCN-CĐSQG: the indicator set and tasks
of Quyết định 33), 33 simulated provinces of their real 2025 size (15 departments and their
approximate number of communes each), and cascades the guidance: Sơn La's plan is recorded as
adapted from it, every other province receives its draft. Lai Châu then adapts and issues
its own plan and plays its year up to now, as Sơn La did. Each province's rows are written
while the session works for that province (engine.core.tenancy).
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from slugify import slugify
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from engine.core import calendars, clock, tenancy
from engine.demo.actors import Cast, bot_user
from engine.demo.bootstrap import at, issue_plan, province_unit
from engine.demo.scripted_year import YearScript
from engine.demo.seed_data import DEMO_PASSWORD, read_json
from engine.demo.simulation import play
from engine.domain import plan_copies
from engine.domain.levels import in_sentence
from engine.processes import effects
from engine.processes import guidance as guidance_cascade
from models import (
    HOME_TENANT_ID,
    PROVINCE_WIDE_ROLES,
    Plan,
    PlanStatus,
    Role,
    RoleMembership,
    Tenant,
    TenantLevel,
    Unit,
    UnitKind,
    User,
)

NATION_CODE = "bo-khcn"
PLAYED = "lai-chau"  # the second province that adapts its plan and reports, as Sơn La does
GUIDANCE_NUMBER, GUIDANCE_DATE = "5511/BKHCN-CĐSQG", date(2025, 10, 10)
PROVINCES_DUE = date(2026, 1, 20)  # provinces issue their plans by then (the demo's choice)
SEED = 33


def load(session: Session, *, only: tuple[str, ...] | None = None,
         communes: int | None = None) -> dict[str, Any]:
    """Add the Ministry, the other provinces and the guidance (once); return a summary.
    `only` keeps some provinces and `communes` caps their communes (the tests' small nation)."""
    if session.scalar(select(Tenant.id).where(Tenant.code == NATION_CODE)) is not None:
        return {"national": "đã nạp trước đó"}
    stop_at = clock.now()
    try:
        clock.set_now(at(date(2026, 1, 2), 9))
        nation = _nation(session)
        guidance = _guidance(session, nation)
        chosen = [p for p in _province_data() if only is None or p["code"] in only]
        provinces = [_province(session, nation, {**item, "communes": min(
            int(item["communes"]), communes if communes is not None else int(item["communes"]))})
            for item in chosen]
        session.commit()
        cascaded = guidance_cascade.cascade_to_provinces(session, guidance, None)
        effects.settle(session)
        session.commit()
        played = _play_second_province(session, stop_at)
        return {"provinces": len(provinces) + 1, "received": len(cascaded.received),
                "units": _unit_count(session), "played": played}
    finally:
        clock.set_now(None)


def _province_data() -> list[dict[str, Any]]:
    return [p for p in read_json("provinces.json")["provinces"] if p["code"] != "son-la"]


def _nation(session: Session) -> Tenant:
    nation = Tenant(code=NATION_CODE, name="Bộ Khoa học và Công nghệ", level=TenantLevel.NATION)
    session.add(nation)
    session.flush()
    home = session.get_one(Tenant, HOME_TENANT_ID)
    home.code, home.name, home.parent_id = "son-la", "Tỉnh Sơn La", nation.id
    with tenancy.scoped(session, nation.id):
        ministry = Unit(code="bo-khcn", name="Bộ Khoa học và Công nghệ", kind=UnitKind.PROVINCE)
        session.add(ministry)
        session.flush()
        _accounts(session, [("bo.staff", "Chuyên viên Cục Chuyển đổi số quốc gia",
                             Role.DOST_STAFF, ministry),
                            ("bo.leader", "Lãnh đạo Cục Chuyển đổi số quốc gia",
                             Role.DOST_LEADER, ministry),
                            ("bo.admin", "Quản trị hệ thống cấp Bộ", Role.ADMIN, ministry)])
    return nation


def _guidance(session: Session, nation: Tenant) -> Plan:
    """The Ministry's indicator set and tasks: those of Sơn La's plan, issued 10/10/2025."""
    source = session.scalars(select(Plan).where(Plan.tenant_id == HOME_TENANT_ID)
                             .order_by(Plan.year.desc(), Plan.id)).first()
    if source is None:
        raise LookupError("Sơn La's plan missing: load the demo first")
    plan_copies.load_rows(source)
    with tenancy.scoped(session, nation.id):
        guidance = plan_copies.derive(
            session, source, source.year,
            f"Hướng dẫn xây dựng kế hoạch chuyển đổi số năm {source.year}")
        guidance.adoption_due_date = PROVINCES_DUE
        guidance.decision_number, guidance.decision_date = GUIDANCE_NUMBER, GUIDANCE_DATE
        guidance.signer, guidance.status = "Thứ trưởng", PlanStatus.ISSUED
        session.flush()
    source.parent_plan_id = guidance.id
    return guidance


def _province(session: Session, nation: Tenant, item: dict[str, Any]) -> Tenant:
    tenant = Tenant(code=item["code"], name=item["name"], level=TenantLevel.PROVINCE,
                    parent_id=nation.id)
    session.add(tenant)
    session.flush()
    code, short = item["code"], item["name"].split(" ", 1)[1]
    if item["name"].startswith("Thành phố"):
        short = item["name"]
    with tenancy.scoped(session, tenant.id):
        session.add(Unit(code=f"{code}.ubnd", name=f"UBND {in_sentence(item['name'])}",
                         kind=UnitKind.PROVINCE))
        for name in read_json("provinces.json")["departments"]:
            suffix = " tỉnh" if name in ("Văn phòng UBND",) else ""
            session.add(Unit(code=f"{code}.{slugify(name)}", name=f"{name}{suffix} {short}",
                             kind=UnitKind.DEPARTMENT))
        for index in range(1, int(item["communes"]) + 1):
            session.add(Unit(code=f"{code}.xa-{index:03d}", name=f"Xã mô phỏng {index:03d}",
                             kind=UnitKind.COMMUNE, subkind="xa"))
        session.flush()
        if code == PLAYED:
            _played_accounts(session, code, short)
    return tenant


def _played_accounts(session: Session, code: str, short: str) -> None:
    def unit(suffix: str) -> Unit:
        return session.scalars(select(Unit).where(Unit.code == f"{code}.{suffix}")).one()

    dost, commune = unit(slugify("Sở Khoa học và Công nghệ")), unit("xa-001")
    _accounts(session, [
        (f"{code}.skhcn.staff", f"Chuyên viên Sở KHCN {short}", Role.DOST_STAFF, dost),
        (f"{code}.skhcn.leader", f"Lãnh đạo Sở KHCN {short}", Role.DOST_LEADER, dost),
        (f"{code}.ubnd.leader", f"Lãnh đạo UBND tỉnh {short}", Role.PROVINCE_LEADER,
         unit("ubnd")),
        (f"{code}.admin", f"Quản trị hệ thống tỉnh {short}", Role.ADMIN, dost),
        (f"{code}.xa-001.staff", "Chuyên viên Xã mô phỏng 001", Role.UNIT_STAFF, commune),
        (f"{code}.xa-001.leader", "Lãnh đạo Xã mô phỏng 001", Role.UNIT_LEADER, commune),
    ])


def _accounts(session: Session, rows: list[tuple[str, str, Role, Unit]]) -> None:
    password = generate_password_hash(DEMO_PASSWORD)
    for username, full_name, role, unit in rows:
        user = User(username=username, full_name=full_name, password_hash=password,
                    unit_id=unit.id, email=f"{username}@demo.plancascade.vn")
        user.memberships.append(RoleMembership(role=role))
        session.add(user)
    session.flush()


def _play_second_province(session: Session, stop_at: Any) -> str:
    """Lai Châu's Sở KHCN adapts the draft (its own title, number and deadline), its leader
    issues it on 12/01/2026, and the province's units play their year up to `stop_at`."""
    tenant = session.scalars(select(Tenant).where(Tenant.code == PLAYED)).one()
    with tenancy.scoped(session, tenant.id):
        plan = session.scalars(select(Plan)).one()
        province = province_unit(session)
        cast = _cast(session, province.id)
        clock.set_now(at(date(2026, 1, 12), 7, 30))
        plan.title = "Kế hoạch chuyển đổi số tỉnh Lai Châu năm 2026"
        plan.decision_number, plan.decision_date = "45/QĐ-UBND", date(2026, 1, 12)
        plan.adoption_due_date = date(2026, 1, 23)
        issue_plan(session, cast, plan)
        session.commit()
        script = YearScript(random.Random(SEED), 0.15, calendars.load(session), plan.grace_days,
                            seed=SEED)
        last = min(stop_at.astimezone(clock.BUSINESS_TZ).date(), date(plan.year, 12, 31))
        play(session, cast, plan, script, date(2026, 1, 13), last, stop_at=stop_at)
        session.commit()
    return tenant.name


def _cast(session: Session, province_unit_id: int) -> Cast:
    """Lai Châu's own accounts, and its own system account for units without one."""
    cast = Cast(bot_id=bot_user(session, province_unit_id, f"he-thong.{PLAYED}").id)
    for user in session.scalars(select(User).where(User.active.is_(True))):
        for role in user.role_names:
            scope = None if role in PROVINCE_WIDE_ROLES else user.unit_id
            cast.users.setdefault((role, scope), user.id)
    return cast


def _unit_count(session: Session) -> int:
    with tenancy.across_tenants(session):
        return len(list(session.scalars(select(Unit.id))))
