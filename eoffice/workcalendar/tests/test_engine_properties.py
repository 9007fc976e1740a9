"""Laws of the working-calendar engine, checked by Hypothesis against a naive day-by-day oracle.

The engine under test uses the real `holidays` package (Vietnam) plus random overrides and random
working sessions; the oracle walks every day and every session, so it shares no shortcut with the
engine's per-year tables.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from eoffice.workcalendar.engine import LOCAL_TZ, WorkingCalendar
from eoffice.workcalendar.holidays_vn import holidays_of_year

settings.register_profile("calendar", deadline=None, max_examples=150)
settings.load_profile("calendar")

START = datetime(2024, 6, 1, tzinfo=UTC)
SPAN_US = int(timedelta(days=3 * 365).total_seconds() * 1_000_000)
ZONES = [UTC, LOCAL_TZ, timezone(timedelta(hours=-5)), timezone(timedelta(hours=9, minutes=30))]

instants = st.builds(
    lambda us, zone: (START + timedelta(microseconds=us)).astimezone(zone),
    st.integers(min_value=0, max_value=SPAN_US),
    st.sampled_from(ZONES),
)
# Sessions: strictly increasing minute points, paired up: ordered, non-overlapping, within a day.
sessions_strategy = (
    st.lists(st.integers(min_value=0, max_value=1440), min_size=2, max_size=8, unique=True)
    .filter(lambda points: len(points) % 2 == 0)
    .map(sorted)
    .map(lambda p: [(p[i], p[i + 1]) for i in range(0, len(p), 2)])
    # At least an hour a day, so 600 working hours stay inside the supported years.
    .filter(lambda pairs: sum(e - s for s, e in pairs) >= 60)
)
overrides_strategy = st.dictionaries(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)), st.booleans(), max_size=40
)
durations = st.integers(min_value=0, max_value=600 * 3_600_000_000).map(lambda us: timedelta(microseconds=us))
DEFAULT = [(450, 690), (810, 1020)]


def build(
    sessions: list[tuple[int, int]] | None = None, overrides: dict[date, bool] | None = None
) -> WorkingCalendar:
    return WorkingCalendar(sessions or DEFAULT, overrides or {})


def oracle_working_day(day: date, overrides: dict[date, bool]) -> bool:
    if day in overrides:
        return overrides[day]
    return day.weekday() < 5 and day not in holidays_of_year(day.year)


def oracle_between(
    a: datetime, b: datetime, sessions: list[tuple[int, int]], overrides: dict[date, bool]
) -> timedelta:
    """Sum, day by day, the overlap of [a, b] with every session of every working day."""
    a, b = a.astimezone(LOCAL_TZ), b.astimezone(LOCAL_TZ)
    total = timedelta(0)
    day = a.date()
    while day <= b.date():
        if oracle_working_day(day, overrides):
            midnight = datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ)
            for start, end in sessions:
                lo = max(a, midnight + timedelta(minutes=start))
                hi = min(b, midnight + timedelta(minutes=end))
                if hi > lo:
                    total += hi - lo
        day += timedelta(days=1)
    return total


# Gaps up to 120 days keep the naive oracle cheap while crossing Tết, swaps and year ends.
gaps = st.integers(min_value=0, max_value=120 * 86_400_000_000).map(lambda us: timedelta(microseconds=us))


@given(instants, gaps, sessions_strategy, overrides_strategy)
def test_working_time_matches_day_by_day_oracle(a, gap, sessions, overrides) -> None:
    """Weekends and holidays are never counted, overrides are respected, sessions bound the time."""
    b = a + gap
    cal = build(sessions, overrides)
    assert cal.working_time_between(a, b) == oracle_between(a, b, sessions, overrides)


@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)), overrides_strategy)
def test_is_working_day_follows_overrides_then_weekends_and_holidays(day, overrides) -> None:
    assert build(overrides=overrides).is_working_day(day) == oracle_working_day(day, overrides)


@given(instants, durations, sessions_strategy, overrides_strategy)
def test_add_then_count_round_trip(t, hours, sessions, overrides) -> None:
    cal = build(sessions, overrides)
    end = cal.add_working_hours(t, hours)
    assert end >= t
    assert cal.working_time_between(t, end) == hours


@given(instants, durations, sessions_strategy)
def test_add_working_hours_lands_on_working_time_or_a_session_end(t, hours, sessions) -> None:
    cal = build(sessions)
    end = cal.add_working_hours(t, hours)
    if hours:
        # The earliest instant: the microsecond just before it was working time.
        assert cal.is_working_time(end - timedelta(microseconds=1))
    else:
        assert cal.is_working_time(end)
        assert cal.working_time_between(t, end) == timedelta(0)


@given(instants, instants, durations, overrides_strategy)
def test_add_working_hours_is_monotonic_in_the_instant(a, b, hours, overrides) -> None:
    a, b = min(a, b), max(a, b)
    cal = build(overrides=overrides)
    assert cal.add_working_hours(a, hours) <= cal.add_working_hours(b, hours)


@given(instants, durations, durations)
def test_add_working_hours_is_monotonic_in_the_amount(t, h1, h2) -> None:
    h1, h2 = min(h1, h2), max(h1, h2)
    cal = build()
    assert cal.add_working_hours(t, h1) <= cal.add_working_hours(t, h2)


@given(instants, durations, durations)
def test_add_working_hours_composes(t, h1, h2) -> None:
    assume(h2 > timedelta(0))
    cal = build()
    assert cal.add_working_hours(cal.add_working_hours(t, h1), h2) == cal.add_working_hours(t, h1 + h2)


@given(instants, instants, st.integers(min_value=-300, max_value=300), overrides_strategy)
def test_add_working_days_is_monotonic_in_the_instant(a, b, n, overrides) -> None:
    a, b = min(a, b), max(a, b)
    cal = build(overrides=overrides)
    assert cal.add_working_days(a, n) <= cal.add_working_days(b, n)


@given(instants, st.integers(min_value=-300, max_value=300), st.integers(min_value=-300, max_value=300))
def test_add_working_days_is_monotonic_in_n(t, n, m) -> None:
    n, m = min(n, m), max(n, m)
    cal = build()
    assert cal.add_working_days(t, n) <= cal.add_working_days(t, m)


@given(instants, st.integers(min_value=1, max_value=120), overrides_strategy)
def test_add_working_days_lands_on_the_nth_next_working_day(t, n, overrides) -> None:
    cal = build(overrides=overrides)
    result = cal.add_working_days(t, n)
    local = t.astimezone(LOCAL_TZ)
    assert oracle_working_day(result.date(), overrides)
    # Counted by the oracle: exactly n working days after the (normalised) start date.
    start = local.date()
    if not oracle_working_day(start, overrides):
        start += timedelta(days=1)
        while not oracle_working_day(start, overrides):
            start += timedelta(days=1)
        assert result.time() == datetime.min.time().replace(hour=7, minute=30)
    else:
        assert result.time() == local.time()
    counted, day = 0, start
    while day < result.date():
        day += timedelta(days=1)
        counted += oracle_working_day(day, overrides)
    assert counted == n
    assert result.tzinfo is LOCAL_TZ


@given(instants, st.integers(min_value=0, max_value=300))
def test_adding_then_subtracting_working_days_returns_to_a_working_start(t, n) -> None:
    cal = build()
    start = cal.add_working_days(t, 0)  # normalised onto a working day
    assert cal.add_working_days(cal.add_working_days(start, n), -n) == start


@given(instants, instants, instants)
def test_working_time_is_additive_and_antisymmetric(a, b, c) -> None:
    cal = build()
    assert cal.working_time_between(a, c) == cal.working_time_between(a, b) + cal.working_time_between(b, c)
    assert cal.working_time_between(b, a) == -cal.working_time_between(a, b)


@given(instants, instants)
def test_next_working_instant_is_monotonic_and_skips_no_working_time(a, b) -> None:
    a, b = min(a, b), max(a, b)
    cal = build()
    na, nb = cal.next_working_instant(a), cal.next_working_instant(b)
    assert a <= na <= nb
    assert cal.is_working_time(na)
    assert cal.working_time_between(a, na) == timedelta(0)


@given(instants, instants)
def test_end_of_day_helpers_are_monotonic_and_on_working_days(a, b) -> None:
    a, b = min(a, b), max(a, b)
    cal = build()
    assert cal.end_of_working_day(a) <= cal.end_of_working_day(b)
    assert cal.end_of_next_working_day(a) <= cal.end_of_next_working_day(b)
    assert a <= cal.end_of_working_day(a) <= cal.end_of_next_working_day(a)
    for value in (cal.end_of_working_day(a), cal.end_of_next_working_day(a)):
        assert cal.is_working_day(value.date())
        assert value.timetz().replace(tzinfo=None) == datetime(2000, 1, 1, 17, 0).time()
