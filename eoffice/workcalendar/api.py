"""JSON API of the working calendar, mounted at /api/v1/calendar.

Instants are ISO 8601. An instant sent without an offset is read as Vietnam time (UTC+7); results
are returned with the +07:00 offset. Reads are open to every authenticated caller; writes only to
system administrators (403 otherwise).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from eoffice.core.actor import Actor
from eoffice.core.errors import ValidationFailed
from eoffice.workcalendar import selectors, services
from eoffice.workcalendar.engine import LOCAL_TZ
from eoffice.workcalendar.holidays_vn import FIRST_YEAR, LAST_YEAR, YearOutOfRange
from eoffice.workcalendar.loader import get_calendar
from eoffice.workcalendar.models import CalendarOverride
from eoffice.workcalendar.sessions import MAX_SESSIONS, parse_hhmm

router = Router(tags=["calendar"])

MAX_DAYS = 10_000
MAX_HOURS = Decimal(100_000)


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


def _aware(value: datetime) -> datetime:
    return value if timezone.is_aware(value) else value.replace(tzinfo=LOCAL_TZ)


def _out_of_range() -> ValidationFailed:
    return ValidationFailed(
        "out_of_range",
        _("Kết quả nằm ngoài khoảng năm %(a)s–%(b)s mà lịch hỗ trợ.") % {"a": FIRST_YEAR, "b": LAST_YEAR},
        field="start",
    )


class DayOut(Schema):
    date: date
    weekday: str
    label: str
    kind: str


class OverrideOut(Schema):
    id: int
    date: date
    kind: str
    reason: str
    source: str


class SessionOut(Schema):
    start: str
    end: str


class YearOut(Schema):
    year: int
    sessions: list[SessionOut]
    working_days: int
    holidays: list[DayOut]
    overrides: list[OverrideOut]
    weekday_days_off: list[DayOut]
    extra_working_days: list[DayOut]
    missing_makeup_days: list[date]


class InstantOut(Schema):
    start: datetime
    result: datetime


class WorkingTimeOut(Schema):
    start: datetime
    end: datetime
    seconds: float
    hours: float


class OverrideIn(Schema):
    date: date
    kind: str
    reason: str
    source: str = ""


class WorkingHoursIn(Schema):
    sessions: list[SessionOut]


class DayStatusOut(Schema):
    date: date
    working: bool
    holiday: str | None
    override: OverrideOut | None


def _override_out(o: CalendarOverride) -> OverrideOut:
    return OverrideOut(id=o.pk, date=o.date, kind=o.kind, reason=o.reason, source=o.source)


def _days(entries: list[selectors.DayEntry]) -> list[DayOut]:
    return [DayOut(date=e.day, weekday=e.weekday, label=e.label, kind=e.kind) for e in entries]


@router.get(
    "/years/{year}", response=YearOut, summary="Lịch làm việc một năm: ngày lễ, ngày điều chỉnh, giờ làm việc"
)
def year_calendar(request: HttpRequest, year: int) -> YearOut:
    view = selectors.year_calendar(actor=_actor(request), year=year)
    overrides = [e.override for e in view.overrides if e.override is not None]
    return YearOut(
        year=view.year,
        sessions=[SessionOut(start=s, end=e) for s, e in view.sessions],
        working_days=view.working_days,
        holidays=_days(view.holidays),
        overrides=[_override_out(o) for o in overrides],
        weekday_days_off=_days(view.weekday_days_off),
        extra_working_days=_days(view.extra_working_days),
        missing_makeup_days=list(view.missing_makeup_days),
    )


@router.get("/days/{day}", response=DayStatusOut, summary="Một ngày có phải ngày làm việc không")
def day_status(request: HttpRequest, day: date) -> DayStatusOut:
    info = selectors.day_info(actor=_actor(request), day=day)
    return DayStatusOut(
        date=day,
        working=info.working,
        holiday=info.holiday,
        override=_override_out(info.override) if info.override else None,
    )


@router.get(
    "/add-working-days", response=InstantOut, summary="Cộng (hoặc trừ) số ngày làm việc vào một thời điểm"
)
def add_working_days(
    request: HttpRequest,
    start: datetime,
    days: int = Query(..., ge=-MAX_DAYS, le=MAX_DAYS),
) -> InstantOut:
    """Kết quả rơi vào ngày làm việc thứ `days` sau ngày của `start`, giữ nguyên giờ; nếu `start` rơi vào
    ngày nghỉ thì tính từ đầu giờ làm việc của ngày làm việc kế tiếp."""
    begin = _aware(start)
    try:
        result = get_calendar().add_working_days(begin, days)
    except YearOutOfRange as exc:
        raise _out_of_range() from exc
    return InstantOut(start=begin, result=result)


@router.get("/add-working-hours", response=InstantOut, summary="Cộng số giờ làm việc vào một thời điểm")
def add_working_hours(
    request: HttpRequest,
    start: datetime,
    hours: Decimal = Query(..., ge=0, le=MAX_HOURS),  # noqa: B008
) -> InstantOut:
    """Thời điểm sớm nhất khi đã đủ `hours` giờ làm việc kể từ `start`.

    Nếu `start` ngoài giờ làm việc thì tính từ đầu ca làm việc kế tiếp."""
    begin = _aware(start)
    try:
        result = get_calendar().add_working_hours(begin, hours)
    except YearOutOfRange as exc:
        raise _out_of_range() from exc
    return InstantOut(start=begin, result=result)


@router.get("/working-time", response=WorkingTimeOut, summary="Thời gian làm việc giữa hai thời điểm")
def working_time(request: HttpRequest, start: datetime, end: datetime) -> WorkingTimeOut:
    begin, finish = _aware(start), _aware(end)
    if finish < begin:
        raise ValidationFailed(
            "end_before_start", _("Thời điểm kết thúc phải sau thời điểm bắt đầu."), field="end"
        )
    try:
        amount = get_calendar().working_time_between(begin, finish)
    except YearOutOfRange as exc:
        raise _out_of_range() from exc
    seconds = amount / timedelta(seconds=1)
    return WorkingTimeOut(start=begin, end=finish, seconds=seconds, hours=round(seconds / 3600, 6))


@router.post(
    "/overrides", response={201: OverrideOut}, summary="Thêm ngày nghỉ bù / ngày làm bù (quản trị hệ thống)"
)
def override_create(request: HttpRequest, payload: OverrideIn) -> Status[OverrideOut]:
    override = services.override_create(
        actor=_actor(request),
        day=payload.date,
        kind=payload.kind,
        reason=payload.reason,
        source=payload.source,
    )
    return Status(201, _override_out(override))


@router.put(
    "/overrides/{override_id}", response=OverrideOut, summary="Sửa ngày điều chỉnh (quản trị hệ thống)"
)
def override_update(request: HttpRequest, override_id: int, payload: OverrideIn) -> OverrideOut:
    override = services.override_update(
        actor=_actor(request),
        override_id=override_id,
        day=payload.date,
        kind=payload.kind,
        reason=payload.reason,
        source=payload.source,
    )
    return _override_out(override)


@router.delete(
    "/overrides/{override_id}", response={204: None}, summary="Xóa ngày điều chỉnh (quản trị hệ thống)"
)
def override_delete(request: HttpRequest, override_id: int) -> Status[None]:
    services.override_delete(actor=_actor(request), override_id=override_id)
    return Status(204, None)


@router.put("/working-hours", response=list[SessionOut], summary="Sửa giờ làm việc (quản trị hệ thống)")
def working_hours_update(request: HttpRequest, payload: WorkingHoursIn) -> list[SessionOut]:
    if len(payload.sessions) > MAX_SESSIONS:
        raise ValidationFailed(
            "sessions_count",
            _("Cần từ 1 đến %(n)s ca làm việc trong ngày.") % {"n": MAX_SESSIONS},
            field="sessions",
        )
    pairs = [(parse_hhmm(s.start), parse_hhmm(s.end)) for s in payload.sessions]
    row = services.working_hours_update(actor=_actor(request), sessions=pairs)
    return [SessionOut(**s) for s in row.sessions]


@router.post(
    "/years/{year}/seed", response=list[OverrideOut], summary="Thêm các ngày làm bù mà gói holidays suy ra"
)
def seed_year(request: HttpRequest, year: int) -> list[OverrideOut]:
    return [_override_out(o) for o in services.overrides_seed_from_package(actor=_actor(request), year=year)]
