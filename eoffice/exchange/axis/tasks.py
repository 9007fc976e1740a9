"""Huey jobs of the axes, imported by `eoffice.exchange.tasks` so Huey finds them: the poll of every
active axis (each minute; an axis is polled every `EXCHANGE_AXIS_POLL_MINUTES`) and the nightly
directory sync (idempotent: the directory import skips unchanged rows)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from eoffice.core.actor import Actor
from eoffice.exchange.axis import errors, polling, services
from eoffice.exchange.models import Axis

log = logging.getLogger(__name__)
SYNC_ACTOR = Actor.system("axis-directory-sync")
POLL_ACTOR = Actor.system("axis-poller")


@db_periodic_task(crontab(minute="*"))
def poll_axes() -> None:
    for axis in Axis.objects.filter(is_active=True):
        # The claim skips an axis polled less than its period ago or still being polled elsewhere.
        if not polling.claim(axis):
            continue
        try:
            summary = polling.axis_poll(actor=POLL_ACTOR, axis=axis)
        except Exception:  # one axis failing must not keep the others from being polled
            log.exception("axis %s poll failed", axis.name)
            continue
        finally:
            polling.release(axis)
        if summary.handled or summary.errors:
            log.info("axis %s polled: %s", axis.name, summary.as_dict())


@db_periodic_task(crontab(hour="1", minute="30"))
def sync_axis_directories() -> None:
    for axis in Axis.objects.filter(is_active=True):
        try:
            services.axis_sync_directory(actor=SYNC_ACTOR, axis=axis)
        except errors.AxisError as exc:
            log.warning("axis %s directory sync failed: %s", axis.name, exc.code)
