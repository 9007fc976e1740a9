"""Huey jobs of the axes, imported by `eoffice.exchange.tasks` so Huey finds them: the nightly
directory sync of every active axis (idempotent: the directory import skips unchanged rows)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from eoffice.core.actor import Actor
from eoffice.exchange.axis import errors, services
from eoffice.exchange.models import Axis

log = logging.getLogger(__name__)
SYNC_ACTOR = Actor.system("axis-directory-sync")


@db_periodic_task(crontab(hour="1", minute="30"))
def sync_axis_directories() -> None:
    for axis in Axis.objects.filter(is_active=True):
        try:
            services.axis_sync_directory(actor=SYNC_ACTOR, axis=axis)
        except errors.AxisError as exc:
            log.warning("axis %s directory sync failed: %s", axis.name, exc.code)
