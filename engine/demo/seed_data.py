"""Load the shipped demo data (Sơn La's 2026 plan, its 90 units, demo accounts) into a session.

Every loader is idempotent and only flushes: the caller owns the transaction.
The data lives in engine/demo/data/ (never ../shared); see the data_quality_notes inside each file.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from engine.core import calendars, clock
from engine.core.workcalendar import WorkCalendar
from engine.domain import regimes
from engine.domain.plan_rows import KPI_FIELDS, TASK_FIELDS, TEMPLATE_FIELDS, sync_rows
from models import (
    Plan,
    PlanKpi,
    PlanStatus,
    PlanTask,
    Role,
    RoleMembership,
    TemplateTask,
    Unit,
    UnitKind,
    User,
)

__all__ = [
    "DEMO_PASSWORD",
    "PROVINCE_CODE",
    "DOST_CODE",
    "create_demo_users",
    "load_plan",
    "load_units",
    "read_json",
]

DATA_DIR = Path(__file__).resolve().parent / "data"


DEMO_PASSWORD = "demo"
# RFC 2606 reserves ".example": a demo run against a test SMTP server shows real traffic, and
# no mail can reach a real mailbox.
DEMO_MAIL_DOMAIN = "sonla.example"
SHIPPED_YEAR = 2026
PROVINCE_CODE = "ubnd-tinh"
DOST_CODE = "so-khoa-hoc-va-cong-nghe"

TEMPLATE_KEYS = {"department": "department_template", "commune": "commune_template"}

# username, full name, role, unit code: the province-wide demo accounts.
SPECIAL_USERS: tuple[tuple[str, str, Role, str], ...] = (
    ("admin", "Quản trị hệ thống", Role.ADMIN, PROVINCE_CODE),
    ("skhcn.staff", "Chuyên viên Sở Khoa học và Công nghệ", Role.DOST_STAFF, DOST_CODE),
    ("skhcn.leader", "Lãnh đạo Sở Khoa học và Công nghệ", Role.DOST_LEADER, DOST_CODE),
    ("ubnd.leader", "Lãnh đạo UBND tỉnh Sơn La", Role.PROVINCE_LEADER, PROVINCE_CODE),
    ("inspector", "Thành viên Đoàn kiểm tra", Role.INSPECTOR, DOST_CODE),
)


def read_json(name: str) -> Any:
    """Read one of the shipped data files in engine/demo/data/ (e.g. "units.json")."""
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def _upsert_unit(
    session: Session, existing: dict[str, Unit], row: dict[str, Any], parent: Unit | None
) -> Unit:
    """Create the unit `row` describes, or update the existing one with that code."""
    unit = existing.get(row["code"])
    if unit is None:
        unit = Unit(code=row["code"], active=True)
        session.add(unit)
        existing[row["code"]] = unit
    unit.name = row["name"]
    unit.kind = UnitKind(row["kind"])
    unit.subkind = row.get("subkind")
    unit.parent = parent
    return unit


def load_units(session: Session) -> dict[str, Unit]:
    """Create or update the province, its 15 departments and 75 communes; return them by code."""
    data = read_json("units.json")
    rows = [data["province"], *data["departments"], *data["communes"]]
    codes = [row["code"] for row in rows]
    if len(codes) != len(set(codes)):
        raise ValueError("units.json: duplicate unit codes")
    existing = {u.code: u for u in session.scalars(select(Unit).where(Unit.code.in_(codes)))}
    province = _upsert_unit(session, existing, data["province"], None)
    units = {province.code: province}
    for row in rows[1:]:
        units[row["code"]] = _upsert_unit(session, existing, row, province)
    session.flush()
    return units


def plan_data(year: int, calendar: WorkCalendar) -> dict[str, Any]:
    """Return the shipped plan, moved to `year` when another year is asked for."""
    data = read_json(f"plan_{SHIPPED_YEAR}.json")
    return data if year == SHIPPED_YEAR else moved_to_year(data, year, calendar)


def moved_to_year(data: dict[str, Any], year: int, calendar: WorkCalendar) -> dict[str, Any]:
    """Return the plan `data` as if issued for `year`: the years in its texts follow, and each
    date keeps its day and month, moved to the next working day of `year`'s calendar (a
    deadline that falls on a weekend or on Tết ends on the first working day after it)."""
    moved = _replace_years(
        data, {str(SHIPPED_YEAR): str(year), str(SHIPPED_YEAR - 1): str(year - 1)}
    )

    def day(value: str) -> str:
        original = date.fromisoformat(value)
        return calendar.next_working_day(original.replace(year=year)).isoformat()

    moved["decision"]["date"] = day(data["decision"]["date"])
    deadlines = moved["deadlines"]
    deadlines["unit_plan_due"] = day(data["deadlines"]["unit_plan_due"])
    deadlines["quarterly_due"] = [day(d) for d in data["deadlines"]["quarterly_due"]]
    deadlines["inspection_due"] = day(data["deadlines"]["inspection_due"])
    return moved


def _replace_years(value: Any, years: dict[str, str]) -> Any:
    if isinstance(value, str):
        for old, new in years.items():
            value = value.replace(old, new)
        return value
    if isinstance(value, list):
        return [_replace_years(v, years) for v in value]
    if isinstance(value, dict):
        return {k: _replace_years(v, years) for k, v in value.items()}
    return value


def load_plan(session: Session, year: int = SHIPPED_YEAR) -> Plan:
    """Create the province plan of `year` from the shipped file (or sync an existing one's rows);
    another year than the shipped one gets the shipped plan moved to it."""
    data = plan_data(year, calendars.load(session))
    decision, deadlines = data["decision"], data["deadlines"]
    plan = session.scalars(
        select(Plan).where(Plan.year == year, Plan.decision_number == decision["number"])
    ).first()
    if plan is None:
        plan = Plan(
            year=year,
            title=decision["plan_title"],
            decision_number=decision["number"],
            decision_date=date.fromisoformat(decision["date"]),
            signer=decision["signer"],
            status=PlanStatus.DRAFT,
            adoption_due_date=date.fromisoformat(deadlines["unit_plan_due"]),
            reminder_days_before=2,
            grace_days=5,
            target_kinds=["department", "commune"],
            settings={
                "regimes": [
                    {
                        **regimes.PRESETS["quarterly"].as_data(),
                        "due_dates": list(deadlines["quarterly_due"]),
                    }
                ],
                "inspection_due": deadlines["inspection_due"],
            },
            created_at=clock.now(),
        )
        session.add(plan)
    sync_rows(plan, "kpis", PlanKpi, data["kpis"], KPI_FIELDS)
    sync_rows(plan, "tasks", PlanTask, data["tasks"], TASK_FIELDS)
    for unit_kind, key in TEMPLATE_KEYS.items():
        sync_rows(
            plan, "template_tasks", TemplateTask, data[key], TEMPLATE_FIELDS, unit_kind=unit_kind
        )
    session.flush()
    return plan


def _demo_accounts(units: dict[str, Unit]) -> list[tuple[str, str, Role, Unit]]:
    """List (username, full name, role, unit) of every demo account."""
    accounts = [
        (name, full, role, units[code]) for name, full, role, code in SPECIAL_USERS if code in units
    ]
    for unit in units.values():
        if unit.kind in (UnitKind.DEPARTMENT, UnitKind.COMMUNE, UnitKind.INTERNAL):
            accounts += [
                (f"{unit.code}.staff", f"Chuyên viên {unit.name}", Role.UNIT_STAFF, unit),
                (f"{unit.code}.leader", f"Lãnh đạo {unit.name}", Role.UNIT_LEADER, unit),
            ]
    return accounts


def create_demo_users(session: Session, units: dict[str, Unit]) -> int:
    """Create missing demo accounts (password "demo"), refresh others; return how many are new."""
    accounts = _demo_accounts(units)
    names = [a[0] for a in accounts]
    found = session.scalars(select(User).where(User.username.in_(names)))
    existing = {u.username: u for u in found}
    password_hash: str | None = None
    created = 0
    for username, full_name, role, unit in accounts:
        user = existing.get(username)
        if user is None:
            password_hash = password_hash or generate_password_hash(DEMO_PASSWORD)
            user = User(username=username, password_hash=password_hash, active=True)
            session.add(user)
            created += 1
        user.full_name = full_name
        user.unit = unit
        user.email = user.email or f"{username}@{DEMO_MAIL_DOMAIN}"
        if role not in user.role_names:
            user.memberships.append(RoleMembership(role=role))
    session.flush()
    return created
