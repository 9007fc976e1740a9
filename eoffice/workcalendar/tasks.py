"""Background jobs of the working calendar."""

from __future__ import annotations

import logging
from datetime import date

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from eoffice.workcalendar.holidays_vn import makeup_days
from eoffice.workcalendar.models import CalendarOverride

log = logging.getLogger(__name__)


def unconfirmed_makeup_days(year: int) -> list[date]:
    """Make-up days the package implies for `year` that no override declares yet."""
    declared = set(CalendarOverride.objects.filter(date__year=year).values_list("date", flat=True))
    return [day for day in makeup_days(year) if day not in declared]


@db_periodic_task(crontab(minute="0", hour="1", day="1"))
def remind_calendar_confirmation() -> list[date]:
    """Monthly: warn operators while the package implies make-up days that nobody has declared.

    Idempotent (reads only). Without those days every deadline across the swap is a day off.
    """
    today = timezone.localdate()
    missing: list[date] = []
    for year in (today.year, today.year + 1):
        missing += unconfirmed_makeup_days(year)
    if missing:
        log.warning(
            "working calendar: make-up days not declared yet: %s (manage.py calendar_seed --year N)",
            ", ".join(d.isoformat() for d in missing),
        )
    return missing
