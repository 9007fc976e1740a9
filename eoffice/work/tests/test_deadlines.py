"""Deadline arithmetic and processing times on the working calendar, across Tết."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from eoffice.core.errors import ValidationFailed
from eoffice.work import deadlines
from eoffice.workcalendar.engine import LOCAL_TZ
from eoffice.workcalendar.loader import invalidate


@pytest.fixture(autouse=True)
def _fresh_calendar(db: None) -> None:
    invalidate()


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ)


def test_working_days_skip_tet_2026() -> None:
    # Friday before Tết Bính Ngọ: 16–20/02/2026 are days off, 21–22 the weekend.
    start = local(2026, 2, 13, 10, 0)
    assert deadlines.after_working_days(start, 1) == local(2026, 2, 23, 17, 0)
    assert deadlines.after_working_days(start, 3) == local(2026, 2, 25, 17, 0)


def test_working_days_skip_tet_2027() -> None:
    # 04–10/02/2027 are Tết days off (Thu → Wed), with the weekend in between.
    start = local(2027, 2, 3, 9, 0)
    assert deadlines.after_working_days(start, 1) == local(2027, 2, 11, 17, 0)


def test_received_on_a_weekend_counts_from_monday() -> None:
    saturday = local(2026, 11, 28, 9, 0)
    assert deadlines.after_working_days(saturday, 1) == local(2026, 12, 1, 17, 0)


def test_working_days_bounds() -> None:
    with pytest.raises(ValidationFailed):
        deadlines.after_working_days(local(2026, 3, 2, 9), 0)
    with pytest.raises(ValidationFailed):
        deadlines.after_working_days(local(2026, 3, 2, 9), 10_000)


def test_date_means_end_of_its_last_session() -> None:
    assert deadlines.end_of_date(date(2026, 12, 3)) == local(2026, 12, 3, 17, 0)


def test_working_time_across_tet_counts_no_holiday() -> None:
    # 16:00 Friday 13/02 → 08:30 Monday 23/02/2026: 1 h on Friday + 1 h on Monday.
    spent = deadlines.working_time(local(2026, 2, 13, 16, 0), local(2026, 2, 23, 8, 30))
    assert spent == timedelta(hours=2)
    assert deadlines.format_duration(spent) == "2 giờ"
    assert deadlines.format_duration(timedelta(minutes=135)) == "2 giờ 15 phút"
    assert deadlines.format_duration(None) == "—"


def test_validate_new_rules() -> None:
    arrived = local(2026, 3, 2, 9)
    now = local(2026, 3, 3, 9)
    with pytest.raises(ValidationFailed) as caught:
        deadlines.validate_new(local(2026, 3, 1, 9), arrived_at=arrived, now=now, parent=None)
    assert caught.value.code == "deadline_before_arrival"
    with pytest.raises(ValidationFailed) as caught:
        deadlines.validate_new(local(2026, 3, 2, 17), arrived_at=arrived, now=now, parent=None)
    assert caught.value.code == "deadline_in_past"
    with pytest.raises(ValidationFailed) as caught:
        deadlines.validate_new(
            local(2026, 3, 9, 17), arrived_at=arrived, now=now, parent=local(2026, 3, 5, 17)
        )
    assert caught.value.code == "deadline_after_parent"
    deadlines.validate_new(local(2026, 3, 5, 17), arrived_at=arrived, now=now, parent=local(2026, 3, 5, 17))
