"""Every write to the working calendar: overrides, working hours, seeding from the package.

Each write locks the settings row, which serialises calendar edits (so "one override per date"
is checked without a race), changes `revision` so every process rebuilds its cached calendar,
records an audit event in the same transaction, and drops this process's cache on commit.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Sequence
from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, NotFound, ValidationFailed
from eoffice.core.policies import require
from eoffice.workcalendar import loader, policies
from eoffice.workcalendar.holidays_vn import (
    FIRST_YEAR,
    LAST_YEAR,
    WEEKDAYS_VI,
    holiday_names,
    makeup_days,
    package_source,
)
from eoffice.workcalendar.models import CalendarOverride, CalendarSettings, OverrideKind
from eoffice.workcalendar.sessions import Session, sessions_as_json, validate_sessions

REASON_MAX = 500
SOURCE_MAX = 255


def _lock_settings() -> CalendarSettings:
    # The single settings row is the calendar's lock: two admins editing at once queue here, so the
    # "date already overridden" check below cannot race and revisions change one at a time.
    CalendarSettings.objects.get_or_create(pk=1)
    return CalendarSettings.objects.select_for_update().get(pk=1)


def _touch(row: CalendarSettings) -> None:
    row.revision = uuid.uuid4().hex
    row.save(update_fields=["revision", "updated_at"])
    transaction.on_commit(loader.invalidate)


def _clean_text(value: str, *, field: str, label: str, maximum: int, required: bool) -> str:
    if not isinstance(value, str):
        raise ValidationFailed("invalid_text", _("%(label)s không hợp lệ.") % {"label": label}, field=field)
    text = " ".join(value.split())
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co"} for ch in text):
        raise ValidationFailed(
            "invalid_text", _("%(label)s chứa ký tự không hợp lệ.") % {"label": label}, field=field
        )
    if required and not text:
        raise ValidationFailed("required", _("Cần nhập %(label)s.") % {"label": label.lower()}, field=field)
    if len(text) > maximum:
        raise ValidationFailed(
            "too_long",
            _("%(label)s dài quá %(max)s ký tự (hiện có %(n)s).")
            % {"label": label, "max": maximum, "n": len(text)},
            field=field,
        )
    return unicodedata.normalize("NFC", text)


def _check_date(day: object) -> date:
    if not isinstance(day, date):
        raise ValidationFailed("invalid_date", _("Ngày không hợp lệ."), field="date")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationFailed(
            "date_out_of_range",
            _("Chỉ điều chỉnh được các ngày từ năm %(a)s đến %(b)s.") % {"a": FIRST_YEAR, "b": LAST_YEAR},
            field="date",
        )
    return day


def _check_meaningful(day: date, kind: str) -> None:
    """Refuse an override that would change nothing: it would only hide the real calendar."""
    if kind not in OverrideKind.values:
        raise ValidationFailed("invalid_kind", _("Loại điều chỉnh không hợp lệ."), field="kind")
    label = f"{_(WEEKDAYS_VI[day.weekday()])} {day:%d/%m/%Y}"
    holiday = holiday_names(day.year).get(day)
    if kind == OverrideKind.DAY_OFF:
        if holiday is not None:
            raise ValidationFailed(
                "already_day_off",
                _("%(day)s đã là ngày nghỉ lễ (%(holiday)s); không cần thêm ngày nghỉ.")
                % {"day": label, "holiday": holiday},
                field="date",
            )
        if day.weekday() >= 5:
            raise ValidationFailed(
                "already_day_off",
                _("%(day)s là ngày nghỉ cuối tuần; không cần thêm ngày nghỉ.") % {"day": label},
                field="date",
            )
    elif holiday is None and day.weekday() < 5:
        raise ValidationFailed(
            "already_working_day",
            _("%(day)s vốn là ngày làm việc; không cần thêm ngày làm bù.") % {"day": label},
            field="date",
        )


def _conflict(day: date) -> Conflict:
    return Conflict(
        "date_already_overridden",
        _("Ngày %(day)s đã có điều chỉnh; hãy sửa hoặc xóa điều chỉnh đó.") % {"day": f"{day:%d/%m/%Y}"},
        field="date",
    )


@transaction.atomic
def override_create(*, actor: Actor, day: date, kind: str, reason: str, source: str = "") -> CalendarOverride:
    """Declare `day` an extra day off (nghỉ bù, nghỉ thêm) or an extra working day (làm bù)."""
    require(policies.can_edit_calendar(actor), _("Chỉ quản trị hệ thống mới được sửa lịch làm việc."))
    day = _check_date(day)
    _check_meaningful(day, kind)
    reason = _clean_text(reason, field="reason", label=_("Lý do"), maximum=REASON_MAX, required=True)
    source = _clean_text(
        source, field="source", label=_("Văn bản căn cứ"), maximum=SOURCE_MAX, required=False
    )
    row = _lock_settings()
    if CalendarOverride.objects.filter(date=day).exists():
        raise _conflict(day)
    try:
        with transaction.atomic():
            override = CalendarOverride.objects.create(
                date=day, kind=kind, reason=reason, source=source, created_by=actor.user
            )
    except IntegrityError as exc:
        # A writer that bypassed the lock took the date; any other violation is a fault, not a
        # conflict the admin could resolve by editing that day.
        if CalendarOverride.objects.filter(date=day).exists():
            raise _conflict(day) from exc
        raise
    audit.record(
        actor=actor, verb="calendar.override.created", target=override, data=override.as_audit_data()
    )
    _touch(row)
    return override


@transaction.atomic
def override_update(
    *, actor: Actor, override_id: int, day: date, kind: str, reason: str, source: str = ""
) -> CalendarOverride:
    """Change an override's date, kind, reason or source."""
    require(policies.can_edit_calendar(actor), _("Chỉ quản trị hệ thống mới được sửa lịch làm việc."))
    day = _check_date(day)
    _check_meaningful(day, kind)
    reason = _clean_text(reason, field="reason", label=_("Lý do"), maximum=REASON_MAX, required=True)
    source = _clean_text(
        source, field="source", label=_("Văn bản căn cứ"), maximum=SOURCE_MAX, required=False
    )
    row = _lock_settings()
    override = CalendarOverride.objects.filter(pk=override_id).first()
    if override is None:
        raise NotFound(_("Không tìm thấy ngày điều chỉnh này; có thể nó đã bị xóa."))
    if CalendarOverride.objects.filter(date=day).exclude(pk=override.pk).exists():
        raise _conflict(day)
    before = override.as_audit_data()
    override.date, override.kind, override.reason, override.source = day, kind, reason, source
    override.save(update_fields=["date", "kind", "reason", "source", "updated_at"])
    audit.record(
        actor=actor,
        verb="calendar.override.updated",
        target=override,
        data={"before": before, "after": override.as_audit_data()},
    )
    _touch(row)
    return override


@transaction.atomic
def override_delete(*, actor: Actor, override_id: int) -> None:
    """Remove an override: the date follows the weekly pattern and the statutory holidays again."""
    require(policies.can_edit_calendar(actor), _("Chỉ quản trị hệ thống mới được sửa lịch làm việc."))
    row = _lock_settings()
    override = CalendarOverride.objects.filter(pk=override_id).first()
    if override is None:
        raise NotFound(_("Không tìm thấy ngày điều chỉnh này; có thể nó đã bị xóa."))
    audit.record(
        actor=actor, verb="calendar.override.deleted", target=override, data=override.as_audit_data()
    )
    override.delete()
    _touch(row)


@transaction.atomic
def working_hours_update(*, actor: Actor, sessions: Sequence[Session]) -> CalendarSettings:
    """Replace the working sessions of every working day ((start, end) minutes from midnight)."""
    require(policies.can_edit_calendar(actor), _("Chỉ quản trị hệ thống mới được sửa lịch làm việc."))
    checked = validate_sessions(list(sessions))
    row = _lock_settings()
    before = list(row.sessions)
    row.sessions = sessions_as_json(checked)
    row.save(update_fields=["sessions", "updated_at"])
    audit.record(
        actor=actor,
        verb="calendar.working_hours.updated",
        target=row,
        data={"before": before, "after": row.sessions},
    )
    _touch(row)
    return row


@transaction.atomic
def overrides_seed_from_package(*, actor: Actor, year: int) -> list[CalendarOverride]:
    """Add the make-up working days the `holidays` package implies for `year` and that are missing.

    The package lists the swapped day off but not the Saturday worked in exchange; an administrator
    runs this once a year after checking the government's decision. Returns the overrides added.
    """
    require(policies.can_edit_calendar(actor), _("Chỉ quản trị hệ thống mới được sửa lịch làm việc."))
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationFailed(
            "year_out_of_range",
            _("Năm phải trong khoảng %(a)s–%(b)s.") % {"a": FIRST_YEAR, "b": LAST_YEAR},
            field="year",
        )
    row = _lock_settings()
    existing = set(CalendarOverride.objects.filter(date__year=year).values_list("date", flat=True))
    created = []
    for makeup, day_off in makeup_days(year).items():
        if makeup in existing:
            continue
        created.append(
            CalendarOverride.objects.create(
                date=makeup,
                kind=OverrideKind.WORKING_DAY,
                reason=(
                    f"Làm bù cho ngày nghỉ {WEEKDAYS_VI[day_off.weekday()]} {day_off:%d/%m/%Y} "
                    "(hoán đổi ngày làm việc)"
                ),
                source=package_source(makeup),
                created_by=actor.user,
            )
        )
    if created:
        audit.record(
            actor=actor,
            verb="calendar.overrides.seeded",
            data={"year": year, "dates": [o.date.isoformat() for o in created]},
        )
        _touch(row)
    return created
