"""Services: who may edit, what is refused, the audit trail and the cached calendar."""

from __future__ import annotations

import logging
from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.db import IntegrityError

from eoffice.core.actor import Actor
from eoffice.core.audit import verify
from eoffice.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from eoffice.core.models import AuditEvent
from eoffice.workcalendar import loader, services, tasks
from eoffice.workcalendar.engine import LOCAL_TZ
from eoffice.workcalendar.models import CalendarOverride, CalendarSettings, OverrideKind
from eoffice.workcalendar.tasks import unconfirmed_makeup_days

pytestmark = pytest.mark.django_db


def su(cast) -> Actor:
    return Actor(user=cast.superuser)


def test_migration_seeds_settings_and_makeup_saturdays() -> None:
    row = CalendarSettings.objects.get(pk=1)
    assert row.sessions == [{"start": "07:30", "end": "11:30"}, {"start": "13:30", "end": "17:00"}]
    seeded = dict(CalendarOverride.objects.values_list("date", "kind"))
    assert seeded == {date(2025, 4, 26): "working_day", date(2026, 8, 22): "working_day"}
    assert CalendarOverride.objects.get(date=date(2025, 4, 26)).source == "Thông báo 6150/TB-BLĐTBXH"
    assert loader.get_calendar().is_working_day(date(2026, 8, 22))


@pytest.mark.parametrize("who", ["admin_a", "leader_a", "clerk_a", "clerk_b", "outsider"])
def test_only_system_admins_edit(cast, who) -> None:
    actor = Actor(user=getattr(cast, who), position=None)
    with pytest.raises(PermissionDenied):
        services.override_create(actor=actor, day=date(2026, 3, 3), kind="day_off", reason="Nghỉ thêm")
    with pytest.raises(PermissionDenied):
        services.working_hours_update(actor=actor, sessions=[(480, 720)])
    with pytest.raises(PermissionDenied):
        services.overrides_seed_from_package(actor=actor, year=2027)
    override = CalendarOverride.objects.first()
    assert override is not None
    with pytest.raises(PermissionDenied):
        services.override_delete(actor=actor, override_id=override.pk)
    with pytest.raises(PermissionDenied):
        services.override_create(
            actor=Actor.system("some-token"), day=date(2026, 3, 3), kind="day_off", reason="x"
        )
    assert not CalendarOverride.objects.filter(date=date(2026, 3, 3)).exists()


def test_create_update_delete_with_audit_and_fresh_calendar(cast, django_capture_on_commit_callbacks) -> None:
    day = date(2026, 3, 3)  # a Tuesday
    assert loader.get_calendar().is_working_day(day)
    with django_capture_on_commit_callbacks(execute=True):
        override = services.override_create(
            actor=su(cast), day=day, kind=OverrideKind.DAY_OFF, reason="  Nghỉ   thêm ", source="QĐ 1/QĐ-TTg"
        )
    assert override.reason == "Nghỉ thêm" and override.created_by == cast.superuser
    assert not loader.get_calendar().is_working_day(day)
    event = AuditEvent.objects.get(verb="calendar.override.created")
    assert event.data["date"] == "2026-03-03" and event.actor_id == cast.superuser.pk

    with django_capture_on_commit_callbacks(execute=True):
        services.override_update(
            actor=su(cast), override_id=override.pk, day=date(2026, 3, 7), kind="working_day", reason="Làm bù"
        )
    cal = loader.get_calendar()
    assert cal.is_working_day(date(2026, 3, 7)) and cal.is_working_day(day)
    assert AuditEvent.objects.get(verb="calendar.override.updated").data["before"]["date"] == "2026-03-03"

    with django_capture_on_commit_callbacks(execute=True):
        services.override_delete(actor=su(cast), override_id=override.pk)
    assert not loader.get_calendar().is_working_day(date(2026, 3, 7))
    assert AuditEvent.objects.filter(verb="calendar.override.deleted").count() == 1
    assert verify() is None


def test_cached_calendar_follows_the_revision_even_without_on_commit(cast) -> None:
    """Another process never runs our on_commit: it must notice the new revision by itself."""
    before = loader.get_calendar()
    services.override_create(actor=su(cast), day=date(2026, 3, 4), kind="day_off", reason="Nghỉ thêm")
    after = loader.get_calendar()
    assert after is not before and not after.is_working_day(date(2026, 3, 4))
    assert loader.get_calendar() is after  # unchanged revision: the same object


@pytest.mark.parametrize(
    ("day", "kind", "code"),
    [
        (date(2026, 3, 7), "day_off", "already_day_off"),  # Saturday
        (date(2026, 2, 17), "day_off", "already_day_off"),  # Tết
        (date(2026, 3, 3), "working_day", "already_working_day"),  # ordinary Tuesday
        (date(1970, 3, 3), "day_off", "date_out_of_range"),
        (date(2026, 3, 3), "holiday", "invalid_kind"),
    ],
)
def test_pointless_or_bad_overrides_are_refused(cast, day, kind, code) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.override_create(actor=su(cast), day=day, kind=kind, reason="Lý do")
    assert caught.value.code == code and caught.value.message


def test_refusal_messages_are_vietnamese(cast) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.override_create(actor=su(cast), day=date(2026, 3, 7), kind="day_off", reason="x")
    assert caught.value.message == "Thứ Bảy 07/03/2026 là ngày nghỉ cuối tuần; không cần thêm ngày nghỉ."


def test_working_day_on_a_holiday_is_allowed(cast) -> None:
    # The package's guess for Tết 2027 may differ from the Prime Minister's decision.
    services.override_create(
        actor=su(cast), day=date(2027, 2, 10), kind="working_day", reason="Theo QĐ của TTg"
    )
    assert loader.get_calendar().is_working_day(date(2027, 2, 10))


def test_one_override_per_date(cast) -> None:
    with pytest.raises(Conflict) as caught:
        services.override_create(actor=su(cast), day=date(2026, 8, 22), kind="working_day", reason="Làm bù")
    assert caught.value.code == "date_already_overridden" and caught.value.status == 409
    first = services.override_create(actor=su(cast), day=date(2026, 3, 3), kind="day_off", reason="Nghỉ")
    with pytest.raises(Conflict):
        services.override_update(
            actor=su(cast), override_id=first.pk, day=date(2026, 8, 22), kind="working_day", reason="x"
        )


def test_a_fault_on_insert_is_not_reported_as_a_taken_date(cast, monkeypatch) -> None:
    # A primary-key collision (a sequence behind its rows) once came back as "that date already
    # has an override", which sent the admin to look for a row that did not exist.
    def collide(**fields):
        raise IntegrityError('duplicate key value violates unique constraint "pkey"')

    monkeypatch.setattr(CalendarOverride.objects, "create", collide)
    with pytest.raises(IntegrityError):
        services.override_create(actor=su(cast), day=date(2026, 3, 3), kind="day_off", reason="Nghỉ")
    assert not AuditEvent.objects.filter(verb="calendar.override.created").exists()


@pytest.mark.parametrize(
    ("reason", "source", "code"),
    [
        ("", "", "required"),
        ("   ", "", "required"),
        ("x" * 501, "", "too_long"),
        ("Nghỉ", "y" * 256, "too_long"),
        ("Nghỉ\x00thêm", "", "invalid_text"),
        ("Nghỉ\u202ethêm", "", "invalid_text"),
    ],
)
def test_bad_text_is_refused(cast, reason, source, code) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.override_create(
            actor=su(cast), day=date(2026, 3, 3), kind="day_off", reason=reason, source=source
        )
    assert caught.value.code == code
    assert not CalendarOverride.objects.filter(date=date(2026, 3, 3)).exists()


def test_missing_override_is_not_found(cast) -> None:
    with pytest.raises(NotFound):
        services.override_delete(actor=su(cast), override_id=999_999)
    with pytest.raises(NotFound):
        services.override_update(
            actor=su(cast), override_id=999_999, day=date(2026, 3, 3), kind="day_off", reason="x"
        )


def test_working_hours_update(cast, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.working_hours_update(actor=su(cast), sessions=[(480, 720), (780, 1020)])
    assert CalendarSettings.objects.get(pk=1).sessions == [
        {"start": "08:00", "end": "12:00"},
        {"start": "13:00", "end": "17:00"},
    ]
    monday = datetime(2026, 3, 2, 8, tzinfo=LOCAL_TZ)
    assert loader.get_calendar().add_working_hours(monday, 4) == datetime(2026, 3, 2, 12, tzinfo=LOCAL_TZ)
    event = AuditEvent.objects.get(verb="calendar.working_hours.updated")
    assert event.data["before"][0] == {"start": "07:30", "end": "11:30"}


@pytest.mark.parametrize(
    ("sessions", "code"),
    [
        ([], "sessions_count"),
        ([(60, 120)] * 5, "sessions_count"),
        ([(720, 480)], "session_end_before_start"),
        ([(480, 480)], "session_end_before_start"),
        ([(480, 1500)], "session_out_of_day"),
        ([(-10, 480)], "session_out_of_day"),
        ([(480, 720), (700, 1020)], "sessions_overlap"),
        ([(780, 1020), (480, 720)], "sessions_not_ordered"),
    ],
)
def test_bad_working_hours_are_refused(cast, sessions, code) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.working_hours_update(actor=su(cast), sessions=sessions)
    assert caught.value.code == code
    assert CalendarSettings.objects.get(pk=1).sessions[0] == {"start": "07:30", "end": "11:30"}


def test_seed_from_package_is_idempotent(cast) -> None:
    CalendarOverride.objects.filter(date=date(2026, 8, 22)).delete()
    created = services.overrides_seed_from_package(actor=su(cast), year=2026)
    assert [o.date for o in created] == [date(2026, 8, 22)]
    assert "31/08/2026" in created[0].reason
    assert services.overrides_seed_from_package(actor=su(cast), year=2026) == []
    assert AuditEvent.objects.filter(verb="calendar.overrides.seeded").count() == 1
    with pytest.raises(ValidationFailed):
        services.overrides_seed_from_package(actor=su(cast), year=1900)


def test_seed_command(cast, capsys) -> None:
    CalendarOverride.objects.filter(date=date(2025, 4, 26)).delete()
    call_command("calendar_seed", "--year", "2025", "--year", "2027")
    out = capsys.readouterr().out
    assert "2025: added working day 2025-04-26" in out and "2027: nothing to add" in out
    assert CalendarOverride.objects.get(date=date(2025, 4, 26)).kind == "working_day"
    event = AuditEvent.objects.get(verb="calendar.overrides.seeded")
    assert event.actor_name == "system:manage.py calendar_seed"
    call_command("calendar_seed", "--year", "2014", "--dry-run")
    assert "2014-12-27" in capsys.readouterr().out
    assert not CalendarOverride.objects.filter(date__year=2014).exists()


def test_reminder_task_lists_undeclared_makeup_days(cast, caplog, monkeypatch) -> None:
    assert unconfirmed_makeup_days(2026) == []
    CalendarOverride.objects.filter(date=date(2026, 8, 22)).delete()
    assert unconfirmed_makeup_days(2026) == [date(2026, 8, 22)]
    # Only the clock is replaced: the task reads the real database and the real package.
    monkeypatch.setattr(tasks.timezone, "localdate", lambda: date(2025, 12, 1))
    with caplog.at_level(logging.WARNING, logger="eoffice.workcalendar.tasks"):
        assert tasks.remind_calendar_confirmation.call_local() == [date(2026, 8, 22)]
    assert "2026-08-22" in caplog.text
    monkeypatch.setattr(tasks.timezone, "localdate", lambda: date(2027, 3, 1))
    assert tasks.remind_calendar_confirmation.call_local() == []


def test_cached_calendar_notices_writes_that_bypass_the_services(cast) -> None:
    assert loader.get_calendar().is_working_day(date(2026, 8, 22))
    CalendarOverride.objects.filter(date=date(2026, 8, 22)).delete()
    assert not loader.get_calendar().is_working_day(date(2026, 8, 22))
    CalendarOverride.objects.create(date=date(2026, 3, 3), kind="day_off", reason="shell")
    assert not loader.get_calendar().is_working_day(date(2026, 3, 3))
    CalendarOverride.objects.filter(date=date(2026, 3, 3)).update(kind="working_day")  # no updated_at
    override = CalendarOverride.objects.get(date=date(2026, 3, 3))
    override.kind = "day_off"
    override.save()
    assert not loader.get_calendar().is_working_day(date(2026, 3, 3))
