"""Vietnamese number and date formatting (engine.core.formatting) and the label tables."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from engine.core import formatting, labels
from engine.core.formatting import (
    format_date,
    format_datetime,
    format_number,
    parse_date,
    parse_number,
)
from engine.domain.kpis import Verdict, target_text
from engine.domain.status import StageStatus
from models import ExtensionStatus, InstanceStatus


@pytest.mark.parametrize(("value", "shown"), [
    (60.349999999999994, "60,35"),  # float noise of a sum/average is dropped
    (0.1 + 0.2, "0,3"),
    (44.65, "44,65"),
    (97.8, "97,8"),
    (1234567.5, "1234567,5"),  # no thousands separator, as the annexes print figures
    (1234567, "1234567"),
    (85.0, "85"),
    (0, "0"),
    (0.0, "0"),
    (-0.0, "0"),
    (-3.5, "-3,5"),
    (-12, "-12"),
    (-60.349999999999994, "-60,35"),
    (0.0000001, "0,0000001"),
    (1e16, "10000000000000000"),
    (123456789.125, "123456789,125"),
    (Decimal("97.80"), "97,8"),
    (None, ""),
    (True, ""),
    (False, ""),
    ("abc", "abc"),  # what the user typed is shown back as is
    ("97,8", "97,8"),
])
def test_format_number(value: object, shown: str) -> None:
    assert format_number(value) == shown


def test_format_number_keeps_every_digit_typed() -> None:
    assert format_number(12.3456789) == "12,3456789"
    assert format_number(0.001) == "0,001"
    assert format_number(float("nan")) == "nan"


@pytest.mark.parametrize(("text", "number"), [
    ("97,8", 97.8), ("97.8", 97.8), (" 85 ", 85.0), ("-3,5", -3.5), ("0", 0.0)])
def test_parse_number_accepts_comma_or_point(text: str, number: float) -> None:
    assert parse_number(text) == number


@pytest.mark.parametrize("text", ["", "abc", "1.234,5", "9,7,8", "12%"])
def test_parse_number_refuses(text: str) -> None:
    assert parse_number(text) is None


def test_format_date() -> None:
    assert format_date(date(2026, 1, 7)) == "07/01/2026"
    assert format_date("2026-01-07") == "07/01/2026"  # ISO from JSON or the audit trail
    assert format_date("31/02/2026") == "31/02/2026"  # typed text shown back untouched
    assert format_date("2026-13-01") == "2026-13-01"
    assert format_date(None) == ""
    # a moment: its date in Asia/Ho_Chi_Minh (17:30 UTC is 00:30 the next day)
    assert format_date(datetime(2026, 3, 4, 17, 30, tzinfo=timezone.utc)) == "05/03/2026"
    assert format_date(datetime(2026, 3, 4, 17, 30)) == "04/03/2026"  # naive: already local


def test_format_datetime_in_business_time() -> None:
    moment = datetime(2026, 3, 4, 17, 30, tzinfo=timezone.utc)
    assert format_datetime(moment) == "05/03/2026 00:30"
    assert format_datetime(datetime(2026, 12, 31, 8, 5)) == "31/12/2026 08:05"
    assert format_datetime(None) == ""


@pytest.mark.parametrize(("text", "day"), [
    ("07/01/2026", date(2026, 1, 7)),
    ("7/1/2026", date(2026, 1, 7)),
    ("  28/02/2026 ", date(2026, 2, 28)),
    ("29/02/2028", date(2028, 2, 29)),
    ("2026-01-07", date(2026, 1, 7)),
])
def test_parse_date_accepts(text: str, day: date) -> None:
    assert parse_date(text) == day


@pytest.mark.parametrize("text", [
    None, "", "   ", "29/02/2026", "31/04/2026", "13/13/2026", "2026-13-01", "07-01-2026",
    "2026/01/07", "07/01/26", "07.01.2026", "hôm nay", "2026-01-07T08:00"])
def test_parse_date_refuses(text: str | None) -> None:
    assert parse_date(text) is None


def test_parse_date_passes_dates_through() -> None:
    assert parse_date(date(2026, 1, 7)) == date(2026, 1, 7)
    assert parse_date(datetime(2026, 1, 7, 9, 30)) == date(2026, 1, 7)


def test_formats_round_trip() -> None:
    day = date(2026, 11, 30)
    assert parse_date(format_date(day)) == day
    assert parse_number(format_number(60.35)) == 60.35
    assert formatting.DATE_FORMAT == "%d/%m/%Y"


def test_target_text_uses_the_number_format() -> None:
    assert target_text(44.65, ">=") == "≥ 44,65%"
    assert target_text(70, "<=") == "≤ 70%"
    assert target_text(None, ">=") == ""


def test_labels_are_looked_up_by_enum_member_or_value() -> None:
    assert labels.STAGE_STATUS_LABELS[StageStatus.OVERDUE] == "Quá hạn"
    assert labels.VERDICT_LABELS[Verdict.MET] == "Đạt"
    assert labels.VERDICT_LABELS[Verdict.NOT_MET] == "Chưa đạt"
    assert labels.INSTANCE_STATUS_LABELS[InstanceStatus.RUNNING] == "Đang thực hiện"
    assert labels.EXTENSION_STATUS_LABELS[ExtensionStatus.PENDING] == "Chờ Sở KHCN xem xét"
    assert set(labels.STAGE_STATUS_LABELS) == {s.value for s in StageStatus}
    assert set(labels.STAGE_STATUS_SHORT_LABELS) == {s.value for s in StageStatus}
    assert set(labels.VERDICT_LABELS) == {v.value for v in Verdict}
    assert set(labels.INSTANCE_STATUS_LABELS) == {s.value for s in InstanceStatus}
    assert set(labels.EXTENSION_STATUS_LABELS) == {s.value for s in ExtensionStatus}


def test_label_helpers() -> None:
    assert labels.role_label("dost_leader") == "Lãnh đạo Sở KHCN"
    assert labels.role_label("nobody") == "nobody"
    assert labels.process_label("quarterly_report") == "Báo cáo quý"
    assert labels.notice_label("unknown") == "Thông báo"
    assert labels.unit_kind_label("commune") == "Xã, phường"
    assert labels.unit_kind_label("planet") == "planet"
    assert labels.stage_status_short_label(StageStatus.DONE_LATE) == "Xong, quá hạn"
    assert labels.stage_status_short_label(None) == "—"
    assert labels.comparator_label("<=") == "≤"
    assert labels.comparator_label(None) == ""
    assert labels.round_label("q3") == "Quý III"


def test_notifications_name_the_round_of_a_report() -> None:
    from engine.core.notice_texts import message_for

    assert message_for("reminder_before", "Xã Mường La", "quarterly_report", "05/06/2027", "h1") \
        == "Nhắc việc: Xã Mường La cần gửi báo cáo 6 tháng đầu năm, hạn cuối: hết ngày 05/06/2027."
    assert message_for("due", "Sở Y tế", "quarterly_report", "05/12/2026", "q4").startswith(
        "Đến hạn: hôm nay (05/12/2026) là ngày cuối để Sở Y tế gửi báo cáo quý IV đúng hạn "
        "(hết ngày hôm nay);")
    assert message_for("escalation_parent", "Phòng Kinh tế", "internal_report", "02/03/2026",
                       "q1") == ("Báo cáo chậm trễ: Phòng Kinh tế chưa gửi báo cáo quý I của "
                                 "phòng, ban gửi UBND xã (hạn 02/03/2026), đề nghị lãnh đạo UBND "
                                 "xã chỉ đạo.")


def test_the_reminder_and_the_lateness_mean_the_same_deadline() -> None:
    """A deadline is the last day: the reminder says "hết ngày 05/09/2026", and a report sent
    during 05/09 (business time) is on time, one sent on 06/09 is late."""
    from engine.core.notice_texts import message_for
    from engine.domain.status import stage_status

    due = date(2026, 9, 5)
    text = message_for("reminder_before", "Xã Mường La", "quarterly_report", format_date(due), "q3")
    assert text.endswith("hạn cuối: hết ngày 05/09/2026.") and "trước ngày" not in text
    assert formatting.format_deadline(due) == "hết ngày 05/09/2026"
    now = datetime(2026, 9, 7, 3, tzinfo=timezone.utc)
    last_minute = datetime(2026, 9, 5, 16, 59, tzinfo=timezone.utc)  # 23:59 in Hà Nội time
    next_morning = datetime(2026, 9, 5, 17, 0, tzinfo=timezone.utc)  # 00:00 on 06/09
    assert stage_status(started=True, due=due, submitted_at=last_minute, now=now) == \
        StageStatus.DONE_ON_TIME
    assert stage_status(started=True, due=due, submitted_at=next_morning, now=now) == \
        StageStatus.DONE_LATE


@pytest.mark.parametrize(("key", "phrase", "document", "title"), [
    ("q4", "quý IV", "báo cáo quý IV", "Báo cáo quý IV"),
    ("q2", "quý II", "báo cáo quý II", "Báo cáo quý II"),
    ("iq3", "quý III (phòng, ban)", "báo cáo quý III (phòng, ban)", "Báo cáo quý III (phòng, ban)"),
    ("h1", "6 tháng đầu năm", "báo cáo 6 tháng đầu năm", "Báo cáo 6 tháng đầu năm"),
    ("y1", "báo cáo năm", "báo cáo năm", "Báo cáo năm"),
    ("m4", "tháng 4", "báo cáo tháng 4", "Báo cáo tháng 4"),
])
def test_round_phrases_keep_roman_numerals_upper_case(key: str, phrase: str, document: str,
                                                      title: str) -> None:
    assert labels.round_phrase(key) == phrase
    assert labels.report_document_label(key) == document
    assert labels.report_title(key) == title


def test_computed_figures_are_rounded_for_people() -> None:
    assert format_number(60.349999999999994, 2) == "60,35"
    assert format_number(66.66666666666667, 2) == "66,67"
    assert format_number(60.345, 2) == "60,35"  # half up, not to even
    assert format_number(-0.004, 2) == "0"
    assert format_number(85.0, 2) == "85"
    assert format_number(12.5, 2) == "12,5"  # no trailing zeros
    assert format_number(None, 2) == ""


def test_record_status_follows_its_receiver() -> None:
    assert labels.record_status_label("approved") == "Đã gửi, chờ Sở KHCN tiếp nhận"
    assert labels.record_status_label("accepted") == "Sở KHCN đã tiếp nhận"
    assert labels.record_status_label("approved", "UBND xã Mường La", accepts=False) == \
        "Đã gửi UBND xã Mường La"
    assert "Sở KHCN" not in labels.record_status_label("draft", "UBND xã Mường La", False)
