"""Import units and accounts from an Excel workbook (sheets `Đơn vị` and `Người dùng`).

Every row goes through the same rules as the admin forms (`engine.admin.units`,
`engine.admin.users`), inside a savepoint: a file with any error is refused whole, with the
sheet, row and column of each error, and nothing is written. A preview runs the same way and
always rolls back. Re-importing updates units by code and accounts by username, never
duplicating them. A unit without `Đơn vị cấp trên` (other than the province and internal
departments) is placed under the province. New accounts get no usable password: an
administrator sets one (`plancascade set-password`, or "Đặt lại mật khẩu" in the admin UI).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.admin import units as unit_registry
from engine.admin import users as user_registry
from engine.admin.unit_workbook import (
    CODE,
    EMAIL,
    FULL_NAME,
    KIND,
    KIND_NAMES,
    NAME,
    PARENT,
    ROLE_NAMES,
    ROLES,
    UNIT_CODE,
    UNIT_COLUMNS,
    UNIT_SHEET,
    USER_COLUMNS,
    USER_SHEET,
    USERNAME,
)
from engine.core import audit
from engine.core.collation import fold
from engine.core.errors import FieldErrors
from engine.core.spreadsheets import (
    CellProblem,
    Sheet,
    SheetRow,
    WorkbookRefused,
    has_sheet,
    open_workbook,
    read_table,
)
from models import Role, Unit, UnitKind, User

UNIT_FIELDS = {"code": CODE, "name": NAME, "kind": KIND, "subkind": KIND, "parent_id": PARENT}
USER_FIELDS = {
    "username": USERNAME,
    "full_name": FULL_NAME,
    "unit_id": UNIT_CODE,
    "roles": ROLES,
    "email": EMAIL,
}


@dataclass(frozen=True)
class ImportedRow:
    """One row of the file and what importing it does: `created` or `updated`."""

    sheet: str
    row: int
    key: str
    name: str
    action: str


@dataclass
class ImportResult:
    """What an import did (or, for a preview, would do)."""

    units: list[ImportedRow] = field(default_factory=list)
    users: list[ImportedRow] = field(default_factory=list)
    applied: bool = False

    def count(self, rows: list[ImportedRow], action: str) -> int:
        """Return how many of `rows` have `action`."""
        return sum(1 for r in rows if r.action == action)

    def summary(self) -> dict[str, int]:
        """Return the counts the CLI prints and the preview page shows."""
        return {
            "units_created": self.count(self.units, "created"),
            "units_updated": self.count(self.units, "updated"),
            "users_created": self.count(self.users, "created"),
            "users_updated": self.count(self.users, "updated"),
        }


def preview(session: Session, data: bytes, actor_id: int | None) -> ImportResult:
    """Check the workbook against every rule and say what importing it would do; write nothing."""
    return _run(session, data, actor_id, apply=False)


def run(session: Session, data: bytes, actor_id: int | None) -> ImportResult:
    """Import the workbook in this transaction, or raise WorkbookRefused and write nothing."""
    return _run(session, data, actor_id, apply=True)


def _run(session: Session, data: bytes, actor_id: int | None, *, apply: bool) -> ImportResult:
    units, users = _read(open_workbook(data))
    result = ImportResult()
    problems: list[CellProblem] = []
    savepoint = session.begin_nested()
    try:
        with session.no_autoflush:
            codes = _import_units(session, units, actor_id, result, problems)
            if users is not None:
                _import_users(session, users, codes, actor_id, result, problems)
        session.flush()
    except BaseException:
        savepoint.rollback()
        raise
    if problems or not apply:
        savepoint.rollback()
        if problems:
            raise WorkbookRefused(problems)
        return result
    savepoint.commit()
    audit.record(session, "units.imported", actor_id=actor_id, **result.summary())
    result.applied = True
    return result


def _read(workbook: Workbook) -> tuple[Sheet, Sheet | None]:
    units = read_table(workbook, UNIT_SHEET, UNIT_COLUMNS)
    users = (
        read_table(workbook, USER_SHEET, USER_COLUMNS) if has_sheet(workbook, USER_SHEET) else None
    )
    if not units.rows:
        raise WorkbookRefused([units.problem(None, None, "Chưa có dòng đơn vị nào")])
    problems = _duplicates(units, CODE) + (_duplicates(users, USERNAME) if users else [])
    if problems:
        raise WorkbookRefused(problems)
    return units, users


def _duplicates(sheet: Sheet, column: str) -> list[CellProblem]:
    seen: dict[str, int] = {}
    problems = []
    for row in sheet.rows:
        key = row.text(column)
        if key and key in seen:
            problems.append(
                sheet.problem(row.number, column, f"'{key}' trùng với dòng {seen[key]}")
            )
        seen.setdefault(key, row.number)
    return problems


def _parents_first(units: Sheet) -> list[SheetRow]:
    """Order rows so that a unit comes after its parent when both are in the file."""
    by_code = {row.text(CODE): row for row in units.rows}
    ordered: list[SheetRow] = []
    placed: set[int] = set()

    def place(row: SheetRow, depth: int) -> None:
        if row.number in placed or depth > len(by_code):
            return
        parent = by_code.get(row.text(PARENT))
        if parent is not None and parent is not row:
            place(parent, depth + 1)
        placed.add(row.number)
        ordered.append(row)

    province_first = sorted(units.rows, key=lambda r: fold(r.text(KIND)) != "tỉnh")
    for row in province_first:
        place(row, 0)
    return ordered


def _import_units(
    session: Session,
    units: Sheet,
    actor_id: int | None,
    result: ImportResult,
    problems: list[CellProblem],
) -> dict[str, int]:
    """Create or update each unit row; return the id of every known unit by code."""
    codes = {code: id_ for id_, code in session.execute(select(Unit.id, Unit.code))}
    for row in _parents_first(units):
        entry = _unit_input(session, units, row, codes, problems)
        if entry is None:
            continue
        existing = codes.get(entry.code)
        saved = _attempt(
            units,
            row,
            UNIT_FIELDS,
            problems,
            partial(_save_unit, session, actor_id, existing, entry),
        )
        if saved is not None:
            codes[saved.code] = saved.id
            result.units.append(
                ImportedRow(
                    UNIT_SHEET,
                    row.number,
                    saved.code,
                    saved.name,
                    "updated" if existing is not None else "created",
                )
            )
    return codes


def _unit_input(
    session: Session,
    sheet: Sheet,
    row: SheetRow,
    codes: dict[str, int],
    problems: list[CellProblem],
) -> unit_registry.UnitInput | None:
    kind = KIND_NAMES.get(fold(row.text(KIND)))
    found: list[CellProblem] = []
    if kind is None:
        known = ", ".join(f"'{k}'" for k in KIND_NAMES)
        found.append(sheet.problem(row.number, KIND, f"Loại không hợp lệ; dùng một trong: {known}"))
    parent_code = row.text(PARENT)
    parent_id = codes.get(parent_code) if parent_code else _default_parent(session, kind, codes)
    if parent_code and parent_id is None:
        found.append(sheet.problem(row.number, PARENT, f"Không có đơn vị mã '{parent_code}'"))
    problems.extend(found)
    if found or kind is None:
        return None
    return unit_registry.UnitInput(
        code=row.text(CODE),
        name=row.text(NAME),
        kind=kind[0].value,
        subkind=kind[1],
        parent_id=parent_id,
    )


def _save_unit(
    session: Session, actor_id: int | None, unit_id: int | None, entry: unit_registry.UnitInput
) -> Unit:
    """Create the unit, or update it keeping what an import never changes (active, subkind)."""
    if unit_id is None:
        return unit_registry.add(session, actor_id, entry)
    unit = session.get(Unit, unit_id)
    assert unit is not None
    subkind = entry.subkind if entry.subkind is not None else unit.subkind
    kept = unit_registry.UnitInput(
        entry.code, entry.name, entry.kind, subkind, entry.parent_id, unit.active
    )
    return unit_registry.change(session, actor_id, unit_id, kept)


def _default_parent(
    session: Session, kind: tuple[UnitKind, str | None] | None, codes: dict[str, int]
) -> int | None:
    """Departments, communes and other bodies without a parent sit under the province."""
    if kind is None or kind[0] in (UnitKind.PROVINCE, UnitKind.INTERNAL):
        return None
    return session.scalar(select(Unit.id).where(Unit.kind == UnitKind.PROVINCE))


def _import_users(
    session: Session,
    users: Sheet,
    codes: dict[str, int],
    actor_id: int | None,
    result: ImportResult,
    problems: list[CellProblem],
) -> None:
    existing = {name: id_ for id_, name in session.execute(select(User.id, User.username))}
    for row in users.rows:
        entry = _user_input(users, row, codes, problems)
        if entry is None:
            continue
        user_id = existing.get(entry.username)
        saved = _attempt(
            users,
            row,
            USER_FIELDS,
            problems,
            partial(_save_user, session, actor_id, user_id, entry),
        )
        if saved is not None:
            result.users.append(
                ImportedRow(
                    USER_SHEET,
                    row.number,
                    saved.username,
                    saved.full_name,
                    "updated" if user_id is not None else "created",
                )
            )


def _user_input(
    sheet: Sheet, row: SheetRow, codes: dict[str, int], problems: list[CellProblem]
) -> user_registry.UserInput | None:
    found = []
    unit_code = row.text(UNIT_CODE)
    if not unit_code or unit_code not in codes:
        found.append(sheet.problem(row.number, UNIT_CODE, f"Không có đơn vị mã '{unit_code}'"))
    roles: list[str] = []
    unknown: list[str] = []
    for part in row.text(ROLES).replace(";", ",").split(","):
        if part.strip():
            role = ROLE_NAMES.get(fold(part))
            if role:
                roles.append(role)
            else:
                unknown.append(part.strip())
    if unknown or not roles:
        choices = ", ".join(r.value for r in Role)
        found.append(
            sheet.problem(
                row.number,
                ROLES,
                f"Vai trò không hợp lệ: {', '.join(unknown)}; dùng: {choices}"
                if unknown
                else "Chọn ít nhất một vai trò",
            )
        )
    problems.extend(found)
    if found:
        return None
    return user_registry.UserInput(
        username=row.text(USERNAME),
        full_name=row.text(FULL_NAME),
        unit_id=codes[unit_code],
        roles=tuple(r for r in roles if r),
        email=row.text(EMAIL) or None,
    )


def _save_user(
    session: Session, actor_id: int | None, user_id: int | None, entry: user_registry.UserInput
) -> user_registry.UserRow:
    """Create the account, or update it; an import never locks or unlocks an account."""
    if user_id is None:
        return user_registry.create(session, actor_id, entry, unset=True)[0]
    user = session.get(User, user_id)
    assert user is not None
    kept = user_registry.UserInput(
        entry.username, entry.full_name, entry.unit_id, entry.roles, user.active, entry.email
    )
    return user_registry.update(session, actor_id, user_id, kept)


def _attempt(
    sheet: Sheet,
    row: SheetRow,
    columns: dict[str, str],
    problems: list[CellProblem],
    action: Callable[[], Any],
) -> Any:
    """Run one row's create/update; turn its FieldErrors into located problems."""
    try:
        return action()
    except FieldErrors as exc:
        for key, message in exc.errors.items():
            problems.append(sheet.problem(row.number, columns.get(key), message))
        return None
