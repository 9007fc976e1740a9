"""Huey jobs of the exchange: the worker only drains the outbox.

`send_lines` is enqueued on commit by whatever wrote the lines (first attempt at once). A line
that must be tried again is scheduled for the moment its back-off ends, so retries follow the
back-off rather than the minute clock. `drain_outbox` runs every minute and hands every due line to
`send_lines` in small batches (lines whose job was lost with a killed worker, a lost queue, a
missed schedule); a consumer that starts also drains once the leases of a dead one have run out.
All are idempotent: a line is claimed atomically before it is sent, so a line handed out twice is
sent once.
"""

from __future__ import annotations

import threading

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, on_startup

from eoffice.exchange import worker

# Lines per job when the drain hands out a backlog: small enough that every consumer worker
# thread gets a share, large enough that a backlog of thousands is not thousands of jobs.
BATCH = 20


@db_task()
def send_lines(line_ids: list[int]) -> None:
    retried = [line_id for line_id in line_ids if worker.send_one(line_id) == "retry"]
    for line_id, due in worker.retry_moments(retried):
        send_lines.schedule(args=([line_id],), eta=due)


@db_periodic_task(crontab(minute="*"))
def drain_outbox() -> None:
    enqueue(worker.due_line_ids())


_start = threading.Lock()
_drain_scheduled = False


@on_startup()
def drain_after_leases() -> None:
    """A consumer that starts may follow one that died holding lines: claimed, leases running,
    their jobs gone with it. Drain once those leases are over, not at the first minute tick after.
    Each worker thread runs the start-up hooks; the drain is scheduled once per process."""
    global _drain_scheduled
    with _start:
        if _drain_scheduled:
            return
        _drain_scheduled = True
    drain_outbox.schedule(delay=worker.lease().total_seconds() + 1)


def enqueue(line_ids: list[int]) -> None:
    """Hand these lines to the consumer's workers in batches of BATCH."""
    for start in range(0, len(line_ids), BATCH):
        send_lines(line_ids[start : start + BATCH])


# The axes' poll and directory jobs live with the adapters; importing them registers them with Huey.
from eoffice.exchange.axis import tasks as axis_tasks  # noqa: E402, F401
