"""engine.admin.unit_import and engine.admin.first_run: a fresh installation's units, accounts
and first administrator, from a workbook written here with openpyxl."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from engine.admin import first_run, unit_import
from engine.core import accounts
from engine.core.errors import FieldErrors, NotFoundError
from engine.core.spreadsheets import MAX_BYTES, WorkbookRefused
from models import AuditEvent, Unit, UnitKind, User

UNIT_HEADER = ["Mã", "Tên đơn vị", "Loại", "Đơn vị cấp trên"]
USER_HEADER = ["Tên đăng nhập", "Họ và tên", "Mã đơn vị", "Vai trò", "E-mail"]


def province_rows(departments: int = 15, communes: int = 75) -> list[list[Any]]:
    """The province, Sở KHCN, `departments - 1` other departments and `communes` communes."""
    rows: list[list[Any]] = [
        ["ubnd-tinh", "UBND tỉnh Sơn La", "tỉnh", None],
        ["so-khcn", "Sở Khoa học và Công nghệ", "sở, ban, ngành", None],
    ]
    rows += [
        [f"so-{i:02d}", f"Sở số {i}", "Sở, ban, ngành", None] for i in range(2, departments + 1)
    ]
    rows += [
        [f"xa-{i:02d}", f"Xã số {i}", "xã" if i % 3 else "phường", "ubnd-tinh"]
        for i in range(1, communes + 1)
    ]
    rows.append(["xa-01-vhxh", "Phòng Văn hóa - Xã hội", "phòng, ban thuộc xã", "xa-01"])
    return rows


def people_rows() -> list[list[Any]]:
    return [
        ["skhcn.staff", "Nguyễn Văn An", "so-khcn", "dost_staff", "an@sonla.gov.vn"],
        ["skhcn.leader", "Trần Thị Bình", "so-khcn", "dost_leader", None],
        ["xa-01.staff", "Lò Văn Cường", "xa-01", "unit_staff, unit_leader", None],
    ]


def workbook(
    units: Sequence[Sequence[Any]],
    users: Sequence[Sequence[Any]] | None = None,
    unit_header: Sequence[str] = UNIT_HEADER,
) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Đơn vị"
    sheet.append(list(unit_header))
    for row in units:
        sheet.append(list(row))
    if users is not None:
        people = book.create_sheet("Người dùng")
        people.append(USER_HEADER)
        for row in users:
            people.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def count(session: Session, model: Any) -> int:
    return int(session.scalar(select(func.count(model.id))) or 0)


def refusal(session: Session, data: bytes) -> list[str]:
    with pytest.raises(WorkbookRefused) as caught:
        unit_import.run(session, data, None)
    return [str(p) for p in caught.value.problems]


def test_a_province_is_imported_with_its_accounts_and_reimporting_updates(session: Session) -> None:
    result = unit_import.run(session, workbook(province_rows(), people_rows()), None)
    assert result.summary() == {
        "units_created": 92,
        "units_updated": 0,
        "users_created": 3,
        "users_updated": 0,
    }
    units = {u.code: u for u in session.scalars(select(Unit))}
    province = units["ubnd-tinh"]
    assert province.kind == UnitKind.PROVINCE and province.parent_id is None
    assert units["so-khcn"].parent_id == province.id  # no parent given: under the province
    assert (units["xa-03"].kind, units["xa-03"].subkind) == (UnitKind.COMMUNE, "phuong")
    assert (units["xa-01"].kind, units["xa-01"].subkind) == (UnitKind.COMMUNE, "xa")
    assert units["xa-01-vhxh"].parent_id == units["xa-01"].id
    assert units["xa-01-vhxh"].kind == UnitKind.INTERNAL
    staff = session.scalars(select(User).where(User.username == "xa-01.staff")).one()
    assert staff.role_names == {"unit_staff", "unit_leader"} and staff.unit.code == "xa-01"
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "units.imported")).one()
    for password in ("", "!", staff.password_hash, "mat-khau-bat-ky"):
        assert accounts.authenticate(session, "xa-01.staff", password) is None  # not set yet

    renamed = province_rows()
    renamed[1][1] = "Sở Khoa học và Công nghệ tỉnh Sơn La"
    people = people_rows()
    people[0][3] = "Chuyên viên Sở KHCN, Lãnh đạo Sở KHCN"  # Vietnamese role names are read too
    again = unit_import.run(session, workbook(renamed, people), None)
    assert again.summary() == {
        "units_created": 0,
        "units_updated": 92,
        "users_created": 0,
        "users_updated": 3,
    }
    assert count(session, Unit) == 92 and count(session, User) == 3
    session.expire_all()
    assert units["so-khcn"].name == "Sở Khoa học và Công nghệ tỉnh Sơn La"
    an = session.scalars(select(User).where(User.username == "skhcn.staff")).one()
    assert an.role_names == {"dost_staff", "dost_leader"}


def test_the_preview_says_what_would_change_and_writes_nothing(session: Session) -> None:
    result = unit_import.preview(session, workbook(province_rows(2, 3), people_rows()[:2]), None)
    assert result.summary()["units_created"] == 7 and not result.applied
    assert [r.key for r in result.users] == ["skhcn.staff", "skhcn.leader"]
    assert count(session, Unit) == 0 and count(session, User) == 0


def test_a_file_with_errors_is_refused_whole_with_sheet_row_and_column(session: Session) -> None:
    rows = province_rows(3, 3)
    rows[3][2] = "huyện"  # unknown kind, row 5 of the sheet
    rows[4][3] = "khong-co"  # unknown parent, row 6
    rows[5][0] = "Mã Sai"  # a code that is not a slug, row 7
    people = people_rows() + [
        ["xa-99.staff", "Ai đó", "xa-99", "unit_staff", None],
        ["nobody", "", "so-khcn", "thu_ky", None],
    ]
    problems = refusal(session, workbook(rows, people))
    assert any(
        p.startswith("Trang 'Đơn vị', dòng 5, cột C (Loại): Loại không hợp lệ") for p in problems
    )
    assert (
        "Trang 'Đơn vị', dòng 6, cột D (Đơn vị cấp trên): Không có đơn vị mã 'khong-co'" in problems
    )
    assert any(
        p.startswith("Trang 'Đơn vị', dòng 7, cột A (Mã): Mã đơn vị chỉ gồm") for p in problems
    )
    assert "Trang 'Người dùng', dòng 5, cột C (Mã đơn vị): Không có đơn vị mã 'xa-99'" in problems
    assert any(
        p.startswith("Trang 'Người dùng', dòng 6, cột D (Vai trò): Vai trò không hợp lệ: thu_ky")
        for p in problems
    )
    assert count(session, Unit) == 0 and count(session, User) == 0


def test_duplicates_missing_columns_and_a_second_province_are_refused(session: Session) -> None:
    rows = province_rows(2, 2) + [["so-02", "Sở trùng", "sở, ban, ngành", None]]
    assert refusal(session, workbook(rows)) == [
        "Trang 'Đơn vị', dòng 8, cột A (Mã): 'so-02' trùng với dòng 4"
    ]
    assert refusal(session, workbook(province_rows(1, 1), unit_header=["Mã", "Tên đơn vị"])) == [
        "Trang 'Đơn vị', dòng 1, cột (Loại): Thiếu cột"
    ]
    second = province_rows(1, 1) + [["ubnd-khac", "UBND khác", "tỉnh", None]]
    assert any("Đã có đơn vị cấp tỉnh" in p for p in refusal(session, workbook(second)))
    empty_name = province_rows(1, 1)
    empty_name[1][1] = None
    assert refusal(session, workbook(empty_name)) == [
        "Trang 'Đơn vị', dòng 3, cột B (Tên đơn vị): Vui lòng nhập tên đơn vị"
    ]
    assert count(session, Unit) == 0


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "Tệp rỗng"),
        (b"name,kind\nx,y\n", "Tệp không phải là bảng tính Excel (.xlsx)"),
        (b"PK\x03\x04" + b"\x00" * 40, "Tệp không phải là bảng tính Excel (.xlsx)"),
        (b"x" * (MAX_BYTES + 1), "Tệp lớn hơn giới hạn 5 MB"),
    ],
)
def test_files_that_are_not_usable_workbooks_are_refused(
    session: Session, data: bytes, message: str
) -> None:
    assert refusal(session, data) == [message]


def test_a_zip_that_is_not_a_workbook_or_lacks_the_sheet_is_refused(session: Session) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    assert refusal(session, out.getvalue()) == ["Tệp không phải là bảng tính Excel (.xlsx) hợp lệ"]
    book = Workbook()
    data = io.BytesIO()
    book.save(data)
    assert refusal(session, data.getvalue()) == ["Thiếu trang 'Đơn vị'"]


def test_the_first_administrator_and_passwords(session: Session) -> None:
    assert not first_run.has_admin(session)
    with pytest.raises(FieldErrors) as short:
        first_run.create_admin(session, "quantri", "ngan")
    assert short.value.errors == {"password": "Mật khẩu cần ít nhất 8 ký tự"}
    row = first_run.create_admin(session, "quantri", "mat-khau-dai")
    assert row.unit_code == first_run.PLACEHOLDER_CODE and row.roles == ("admin",)
    assert first_run.has_admin(session)
    admin = session.scalars(select(User).where(User.username == "quantri")).one()
    admin.active = False  # a deactivated administrator signs nobody in
    session.flush()
    assert not first_run.has_admin(session)
    admin.active = True
    assert accounts.authenticate(session, "quantri", "mat-khau-dai") is not None
    unit_import.run(session, workbook(province_rows(1, 1), people_rows()[:1]), None)
    first_run.set_password(session, "skhcn.staff", "mot-mat-khau")
    user = session.scalars(select(User).where(User.username == "skhcn.staff")).one()
    assert check_password_hash(user.password_hash, "mot-mat-khau")
    with pytest.raises(NotFoundError):
        first_run.set_password(session, "khong-ai", "mot-mat-khau")
    with pytest.raises(FieldErrors):
        first_run.create_admin(session, "quantri", "mat-khau-dai")  # the name is taken
    second = first_run.create_admin(session, "quantri2", "mat-khau-dai", unit_code="so-khcn")
    assert second.unit_code == "so-khcn"


def test_the_template_has_the_layout_the_import_reads(session: Session) -> None:
    from openpyxl import load_workbook

    from engine.admin import unit_workbook

    book = load_workbook(io.BytesIO(unit_workbook.template()), read_only=True)
    assert book.sheetnames == ["Đơn vị", "Người dùng", "Hướng dẫn"]
    header = next(book["Đơn vị"].iter_rows(values_only=True))
    assert list(header) == UNIT_HEADER
    assert refusal(session, unit_workbook.template()) == ["Trang 'Đơn vị': Chưa có dòng đơn vị nào"]
