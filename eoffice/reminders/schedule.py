"""When automatic reminders are due: pure arithmetic on the working calendar, no database.

The rules (the agency's `Schedule`; hours and days are working ones):

- nothing is sent on a non-working day (weekend, Tết, holiday, nghỉ bù) nor before the start of
  the first working session of a working day (07:30 by default); what falls due then goes out at
  the next working morning, or not at all when a later occasion replaces it;
- BEFORE: once per deadline, from the moment the working time left is `hours_before` or less
  (deadline Wed 17:00, 4 h → Wed 11:00; deadline Mon 09:30, 4 h → Fri 15:00);
- DUE: once, on the deadline's own day, as soon as the deadline has passed; if that day is not a
  working day, or was missed, the next working day's OVERDUE reminder says it instead;
- OVERDUE: once a day on each working day after the deadline's day;
- ESCALATION: once per deadline, to the assigner and/or the holder's unit head, from the M-th
  working day after the deadline's day (the day the line is M working days overdue).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from eoffice.reminders.models import EscalateTo, OccasionKind
from eoffice.workcalendar.engine import LOCAL_TZ, WorkingCalendar

MAX_HOURS_BEFORE = 120  # 16 working days of 7.5 h: a longer warning is no longer a warning
MAX_ESCALATE_DAYS = 60


@dataclass(frozen=True)
class Schedule:
    enabled: bool = True
    hours_before: int = 8
    on_due_day: bool = True
    daily_overdue: bool = True
    escalate_after_days: int = 3
    escalate_to: str = EscalateTo.BOTH


DEFAULT_SCHEDULE = Schedule()


@dataclass(frozen=True)
class Occasion:
    kind: str
    key: str
    # Working days the line is overdue on the day the occasion is sent (0 before or on the due day).
    overdue_days: int = 0


def local_day(instant: datetime) -> date:
    return instant.astimezone(LOCAL_TZ).date()


def day_start(cal: WorkingCalendar, day: date) -> datetime:
    minutes = cal.session_minutes[0][0]
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ) + timedelta(minutes=minutes)


def sending_time(cal: WorkingCalendar, now: datetime) -> bool:
    """Reminders go out on working days, from the start of the first session on."""
    today = local_day(now)
    return cal.is_working_day(today) and now >= day_start(cal, today)


def deadline_key(deadline: datetime) -> str:
    return deadline.astimezone(LOCAL_TZ).isoformat(timespec="seconds")


def overdue_days(cal: WorkingCalendar, deadline: datetime, now: datetime) -> int:
    """Working days after the deadline's day, up to and including today."""
    return cal.count_working_days(local_day(deadline) + timedelta(days=1), local_day(now) + timedelta(days=1))


def occasions_due(
    *, deadline: datetime, now: datetime, schedule: Schedule, cal: WorkingCalendar
) -> list[Occasion]:
    """What a line with this deadline should have received by `now` (the caller drops those sent)."""
    if not schedule.enabled or not sending_time(cal, now):
        return []
    key = deadline_key(deadline)
    if now < deadline:
        window = timedelta(hours=schedule.hours_before)
        if schedule.hours_before and cal.working_time_between(now, deadline) <= window:
            return [Occasion(OccasionKind.BEFORE, key)]
        return []
    today = local_day(now)
    if today == local_day(deadline):
        return [Occasion(OccasionKind.DUE, key)] if schedule.on_due_day else []
    late = overdue_days(cal, deadline, now)
    found = []
    if schedule.daily_overdue:
        found.append(Occasion(OccasionKind.OVERDUE, today.isoformat(), late))
    if schedule.escalate_after_days and late >= schedule.escalate_after_days:
        found.append(Occasion(OccasionKind.ESCALATION, key, late))
    return found
