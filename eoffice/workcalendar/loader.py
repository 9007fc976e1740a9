"""The installation's calendar, built from the database once and cached per process.

`get_calendar()` returns a shared `WorkingCalendar`. Every calendar write changes
`CalendarSettings.revision`; a process re-reads it (with a fingerprint of the overrides) at most every
`EOFFICE_CALENDAR_RECHECK_SECONDS` (5 s; 0 under tests) and rebuilds when it changed, so other
processes see an edit within seconds, and a rolled-back write (whose revision vanishes) never
leaves a stale calendar behind. The writing process also drops its copy on commit.

Hot loops (deadline benchmarks, reports) should call `get_calendar()` once and keep the object.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max

from eoffice.workcalendar.engine import WorkingCalendar
from eoffice.workcalendar.models import CalendarOverride, CalendarSettings, OverrideKind, default_sessions
from eoffice.workcalendar.sessions import parse_sessions


@dataclass
class _State:
    calendar: WorkingCalendar | None = None
    revision: str | None = None
    checked_at: float = 0.0


_state = _State()
_lock = threading.Lock()


def _recheck_seconds() -> float:
    if getattr(settings, "TESTING", False):
        return 0.0
    return float(getattr(settings, "EOFFICE_CALENDAR_RECHECK_SECONDS", 5))


def _current_revision() -> str:
    """The settings revision plus a fingerprint of the overrides table.

    The fingerprint catches writes that bypass the services (a shell, a fixture, a data migration):
    they change the count, the highest id or the latest `updated_at`.
    """
    revision = CalendarSettings.objects.filter(pk=1).values_list("revision", flat=True).first() or ""
    found = CalendarOverride.objects.aggregate(n=Count("id"), top=Max("id"), touched=Max("updated_at"))
    touched = found["touched"].isoformat() if found["touched"] else ""
    return f"{revision}:{found['n']}:{found['top']}:{touched}"


def build_calendar() -> WorkingCalendar:
    """A fresh calendar from the database (no cache)."""
    row = CalendarSettings.objects.filter(pk=1).first()
    sessions = parse_sessions(row.sessions if row is not None else default_sessions())
    overrides = {
        day: kind == OverrideKind.WORKING_DAY
        for day, kind in CalendarOverride.objects.values_list("date", "kind").iterator()
    }
    return WorkingCalendar(sessions, overrides)


def get_calendar() -> WorkingCalendar:
    """The installation's working calendar (cached; see the module docstring)."""
    now = time.monotonic()
    cached = _state.calendar
    if cached is not None and now - _state.checked_at < _recheck_seconds():
        return cached
    # Read the revision before the data: a write landing in between makes the next check rebuild.
    revision = _current_revision()
    with _lock:
        if _state.calendar is not None and _state.revision == revision:
            _state.checked_at = now
            return _state.calendar
        calendar = build_calendar()
        _state.calendar, _state.revision, _state.checked_at = calendar, revision, now
        return calendar


def invalidate() -> None:
    """Drop this process's cached calendar; the next `get_calendar()` rebuilds it."""
    with _lock:
        _state.calendar, _state.revision, _state.checked_at = None, None, 0.0
