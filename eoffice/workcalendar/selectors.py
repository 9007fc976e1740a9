"""Reads of the working calendar: a year's holidays, overrides, days off and extra working days."""

from __future__ import annotations

import calendar as pycalendar
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from eoffice.core.actor import Actor
from eoffice.core.errors import ValidationFailed
from eoffice.core.policies import require
from eoffice.workcalendar import policies
from eoffice.workcalendar.holidays_vn import FIRST_YEAR, LAST_YEAR, WEEKDAYS_VI, holiday_names, makeup_days
from eoffice.workcalendar.loader import get_calendar
from eoffice.workcalendar.models import CalendarOverride, OverrideKind
from eoffice.workcalendar.sessions import format_minutes


@dataclass(frozen=True)
class DayEntry:
    day: date
    weekday: str
    label: str
    # "holiday", "day_off" (override), "working_day" (override), "weekend" or "work".
    kind: str
    override: CalendarOverride | None = None


@dataclass(frozen=True)
class DayCell:
    day: date
    working: bool
    kind: str
    title: str


@dataclass
class MonthView:
    number: int
    name: str
    weeks: list[list[DayCell | None]] = field(default_factory=list)


@dataclass
class YearCalendar:
    year: int
    sessions: list[tuple[str, str]]
    day_length_minutes: int
    working_days: int
    holidays: list[DayEntry]
    overrides: list[DayEntry]
    # Monday–Friday days that are not worked (holidays and extra days off).
    weekday_days_off: list[DayEntry]
    # Saturdays, Sundays and holidays that are worked (làm bù).
    extra_working_days: list[DayEntry]
    # Make-up days the package implies and no override covers yet: {make-up day: swapped day off}.
    missing_makeup_days: dict[date, date]
    months: list[MonthView]


def check_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationFailed(
            "year_out_of_range",
            _("Năm phải trong khoảng %(a)s–%(b)s.") % {"a": FIRST_YEAR, "b": LAST_YEAR},
            field="year",
        )
    return year


@dataclass(frozen=True)
class DayInfo:
    day: date
    working: bool
    holiday: str | None
    override: CalendarOverride | None


def day_info(*, actor: Actor, day: date) -> DayInfo:
    require(policies.can_view_calendar(actor))
    check_year(day.year)
    return DayInfo(
        day=day,
        working=get_calendar().is_working_day(day),
        holiday=holiday_names(day.year).get(day),
        override=CalendarOverride.objects.filter(date=day).first(),
    )


def overrides_of_year(*, actor: Actor, year: int) -> list[CalendarOverride]:
    require(policies.can_view_calendar(actor))
    return list(CalendarOverride.objects.filter(date__year=check_year(year)).order_by("date"))


def override_get(*, actor: Actor, override_id: int) -> CalendarOverride | None:
    require(policies.can_view_calendar(actor))
    return CalendarOverride.objects.filter(pk=override_id).first()


def _entry(day: date, label: str, kind: str, override: CalendarOverride | None = None) -> DayEntry:
    return DayEntry(day=day, weekday=_(WEEKDAYS_VI[day.weekday()]), label=label, kind=kind, override=override)


def _months(year: int, cells: dict[date, DayCell]) -> list[MonthView]:
    months = []
    for number in range(1, 13):
        view = MonthView(number=number, name=_("Tháng %(m)s") % {"m": number})
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, number):
            view.weeks.append([cells[d] if d.month == number else None for d in week])
        months.append(view)
    return months


def year_calendar(*, actor: Actor, year: int) -> YearCalendar:
    """Everything the year view and the API show about `year`."""
    require(policies.can_view_calendar(actor))
    check_year(year)
    cal = get_calendar()
    holidays = holiday_names(year)
    overrides = {o.date: o for o in CalendarOverride.objects.filter(date__year=year)}
    cells: dict[date, DayCell] = {}
    weekday_off: list[DayEntry] = []
    extra_work: list[DayEntry] = []
    for ordinal in range(date(year, 1, 1).toordinal(), date(year + 1, 1, 1).toordinal()):
        day = date.fromordinal(ordinal)
        working = cal.is_working_day(day)
        override = overrides.get(day)
        if override is not None:
            kind, title = override.kind, override.reason
        elif day in holidays:
            kind, title = "holiday", holidays[day]
        else:
            kind, title = ("work", "") if day.weekday() < 5 else ("weekend", "")
        cells[day] = DayCell(day=day, working=working, kind=kind, title=title)
        if not working and day.weekday() < 5:
            weekday_off.append(_entry(day, title, kind, override))
        elif working and (day.weekday() >= 5 or day in holidays):
            extra_work.append(_entry(day, title, kind, override))
    sessions = [(s, e) for s, e in cal.session_minutes]
    return YearCalendar(
        year=year,
        sessions=[(format_minutes(s), format_minutes(e)) for s, e in sessions],
        day_length_minutes=sum(e - s for s, e in sessions),
        working_days=cal.working_days_of_year(year),
        holidays=[_entry(d, name, "holiday", overrides.get(d)) for d, name in holidays.items()],
        overrides=[_entry(d, o.reason, o.kind, o) for d, o in sorted(overrides.items())],
        weekday_days_off=weekday_off,
        extra_working_days=extra_work,
        missing_makeup_days={m: off for m, off in makeup_days(year).items() if m not in overrides},
        months=_months(year, cells),
    )


def kind_label(kind: str) -> str:
    if kind in OverrideKind.values:
        return str(OverrideKind(kind).label)
    labels = {"holiday": _("Nghỉ lễ, Tết"), "weekend": _("Nghỉ cuối tuần"), "work": _("Ngày làm việc")}
    return labels.get(kind, kind)
