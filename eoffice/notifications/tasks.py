"""Huey jobs: each e-mail and each digest is its own job, so one slow channel delays nothing else."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from eoffice.notifications import digests, email


@db_task()
def send_email(send_id: int) -> None:
    delay = email.attempt_send(send_id)
    if delay is not None:
        send_email.schedule((send_id,), delay=delay)


@db_task()
def send_digest(run_id: int) -> None:
    delay = email.attempt_digest(run_id)
    if delay is not None:
        send_digest.schedule((run_id,), delay=delay)


# 17:30 in Hanoi (UTC+7), the end of the working day; Huey compares crontabs in UTC.
@db_periodic_task(crontab(minute="30", hour="10"))
def daily_digest() -> None:
    for run_id in digests.digests_plan():
        send_digest(run_id)
