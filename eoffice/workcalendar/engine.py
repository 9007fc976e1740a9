"""Working-day and working-hour arithmetic: pure, fast, usable from a shell with no request.

Build a `WorkingCalendar` from working sessions and per-date overrides (or get the installation's
one, cached, with `eoffice.workcalendar.loader.get_calendar()`), then:

    cal.is_working_day(date(2026, 2, 16))                   # False: Tết
    cal.add_working_days(instant, 5)                        # 5 working days later, same time of day
    cal.add_working_hours(instant, 8)                       # 8 working hours later
    cal.working_time_between(start, end)                    # timedelta of working time
    cal.next_working_instant(instant)
    cal.end_of_working_day(instant), cal.end_of_next_working_day(instant)

Conventions, everywhere in this module:

- Instants are *aware* datetimes (a naive one raises `NaiveDatetimeError`). Days, weekends and
  sessions are evaluated in Asia/Ho_Chi_Minh. Every returned instant is aware in Asia/Ho_Chi_Minh
  (`LOCAL_TZ`); compare or convert it freely, it denotes the same absolute instant as in UTC.
- A day is a working day when an override says so; without an override, when it is Monday–Friday
  and not a statutory holiday (`holidays_vn.holidays_of_year`).
- Working sessions are half-open `[start, end)`: 11:30 is not working time, 07:30 is. Every
  working day has the same sessions, so a working day always holds `day_length` of working time.
- Arithmetic is exact to the microsecond (integer microseconds inside), so
  `working_time_between(t, add_working_hours(t, h)) == h` holds for every `h >= 0` in microseconds.
- Supported years are `holidays_vn.FIRST_YEAR`–`LAST_YEAR` (1976–2100, where the zone is a
  constant UTC+7); anything outside raises `YearOutOfRange` (a `ValueError`).

Speed: each year is precomputed once (a working-day flag per day, a running count and the sorted
list of working days), so counting working days between two dates and finding the n-th next
working day are O(1) within a year and O(number of years crossed) otherwise; nothing loops day
by day after the year is built.
"""

from __future__ import annotations

import math
import threading
from array import array
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from eoffice.workcalendar.holidays_vn import (
    FIRST_YEAR,
    LAST_YEAR,
    YearOutOfRange,
    check_year,
    holidays_of_year,
)
from eoffice.workcalendar.sessions import Session, validate_sessions

__all__ = [
    "LOCAL_TZ",
    "NaiveDatetimeError",
    "WorkingCalendar",
    "YearOutOfRange",
]

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

_US_PER_MINUTE = 60_000_000
_US_PER_HOUR = 3_600_000_000
_US_PER_DAY = 86_400_000_000
_ONE_US = timedelta(microseconds=1)
# Asia/Ho_Chi_Minh is UTC+7 without DST over the whole supported range (checked by a test), so
# local wall time is UTC plus a constant and day arithmetic can run on integers.
_OFFSET_US = 7 * _US_PER_HOUR
_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_LOCAL_ANCHOR = datetime(2000, 1, 1, tzinfo=LOCAL_TZ)
_LOCAL_ANCHOR_US = (date(2000, 1, 1).toordinal() - _EPOCH_ORDINAL) * _US_PER_DAY
_MIN_ORDINAL = date(FIRST_YEAR, 1, 1).toordinal()
_MAX_ORDINAL = date(LAST_YEAR, 12, 31).toordinal()


class NaiveDatetimeError(ValueError):
    pass


@dataclass(frozen=True)
class _Year:
    first_ordinal: int
    # flags[i] is 1 when day i of the year (0-based) is a working day.
    flags: bytes
    # before[i]: number of working days among days [0, i) of the year; len(before) == days + 1.
    before: array
    # Ordinals of the working days, ascending.
    ordinals: array

    @property
    def total(self) -> int:
        return len(self.ordinals)


def _local_us(instant: datetime) -> int:
    """Microseconds since 1970-01-01 00:00 local (UTC+7) wall time."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise NaiveDatetimeError("working-calendar arithmetic needs an aware datetime")
    delta = instant - _UNIX_EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds + _OFFSET_US


def _from_local_us(local_us: int) -> datetime:
    return _LOCAL_ANCHOR + timedelta(microseconds=local_us - _LOCAL_ANCHOR_US)


def _to_us(amount: timedelta | int | float | Decimal) -> int:
    """A duration as integer microseconds: a timedelta, or a number of hours."""
    if isinstance(amount, timedelta):
        return amount // _ONE_US
    if isinstance(amount, bool) or not isinstance(amount, int | float | Decimal):
        raise TypeError("hours must be a number of hours or a timedelta")
    if isinstance(amount, float) and not math.isfinite(amount):
        raise ValueError("hours must be finite")
    try:
        value = Decimal(str(amount)) * _US_PER_HOUR
        return int(value.to_integral_value())
    except InvalidOperation as exc:
        raise ValueError("hours must be finite") from exc


class WorkingCalendar:
    """Working days and hours of one installation. Immutable once built; safe to share across threads.

    `sessions`: working sessions of a day as (start, end) minutes from local midnight, e.g.
    `[(450, 690), (810, 1020)]` for 07:30–11:30 and 13:30–17:00. `overrides`: {date: True for an
    extra working day (làm bù), False for an extra day off (nghỉ bù)}. `holidays`: a function giving
    the statutory days off of a year (defaults to the `holidays` package, Vietnam).
    """

    def __init__(
        self,
        sessions: Sequence[Session],
        overrides: Mapping[date, bool] | None = None,
        holidays: Callable[[int], Collection[date]] = holidays_of_year,
    ) -> None:
        checked = validate_sessions(list(sessions))
        self.sessions: tuple[tuple[int, int], ...] = tuple(
            (s * _US_PER_MINUTE, e * _US_PER_MINUTE) for s, e in checked
        )
        self.session_minutes: tuple[Session, ...] = tuple(checked)
        self._day_us = sum(e - s for s, e in self.sessions)
        self.overrides: dict[date, bool] = dict(overrides or {})
        self._holidays = holidays
        self._years: dict[int, _Year] = {}
        self._lock = threading.Lock()

    # --- per-year tables ------------------------------------------------------------------
    @property
    def day_length(self) -> timedelta:
        """Working time in one working day (7 h 30 min with the default sessions)."""
        return timedelta(microseconds=self._day_us)

    def _year(self, year: int) -> _Year:
        found = self._years.get(year)
        if found is not None:
            return found
        check_year(year)
        with self._lock:
            found = self._years.get(year)
            if found is None:
                found = self._build_year(year)
                self._years[year] = found
        return found

    def _build_year(self, year: int) -> _Year:
        first = date(year, 1, 1).toordinal()
        days = date(year + 1, 1, 1).toordinal() - first
        off = {d.toordinal() for d in self._holidays(year)}
        forced = {d.toordinal(): working for d, working in self.overrides.items() if d.year == year}
        flags = bytearray(days)
        before = array("l", [0]) * (days + 1)
        ordinals = array("l")
        count = 0
        for i in range(days):
            ordinal = first + i
            working = forced.get(ordinal)
            if working is None:
                # date.fromordinal(1) is a Monday: (ordinal - 1) % 7 is the weekday, Monday = 0.
                working = (ordinal - 1) % 7 < 5 and ordinal not in off
            if working:
                flags[i] = 1
                ordinals.append(ordinal)
                count += 1
            before[i + 1] = count
        return _Year(first_ordinal=first, flags=bytes(flags), before=before, ordinals=ordinals)

    def _year_of(self, ordinal: int) -> _Year:
        if not _MIN_ORDINAL <= ordinal <= _MAX_ORDINAL:
            raise YearOutOfRange(f"date outside the supported years {FIRST_YEAR}–{LAST_YEAR}")
        return self._year(date.fromordinal(ordinal).year)

    def _working(self, ordinal: int) -> bool:
        year = self._year_of(ordinal)
        return year.flags[ordinal - year.first_ordinal] == 1

    def _count(self, first: int, stop: int) -> int:
        """Working days with ordinal in [first, stop)."""
        if stop <= first:
            return 0
        y1 = self._year_of(first)
        y2 = self._year_of(stop - 1)
        if y1 is y2:
            return y1.before[stop - y1.first_ordinal] - y1.before[first - y1.first_ordinal]
        total = y1.total - y1.before[first - y1.first_ordinal]
        for year in range(date.fromordinal(first).year + 1, date.fromordinal(stop - 1).year):
            total += self._year(year).total
        return total + y2.before[stop - y2.first_ordinal]

    def _shift(self, ordinal: int, n: int) -> int:
        """Ordinal of the n-th working day after (n > 0) or before (n < 0) `ordinal`; n == 0: itself."""
        year = self._year_of(ordinal)
        y = date.fromordinal(ordinal).year
        if n > 0:
            # Index in year.ordinals of the first working day strictly after `ordinal`.
            index = year.before[ordinal - year.first_ordinal + 1]
            while index + n > year.total:
                n -= year.total - index
                y += 1
                year, index = self._year(y), 0
            return int(year.ordinals[index + n - 1])
        if n < 0:
            m = -n
            index = year.before[ordinal - year.first_ordinal]  # working days strictly before
            while index < m:
                m -= index
                y -= 1
                year = self._year(y)
                index = year.total
            return int(year.ordinals[index - m])
        return ordinal

    def _within(self, tod: int) -> int:
        """Working microseconds of a working day before time-of-day `tod`."""
        done = 0
        for start, end in self.sessions:
            if tod <= start:
                break
            done += (tod if tod < end else end) - start
        return done

    def _position(self, worked: int) -> int:
        """Earliest time of day at which `worked` (0 < worked <= day length) microseconds are done."""
        for start, end in self.sessions:
            length = end - start
            if worked <= length:
                return start + worked
            worked -= length
        return self.sessions[-1][1]

    def _next_working_local(self, local: int) -> int:
        ordinal_offset, tod = divmod(local, _US_PER_DAY)
        ordinal = ordinal_offset + _EPOCH_ORDINAL
        if self._working(ordinal):
            for start, end in self.sessions:
                if tod < end:
                    return local - tod + (tod if tod > start else start)
        following = self._shift(ordinal, 1)
        return (following - _EPOCH_ORDINAL) * _US_PER_DAY + self.sessions[0][0]

    # --- public API -----------------------------------------------------------------------
    def is_working_day(self, day: date) -> bool:
        """True when `day` (a local calendar date) is a working day."""
        return self._working(day.toordinal())

    def is_working_time(self, instant: datetime) -> bool:
        """True when `instant` falls inside a working session of a working day."""
        local = _local_us(instant)
        return self._next_working_local(local) == local

    def count_working_days(self, start: date, end: date) -> int:
        """Working days d with start <= d < end (0 when end <= start)."""
        return self._count(start.toordinal(), end.toordinal())

    def working_days_of_year(self, year: int) -> int:
        return self._year(year).total

    def next_working_day(self, day: date, n: int = 1) -> date:
        """The n-th working day after `day` (n > 0), before it (n < 0), or `day` itself (n == 0)."""
        return date.fromordinal(self._shift(day.toordinal(), n))

    def next_working_instant(self, instant: datetime) -> datetime:
        """`instant` itself when it is working time, else the start of the next working session."""
        return _from_local_us(self._next_working_local(_local_us(instant)))

    def add_working_days(self, instant: datetime, n: int) -> datetime:
        """Land on the n-th working day after the instant's local date, keeping its time of day.

        When the instant's local date is not a working day, it is first moved to the start of the
        first session of the next working day (so received on Saturday = received Monday 07:30).
        `n == 0` returns that normalised instant; negative `n` counts working days backwards. The
        time of day is kept even when it is outside the sessions (Fri 20:00 + 1 → Mon 20:00):
        day rules count days, not hours. Monotonic in the instant and in `n`.
        """
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError("n must be an int")
        local = _local_us(instant)
        ordinal_offset, tod = divmod(local, _US_PER_DAY)
        ordinal = ordinal_offset + _EPOCH_ORDINAL
        if not self._working(ordinal):
            ordinal, tod = self._shift(ordinal, 1), self.sessions[0][0]
        target = self._shift(ordinal, n)
        return _from_local_us((target - _EPOCH_ORDINAL) * _US_PER_DAY + tod)

    def add_working_hours(self, instant: datetime, hours: timedelta | int | float | Decimal) -> datetime:
        """The earliest instant at which `hours` of working time have passed since `instant`.

        `hours` is a number of hours (int, float, Decimal; rounded to the microsecond) or a timedelta,
        and must not be negative. An instant outside working time is first moved to the next working
        instant; adding 0 returns that instant. Because the earliest instant is chosen, a result may
        be the end of a session (07:30 + 4 h → 11:30, not 13:30).
        """
        amount = _to_us(hours)
        if amount < 0:
            raise ValueError("hours must not be negative")
        local = self._next_working_local(_local_us(instant))
        if amount == 0:
            return _from_local_us(local)
        ordinal_offset, tod = divmod(local, _US_PER_DAY)
        days, rest = divmod(self._within(tod) + amount, self._day_us)
        if rest == 0:
            days, rest = days - 1, self._day_us
        target = self._shift(ordinal_offset + _EPOCH_ORDINAL, days)
        return _from_local_us((target - _EPOCH_ORDINAL) * _US_PER_DAY + self._position(rest))

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time from `start` to `end`; negative (the same amount) when `end` is before `start`."""
        return timedelta(microseconds=self._between_us(_local_us(start), _local_us(end)))

    def _between_us(self, a: int, b: int) -> int:
        if b < a:
            return -self._between_us(b, a)
        oa, ta = divmod(a, _US_PER_DAY)
        ob, tb = divmod(b, _US_PER_DAY)
        oa += _EPOCH_ORDINAL
        ob += _EPOCH_ORDINAL
        done_a = self._within(ta) if self._working(oa) else 0
        done_b = self._within(tb) if self._working(ob) else 0
        return self._count(oa, ob) * self._day_us + done_b - done_a

    def end_of_working_day(self, instant: datetime) -> datetime:
        """End of the last session of the instant's local date when that is a working day and the
        instant is not past it; otherwise the end of the next working day. Target of "trong ngày"."""
        local = _local_us(instant)
        ordinal_offset, tod = divmod(local, _US_PER_DAY)
        ordinal = ordinal_offset + _EPOCH_ORDINAL
        last_end = self.sessions[-1][1]
        if not (self._working(ordinal) and tod <= last_end):
            ordinal = self._shift(ordinal, 1)
        return _from_local_us((ordinal - _EPOCH_ORDINAL) * _US_PER_DAY + last_end)

    def end_of_next_working_day(self, instant: datetime) -> datetime:
        """End of the first working day after the instant's local date: the deadline of Decree 30's
        "trong ngày, chậm nhất là trong ngày làm việc tiếp theo" (art. 4.2.c, 15.2, 18.1, 23.1)."""
        ordinal = _local_us(instant) // _US_PER_DAY + _EPOCH_ORDINAL
        following = self._shift(ordinal, 1)
        return _from_local_us((following - _EPOCH_ORDINAL) * _US_PER_DAY + self.sessions[-1][1])

    def days_off(self, year: int) -> list[date]:
        """Every non-working day of `year` (weekends included), ascending."""
        table = self._year(year)
        return [date.fromordinal(table.first_ordinal + i) for i, flag in enumerate(table.flags) if flag == 0]
