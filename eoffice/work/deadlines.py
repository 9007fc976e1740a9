"""Deadlines and processing times, always on the installation's working calendar.

A deadline is stored as an absolute instant when a line is assigned (calendar.md §5: later calendar
edits must not silently move past deadlines). It may be given as:
- an instant;
- a date: the end of the last working session of that date;
- a number of working days N from now: the end of the N-th working day after today
  (`WorkingCalendar.add_working_days` semantics: a non-working today counts from the next working day).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core.errors import ValidationFailed
from eoffice.workcalendar.engine import LOCAL_TZ
from eoffice.workcalendar.loader import get_calendar

MAX_WORKING_DAYS = 366


@dataclass(frozen=True)
class DeadlineInput:
    at: datetime | None = None
    on: date | None = None
    working_days: int | None = None

    @property
    def given(self) -> bool:
        return self.at is not None or self.on is not None or self.working_days is not None


def end_of_date(day: date) -> datetime:
    """The end of the last working session on `day` (17:00 with the default sessions)."""
    minutes = get_calendar().session_minutes[-1][1]
    hour, minute = divmod(minutes, 60)
    if hour >= 24:
        return datetime.combine(day + timedelta(days=1), time(0, 0), LOCAL_TZ)
    return datetime.combine(day, time(hour, minute), LOCAL_TZ)


def after_working_days(start: datetime, days: int) -> datetime:
    """End of the working day that lies `days` working days after `start`."""
    if isinstance(days, bool) or not 1 <= days <= MAX_WORKING_DAYS:
        raise ValidationFailed(
            "invalid_working_days",
            _("Số ngày làm việc phải từ 1 đến %(max_working_days)s.")
            % {"max_working_days": MAX_WORKING_DAYS},
            field="working_days",
        )
    landed = get_calendar().add_working_days(start, days)
    return end_of_date(landed.astimezone(LOCAL_TZ).date())


def compute(spec: DeadlineInput, *, now: datetime) -> datetime | None:
    if spec.at is not None:
        if timezone.is_naive(spec.at):
            raise ValidationFailed("invalid_deadline", _("Hạn xử lý phải kèm múi giờ."), field="deadline")
        return spec.at
    if spec.on is not None:
        return end_of_date(spec.on)
    if spec.working_days is not None:
        return after_working_days(now, spec.working_days)
    return None


def validate_new(deadline: datetime, *, arrived_at: datetime, now: datetime, parent: datetime | None) -> None:
    """A newly chosen deadline: not before the arrival, not in the past, not after the line above."""
    shown = timezone.localtime(deadline).strftime("%H:%M %d/%m/%Y")
    if deadline < arrived_at:
        raise ValidationFailed(
            "deadline_before_arrival",
            _("Hạn xử lý (%(shown)s) không được trước thời điểm văn bản/việc đến (%(arrived)s).")
            % {"shown": shown, "arrived": f"{timezone.localtime(arrived_at):%H:%M %d/%m/%Y}"},
            field="deadline",
        )
    if deadline < now:
        raise ValidationFailed(
            "deadline_in_past", _("Hạn xử lý (%(shown)s) đã ở quá khứ.") % {"shown": shown}, field="deadline"
        )
    if parent is not None and deadline > parent:
        raise ValidationFailed(
            "deadline_after_parent",
            _("Hạn xử lý (%(shown)s) không được sau hạn của người giao (%(parent)s).")
            % {"shown": shown, "parent": f"{timezone.localtime(parent):%H:%M %d/%m/%Y}"},
            field="deadline",
        )


def working_time(start: datetime | None, end: datetime | None) -> timedelta | None:
    if start is None or end is None:
        return None
    return get_calendar().working_time_between(start, end)


def format_duration(value: timedelta | None) -> str:
    """Working time as Vietnamese text: "2 giờ 15 phút"; "—" when unknown."""
    if value is None:
        return "—"
    minutes = max(0, int(value.total_seconds() // 60))
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return _("%(hours)s giờ %(minutes)s phút") % {"hours": hours, "minutes": minutes}
    if hours:
        return _("%(hours)s giờ") % {"hours": hours}
    return _("%(minutes)s phút") % {"minutes": minutes}
