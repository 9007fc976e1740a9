"""Huey jobs: the automatic reminders, every 15 minutes."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from eoffice.core.actor import Actor
from eoffice.reminders.automatic import reminders_run_due

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*/15"))
def reminders_tick() -> int:
    """Idempotent: a run that overlaps the previous one, or repeats it, sends nothing twice."""
    result = reminders_run_due(actor=Actor.system("reminders"))
    if result.total:
        log.info("automatic reminders sent: %s", result.sent)
    return result.total
