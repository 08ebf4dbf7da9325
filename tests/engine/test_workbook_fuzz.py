"""Whatever the bytes or the text, reading a workbook or a target never fails with anything but
a located refusal (property-based: Hypothesis)."""

from __future__ import annotations

import io
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from engine.core.spreadsheets import WorkbookRefused, open_workbook, read_table
from engine.domain import plan_workbook
from engine.domain.plan_targets import read_target

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.binary(max_size=4096))
def test_any_bytes_open_or_are_refused(data: bytes) -> None:
    try:
        open_workbook(data)
    except WorkbookRefused as exc:
        assert exc.problems and all(p.message for p in exc.problems)


@FAST
@given(
    st.dictionaries(
        st.sampled_from(["[Content_Types].xml", "xl/workbook.xml", "a.txt"]),
        st.binary(max_size=300),
        max_size=3,
    )
)
def test_any_zip_opens_or_is_refused(entries: dict[str, bytes]) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, body in entries.items():
            archive.writestr(name, body)
    try:
        open_workbook(out.getvalue())
    except WorkbookRefused:
        pass


cell = st.one_of(
    st.none(),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["I", "II", "1", "8.1", "x"]),
)


def _book(rows: list[list[object]]) -> bytes:
    book = Workbook()
    info = book.active
    assert info is not None
    info.title = "Thông tin"
    info.append(["Mục", "Giá trị"])
    for item, value in (
        ("Năm", 2027),
        ("Tên kế hoạch", "Kế hoạch 2027"),
        ("Hạn đơn vị gửi kế hoạch", "11/01/2027"),
    ):
        info.append([item, value])
    kpis = book.create_sheet("Phụ lục I")
    kpis.append(
        [
            "STT",
            "Các mục tiêu/chỉ tiêu",
            "Kết quả năm 2026",
            "Chỉ tiêu 2027",
            "Cơ quan chủ trì",
            "Cơ quan phối hợp",
        ]
    )
    for row in rows:
        kpis.append(row)
    for name, header in (
        (
            "Phụ lục II",
            [
                "STT",
                "Tên nhiệm vụ",
                "Cơ quan chủ trì",
                "Cơ quan phối hợp",
                "Sản phẩm",
                "Thời gian hoàn thành",
            ],
        ),
        ("Sở, ban, ngành", ["STT", "Tên nhiệm vụ", "Sản phẩm", "Thời gian hoàn thành"]),
        ("Xã, phường", ["STT", "Tên nhiệm vụ", "Sản phẩm", "Thời gian hoàn thành"]),
    ):
        book.create_sheet(name).append(header)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cell, min_size=6, max_size=6), max_size=8))
def test_any_annex_rows_are_read_or_refused_with_located_problems(rows: list[list[object]]) -> None:
    try:
        result = plan_workbook.read(_book(rows), ["Sở Khoa học và Công nghệ"])
    except WorkbookRefused as exc:
        assert all(p.sheet and p.message for p in exc.problems)
    else:
        assert all(k["code"].count(".") >= 1 for k in result.kpis)


@FAST
@given(st.text(max_size=80))
def test_any_target_text_is_read_or_left_for_a_person(text: str) -> None:
    target = read_target(text)
    if target is not None:
        assert target.comparator in (">=", ">", "<=", "<") and target.value >= 0


def test_a_sheet_without_its_header_is_refused() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Đơn vị"
    sheet.append(["không", "phải", "tiêu đề"])
    out = io.BytesIO()
    book.save(out)
    try:
        read_table(open_workbook(out.getvalue()), "Đơn vị", ("Mã", "Tên đơn vị"))
    except WorkbookRefused as exc:
        assert "Không thấy dòng tiêu đề" in str(exc.problems[0])
    else:
        raise AssertionError("a sheet without its header row was read")


def test_export_drops_characters_a_workbook_cannot_hold() -> None:
    from datetime import date

    from engine.queries.plan_export import plan_workbook as export
    from models import Plan, PlanKpi

    plan = Plan(year=2027, title="Kế hoạch\x07 2027", adoption_due_date=date(2027, 1, 11))
    plan.kpis = [
        PlanKpi(
            code="I.1",
            group_code="I",
            group_name="NHÓM\x1f",
            name="Chỉ tiêu\x00",
            measurable=True,
            target_text="50%",
        )
    ]
    rows = plan_workbook.read(export(plan), [])
    assert rows.info.title == "Kế hoạch 2027" and rows.kpis[0]["name"] == "Chỉ tiêu"
