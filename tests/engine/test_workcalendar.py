"""Tests for engine.core.workcalendar: holidays, overrides, working-day arithmetic, dates."""

from datetime import date, datetime, timedelta, timezone

import pytest

from engine.core.workcalendar import (
    BUSINESS_TZ,
    CalendarOverride,
    OverrideKind,
    WorkCalendar,
    business_date,
    end_of_day,
    is_late,
)

TET_2026 = [date(2026, 2, d) for d in range(16, 21)]


@pytest.fixture
def national() -> WorkCalendar:
    """Return the national calendar with no province overrides."""
    return WorkCalendar()


@pytest.fixture
def son_la() -> WorkCalendar:
    """Return a calendar with a swapped Saturday and an extra province day off."""
    return WorkCalendar.from_overrides(
        [
            {"date": "2026-02-21", "kind": "work", "name": "Làm bù cho ngày 13/02/2026"},
            {"date": date(2026, 2, 13), "kind": "off", "name": "Nghỉ bù Tết (tỉnh)"},
            {"date": "2026-10-09", "kind": "off", "name": "Nghỉ theo quyết định của UBND tỉnh"},
        ]
    )


@pytest.mark.parametrize("day", TET_2026)
def test_tet_2026_days_are_off_with_vietnamese_names(national: WorkCalendar, day: date) -> None:
    assert not national.is_working_day(day)
    name = national.holiday_name(day)
    assert name is not None and "Tết Nguyên Đán" in name


def test_tet_2026_names(national: WorkCalendar) -> None:
    assert national.holiday_name(date(2026, 2, 16)) == "Giao thừa Tết Nguyên Đán"
    assert national.holiday_name(date(2026, 2, 17)) == "Tết Nguyên Đán"
    assert national.holiday_name(date(2026, 2, 18)) == "Mùng hai Tết Nguyên Đán"


def test_days_around_tet_2026_are_working(national: WorkCalendar) -> None:
    assert national.is_working_day(date(2026, 2, 13))
    assert national.is_working_day(date(2026, 2, 23))
    assert national.holiday_name(date(2026, 2, 13)) is None


def test_national_day_2_september_is_off(national: WorkCalendar) -> None:
    assert not national.is_working_day(date(2026, 9, 2))
    assert national.holiday_name(date(2026, 9, 2)) == "Quốc khánh"
    assert not national.is_working_day(date(2026, 9, 1))


def test_other_public_holidays_2026(national: WorkCalendar) -> None:
    assert national.holiday_name(date(2026, 1, 1)) == "Tết Dương lịch"
    assert national.holiday_name(date(2026, 4, 30)) == "Ngày Chiến thắng"
    assert national.holiday_name(date(2026, 5, 1)) == "Ngày Quốc tế Lao động"
    assert not national.is_working_day(date(2026, 4, 27))  # Giỗ Tổ nghỉ bù


@pytest.mark.parametrize("day", [date(2026, 1, 10), date(2026, 1, 11)])
def test_weekends_are_off_without_a_name(national: WorkCalendar, day: date) -> None:
    assert day.weekday() in (5, 6)
    assert not national.is_working_day(day)
    assert national.holiday_name(day) is None


def test_plain_weekday_is_working(national: WorkCalendar) -> None:
    assert national.is_working_day(date(2026, 1, 6))
    assert national.holiday_name(date(2026, 1, 6)) is None


def test_government_swapped_saturday_from_package_is_working(
    national: WorkCalendar,
) -> None:
    # 22/08/2026 (Saturday) is worked in exchange for Monday 31/08/2026.
    assert national.is_working_day(date(2026, 8, 22))
    assert national.working_day_name(date(2026, 8, 22)) == "Ngày làm việc bù"
    assert not national.is_working_day(date(2026, 8, 31))


def test_swapped_saturday_counts_as_working(son_la: WorkCalendar) -> None:
    saturday = date(2026, 2, 21)
    assert saturday.weekday() == 5
    assert son_la.is_working_day(saturday)
    assert son_la.holiday_name(saturday) is None
    assert son_la.working_day_name(saturday) == "Làm bù cho ngày 13/02/2026"


def test_extra_province_day_off_counts_as_off(son_la: WorkCalendar) -> None:
    assert not son_la.is_working_day(date(2026, 2, 13))
    assert son_la.holiday_name(date(2026, 2, 13)) == "Nghỉ bù Tết (tỉnh)"
    assert not son_la.is_working_day(date(2026, 10, 9))
    assert son_la.holiday_name(date(2026, 10, 9)) == "Nghỉ theo quyết định của UBND tỉnh"


def test_province_work_override_beats_national_holiday() -> None:
    calendar = WorkCalendar.from_overrides(
        [{"date": "2026-11-24", "kind": "work", "name": "Vẫn làm việc"}]
    )
    assert calendar.is_working_day(date(2026, 11, 24))
    assert calendar.holiday_name(date(2026, 11, 24)) is None


def test_add_working_days_over_tet(national: WorkCalendar) -> None:
    # Friday 13/02 → skip weekend, Tết 16–20/02, weekend → 23..27/02.
    assert national.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)
    assert national.add_working_days(date(2026, 2, 13), 5) == date(2026, 2, 27)


def test_add_working_days_over_tet_with_province_swap(son_la: WorkCalendar) -> None:
    # 13/02 is a province day off, Saturday 21/02 is worked instead.
    assert son_la.add_working_days(date(2026, 2, 12), 1) == date(2026, 2, 21)
    assert son_la.add_working_days(date(2026, 2, 12), 5) == date(2026, 2, 26)


def test_add_negative_working_days(national: WorkCalendar) -> None:
    assert national.add_working_days(date(2026, 2, 23), -1) == date(2026, 2, 13)
    assert national.add_working_days(date(2026, 2, 27), -5) == date(2026, 2, 13)
    # 02/09, 01/09, 31/08 (swap) and the weekend are skipped.
    assert national.add_working_days(date(2026, 9, 3), -1) == date(2026, 8, 28)
    # From a day off, -1 is the last working day before it.
    assert national.add_working_days(date(2026, 1, 11), -1) == date(2026, 1, 9)


def test_add_zero_working_days_rolls_forward_only_from_a_day_off(
    national: WorkCalendar,
) -> None:
    assert national.add_working_days(date(2026, 1, 6), 0) == date(2026, 1, 6)
    assert national.add_working_days(date(2026, 1, 10), 0) == date(2026, 1, 12)
    assert national.add_working_days(date(2026, 2, 14), 0) == date(2026, 2, 23)


def test_add_working_days_from_a_day_off(national: WorkCalendar) -> None:
    assert national.add_working_days(date(2026, 1, 10), 1) == date(2026, 1, 12)


def test_add_working_days_across_new_year(national: WorkCalendar) -> None:
    # Wed 31/12/2025 + 1: 01/01/2026 is Tết Dương lịch → Friday 02/01/2026.
    assert national.add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 2)


def test_working_days_between(national: WorkCalendar) -> None:
    assert national.working_days_between(date(2026, 2, 13), date(2026, 2, 27)) == 5
    assert national.working_days_between(date(2026, 2, 27), date(2026, 2, 13)) == -5
    assert national.working_days_between(date(2026, 1, 6), date(2026, 1, 6)) == 0
    # The decision (06/01) to the unit-plan deadline (10/01, a Saturday).
    assert national.working_days_between(date(2026, 1, 6), date(2026, 1, 10)) == 3


@pytest.mark.parametrize("n", [1, 2, 5, 10, 30, 250])
def test_add_then_count_round_trips(son_la: WorkCalendar, n: int) -> None:
    for start in (date(2026, 1, 6), date(2026, 2, 14), date(2026, 8, 20)):
        end = son_la.add_working_days(start, n)
        assert son_la.working_days_between(start, end) == n
        assert son_la.add_working_days(end, -n) <= start


def test_days_off_lists_named_days(son_la: WorkCalendar) -> None:
    listed = son_la.days_off(date(2026, 2, 13), date(2026, 2, 22))
    assert [day for day, _ in listed] == [date(2026, 2, 13), *TET_2026]


def test_from_overrides_rejects_bad_rows() -> None:
    with pytest.raises(ValueError):
        WorkCalendar.from_overrides([{"date": "2026-02-21", "kind": "holiday"}])
    with pytest.raises(ValueError):
        WorkCalendar.from_overrides([{"date": "21/02/2026", "kind": "off"}])
    with pytest.raises(TypeError):
        WorkCalendar.from_overrides(
            [{"date": datetime(2026, 2, 21, 8, 0), "kind": "off", "name": "x"}]
        )
    with pytest.raises(ValueError):
        WorkCalendar.from_overrides(
            [
                {"date": "2026-02-21", "kind": "off", "name": "a"},
                {"date": "2026-02-21", "kind": "work", "name": "b"},
            ]
        )


def test_from_overrides_defaults_missing_name() -> None:
    calendar = WorkCalendar.from_overrides([{"date": "2026-03-03", "kind": "OFF"}])
    assert calendar.holiday_name(date(2026, 3, 3)) == "Ngày nghỉ của tỉnh"


def test_calendar_is_frozen_and_comparable() -> None:
    rows = [{"date": "2026-03-03", "kind": "off", "name": "Nghỉ"}]
    first = WorkCalendar.from_overrides(rows)
    second = WorkCalendar((CalendarOverride(date(2026, 3, 3), OverrideKind.OFF, "Nghỉ"),))
    assert first == second and hash(first) == hash(second)
    with pytest.raises(AttributeError):
        first.overrides = ()  # type: ignore[misc]


def test_end_of_day_is_235959_plus_0700() -> None:
    deadline = end_of_day(date(2026, 1, 10))
    assert deadline == datetime(2026, 1, 10, 23, 59, 59, tzinfo=BUSINESS_TZ)
    assert deadline.isoformat() == "2026-01-10T23:59:59+07:00"
    assert deadline.utcoffset() == timedelta(hours=7)


def test_business_date_converts_utc_to_ho_chi_minh() -> None:
    submitted = datetime(2026, 1, 10, 17, 30, tzinfo=timezone.utc)
    assert business_date(submitted) == date(2026, 1, 11)
    assert business_date(datetime(2026, 1, 10, 16, 59, tzinfo=timezone.utc)) == date(2026, 1, 10)


def test_business_date_rejects_naive_datetime() -> None:
    with pytest.raises(ValueError):
        business_date(datetime(2026, 1, 10, 17, 30))


def test_is_late_after_235959_of_deadline() -> None:
    deadline = date(2026, 1, 10)
    on_time = datetime(2026, 1, 10, 16, 59, 59, tzinfo=timezone.utc)
    late = datetime(2026, 1, 10, 17, 0, 0, tzinfo=timezone.utc)
    assert not is_late(on_time, deadline)
    assert not is_late(on_time.replace(microsecond=500_000), deadline)
    assert is_late(late, deadline)
    assert late > end_of_day(deadline)
