"""Concrete dates across Tết, Giỗ Tổ, the swaps and Ngày Văn hóa (shared/domain/calendar.md §3)."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from eoffice.workcalendar.engine import LOCAL_TZ, NaiveDatetimeError, WorkingCalendar, YearOutOfRange
from eoffice.workcalendar.holidays_vn import FIRST_YEAR, LAST_YEAR, holidays_of_year, makeup_days

# What the installation holds after migration 0002: the two make-up Saturdays.
SEEDED = {date(2025, 4, 26): True, date(2026, 8, 22): True}
DEFAULT = [(450, 690), (810, 1020)]


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar(DEFAULT, SEEDED)


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=LOCAL_TZ)


def test_zone_is_a_constant_utc_plus_7_over_the_supported_years() -> None:
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for month in (1, 7):
            assert datetime(year, month, 1, tzinfo=zone).utcoffset() == timedelta(hours=7)


def test_package_holidays_match_the_domain_table() -> None:
    h2026 = holidays_of_year(2026)
    assert [d for d in h2026 if d.month == 2] == [date(2026, 2, d) for d in range(16, 21)]
    assert h2026[date(2026, 2, 17)] == "Tết Nguyên Đán"
    assert h2026[date(2026, 4, 27)] == "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"
    assert h2026[date(2026, 11, 24)] == "Ngày Văn hóa Việt Nam"
    assert date(2026, 8, 31) in h2026
    h2027 = holidays_of_year(2027)
    assert [d for d in h2027 if d.month == 2] == [date(2027, 2, d) for d in range(4, 11)]
    assert date(2027, 5, 3) in h2027 and date(2027, 9, 3) in h2027
    assert date(2025, 11, 24) not in holidays_of_year(2025)  # Ngày Văn hóa only from 2026


def test_makeup_days_are_read_from_the_package_swaps() -> None:
    assert makeup_days(2025) == {date(2025, 4, 26): date(2025, 5, 2)}
    assert makeup_days(2026) == {date(2026, 8, 22): date(2026, 8, 31)}
    assert makeup_days(2027) == {}
    # A swap whose make-up day lies in the previous year (2015-01-02 made up on 2014-12-27).
    assert makeup_days(2014)[date(2014, 12, 27)] == date(2015, 1, 2)


def test_tet_2026(cal: WorkingCalendar) -> None:
    for d in range(16, 21):
        assert not cal.is_working_day(date(2026, 2, d))
    assert cal.add_working_days(at(2026, 2, 13, 10), 1) == at(2026, 2, 23, 10)
    assert cal.add_working_days(at(2026, 2, 18, 9), 1) == at(2026, 2, 24, 7, 30)  # inside Tết
    assert cal.working_time_between(at(2026, 2, 13, 17), at(2026, 2, 23, 7, 30)) == timedelta(0)
    # Fri 10:00 + 8 h = 5 h on Friday + 3 h after Tết.
    assert cal.add_working_hours(at(2026, 2, 13, 10), 8) == at(2026, 2, 23, 10, 30)
    assert cal.working_time_between(at(2026, 2, 1), at(2026, 3, 1)) == 15 * timedelta(hours=7, minutes=30)


def test_tet_2027(cal: WorkingCalendar) -> None:
    for d in range(4, 11):
        assert not cal.is_working_day(date(2027, 2, d))
    assert cal.add_working_days(at(2027, 2, 3, 15), 1) == at(2027, 2, 11, 15)
    assert cal.next_working_day(date(2027, 2, 3)) == date(2027, 2, 11)
    assert cal.count_working_days(date(2027, 2, 1), date(2027, 2, 15)) == 5


def test_gio_to_2026_observed_monday_and_30_4(cal: WorkingCalendar) -> None:
    assert not cal.is_working_day(date(2026, 4, 27))
    assert cal.add_working_days(at(2026, 4, 24, 9), 1) == at(2026, 4, 28, 9)
    # Thu 30/4 and Fri 1/5 off: Wed + 1 = Mon 4/5.
    assert cal.add_working_days(at(2026, 4, 29, 9), 1) == at(2026, 5, 4, 9)


def test_makeup_saturday_2026_08_22(cal: WorkingCalendar) -> None:
    assert cal.is_working_day(date(2026, 8, 22))
    assert cal.add_working_days(at(2026, 8, 21, 10), 1) == at(2026, 8, 22, 10)
    # Without the override, the package alone makes that Saturday a day off.
    bare = WorkingCalendar(DEFAULT, {})
    assert not bare.is_working_day(date(2026, 8, 22))
    assert bare.add_working_days(at(2026, 8, 21, 10), 1) == at(2026, 8, 24, 10)
    # Mon 31/8, Tue 1/9 and Wed 2/9 are off.
    assert cal.add_working_days(at(2026, 8, 28, 10), 1) == at(2026, 9, 3, 10)


def test_makeup_saturday_2025(cal: WorkingCalendar) -> None:
    assert cal.is_working_day(date(2025, 4, 26)) and not cal.is_working_day(date(2025, 5, 2))


def test_ngay_van_hoa_2026(cal: WorkingCalendar) -> None:
    assert not cal.is_working_day(date(2026, 11, 24))
    assert cal.add_working_hours(at(2026, 11, 23, 16), 2) == at(2026, 11, 25, 8, 30)
    assert cal.is_working_day(date(2025, 11, 24))


def test_hour_arithmetic_inside_a_day(cal: WorkingCalendar) -> None:
    monday = at(2026, 3, 2, 7, 30)
    assert cal.add_working_hours(monday, 4) == at(2026, 3, 2, 11, 30)  # earliest: the session end
    assert cal.add_working_hours(at(2026, 3, 2, 11, 30), 0) == at(2026, 3, 2, 13, 30)
    assert cal.add_working_hours(at(2026, 3, 2, 12), 1) == at(2026, 3, 2, 14, 30)
    assert cal.add_working_hours(at(2026, 3, 2, 6), Decimal("0.5")) == at(2026, 3, 2, 8)
    assert cal.add_working_hours(monday, timedelta(hours=7, minutes=30)) == at(2026, 3, 2, 17)
    assert cal.add_working_hours(monday, 7.5 + 0.25) == at(2026, 3, 3, 7, 45)
    assert cal.add_working_hours(at(2026, 3, 6, 18), 1) == at(2026, 3, 9, 8, 30)  # Fri evening
    assert cal.day_length == timedelta(hours=7, minutes=30)
    assert cal.working_time_between(at(2026, 3, 2, 12), at(2026, 3, 2, 12, 59)) == timedelta(0)


def test_day_arithmetic_keeps_the_time_and_normalises_days_off(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(at(2026, 3, 6, 20), 1) == at(2026, 3, 9, 20)  # Fri evening → Mon
    assert cal.add_working_days(at(2026, 3, 7, 9), 1) == at(2026, 3, 10, 7, 30)  # Sat → as Mon 07:30
    assert cal.add_working_days(at(2026, 3, 7, 9), 0) == at(2026, 3, 9, 7, 30)
    assert cal.add_working_days(at(2026, 3, 9, 9), -1) == at(2026, 3, 6, 9)
    assert cal.add_working_days(at(2026, 3, 9, 9), 0) == at(2026, 3, 9, 9)


def test_same_day_and_next_working_day_rule(cal: WorkingCalendar) -> None:
    # Decree 30: register "trong ngày, chậm nhất là trong ngày làm việc tiếp theo".
    assert cal.end_of_working_day(at(2026, 2, 13, 10)) == at(2026, 2, 13, 17)
    assert cal.end_of_next_working_day(at(2026, 2, 13, 10)) == at(2026, 2, 23, 17)
    assert cal.end_of_working_day(at(2026, 2, 13, 18)) == at(2026, 2, 23, 17)
    assert cal.end_of_next_working_day(at(2026, 2, 14, 10)) == at(2026, 2, 23, 17)  # Saturday


def test_instants_in_other_zones_are_evaluated_in_vietnam(cal: WorkingCalendar) -> None:
    # 2026-02-13 03:00 UTC is Friday 10:00 in Hà Nội; the result comes back in +07:00.
    result = cal.add_working_days(datetime(2026, 2, 13, 3, tzinfo=UTC), 1)
    assert result == at(2026, 2, 23, 10) and result.utcoffset() == timedelta(hours=7)
    # 2026-02-15 20:00 UTC is already Monday 16/2 (Tết) in Vietnam.
    assert not cal.is_working_time(datetime(2026, 2, 15, 20, tzinfo=UTC))
    assert cal.is_working_time(datetime(2026, 3, 2, 1, tzinfo=UTC))  # Mon 08:00 local


def test_bad_input_is_refused(cal: WorkingCalendar) -> None:
    with pytest.raises(NaiveDatetimeError):
        cal.add_working_days(datetime(2026, 3, 2, 9), 1)
    with pytest.raises(ValueError):
        cal.add_working_hours(at(2026, 3, 2, 9), -1)
    with pytest.raises(ValueError):
        cal.add_working_hours(at(2026, 3, 2, 9), float("nan"))
    with pytest.raises(TypeError):
        cal.add_working_hours(at(2026, 3, 2, 9), "3")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        cal.add_working_days(at(2026, 3, 2, 9), 1.5)  # type: ignore[arg-type]
    with pytest.raises(YearOutOfRange):
        cal.add_working_days(at(2100, 12, 20, 9), 30)
    with pytest.raises(YearOutOfRange):
        cal.is_working_day(date(1975, 12, 31))
    with pytest.raises(YearOutOfRange):
        cal.add_working_hours(at(2026, 3, 2, 9), 10**9)


def test_bad_sessions_are_refused() -> None:
    from eoffice.core.errors import ValidationFailed

    for sessions in ([], [(690, 450)], [(450, 700), (690, 1020)], [(810, 1020), (450, 690)], [(0, 1441)]):
        with pytest.raises(ValidationFailed):
            WorkingCalendar(sessions, {})


def test_a_whole_day_session_and_24_00(cal: WorkingCalendar) -> None:
    round_clock = WorkingCalendar([(0, 1440)], {})
    assert round_clock.add_working_hours(at(2026, 3, 6, 23), 2) == at(2026, 3, 9, 1)
    assert round_clock.end_of_working_day(at(2026, 3, 6, 10)) == at(2026, 3, 7)


def test_it_is_fast(cal: WorkingCalendar) -> None:
    """Later benchmarks compute deadlines for millions of lines: a few microseconds each."""
    start = at(2026, 1, 5, 9)
    cal.add_working_days(start, 400)  # build the years once
    began = time.perf_counter()
    for i in range(20_000):
        cal.add_working_days(start, i % 250)
        cal.add_working_hours(start, i % 500)
        cal.working_time_between(start, start + timedelta(hours=i))
    assert time.perf_counter() - began < 3.0
