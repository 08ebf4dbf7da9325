"""The workbook layout of units and accounts (sheets `Đơn vị` and `Người dùng`): its column
titles, how `Loại` and `Vai trò` are written, and an empty template to fill in."""

from __future__ import annotations

import io

from openpyxl import Workbook

from engine.core.collation import fold
from engine.core.labels import role_label
from models import Role, UnitKind

UNIT_SHEET, USER_SHEET = "Đơn vị", "Người dùng"
CODE, NAME, KIND, PARENT = "Mã", "Tên đơn vị", "Loại", "Đơn vị cấp trên"
USERNAME, FULL_NAME, UNIT_CODE, ROLES, EMAIL = (
    "Tên đăng nhập",
    "Họ và tên",
    "Mã đơn vị",
    "Vai trò",
    "E-mail",
)
UNIT_COLUMNS = (CODE, NAME, KIND)
USER_COLUMNS = (USERNAME, FULL_NAME, UNIT_CODE, ROLES)

# `Loại` as officials write it → (kind, subkind)
KIND_NAMES: dict[str, tuple[UnitKind, str | None]] = {
    "tỉnh": (UnitKind.PROVINCE, None),
    "sở, ban, ngành": (UnitKind.DEPARTMENT, None),
    "xã": (UnitKind.COMMUNE, "xa"),
    "phường": (UnitKind.COMMUNE, "phuong"),
    "phòng, ban thuộc xã": (UnitKind.INTERNAL, None),
    "cơ quan khác": (UnitKind.OTHER, None),
}
ROLE_NAMES = {fold(r.value): r.value for r in Role} | {
    fold(role_label(r.value)): r.value for r in Role
}


def template() -> bytes:
    """Return an empty workbook in the layout `run` reads, with a sheet that explains it."""
    book = Workbook()
    units = book.active
    assert units is not None
    units.title = UNIT_SHEET
    units.append([CODE, NAME, KIND, PARENT])
    users = book.create_sheet(USER_SHEET)
    users.append([USERNAME, FULL_NAME, UNIT_CODE, ROLES, EMAIL])
    guide = book.create_sheet("Hướng dẫn")
    guide.append(["Cột", "Cách ghi"])
    guide.append([CODE, "chữ thường không dấu, chữ số, gạch ngang; ví dụ: so-tai-chinh"])
    guide.append([KIND, "; ".join(KIND_NAMES)])
    guide.append([PARENT, "mã đơn vị cấp trên; để trống: đơn vị thuộc UBND tỉnh"])
    guide.append([ROLES, "; ".join(f"{r.value} ({role_label(r.value)})" for r in Role)])
    for sheet in (units, users, guide):
        for column in ("A", "B", "C", "D", "E"):
            sheet.column_dimensions[column].width = 28
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
