"""Huey jobs of the exchange: the worker only drains the outbox.

`send_lines` is enqueued on commit by whatever wrote the lines (first attempt at once);
`drain_outbox` runs every minute and sends every due line (retries after back-off, lines a
lost kick left behind). Both are idempotent: a line is claimed atomically before it is sent.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from eoffice.exchange import worker


@db_task()
def send_lines(line_ids: list[int]) -> None:
    for line_id in line_ids:
        worker.send_one(line_id)


@db_periodic_task(crontab(minute="*"))
def drain_outbox() -> None:
    worker.drain()


# The axes' poll and directory jobs live with the adapters; importing them registers them with Huey.
from eoffice.exchange.axis import tasks as axis_tasks  # noqa: E402, F401
