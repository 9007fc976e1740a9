"""How the worker recovers without waiting for the minute drain, and a body cut mid-transfer.

Huey runs in immediate mode here: an enqueued job runs at once, a job scheduled for later lands
in the in-memory schedule, where these tests read its moment.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import RequestFactory
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from huey.signals import SIGNAL_EXECUTING

from eoffice.exchange import endpoints, receiving, tasks, worker
from eoffice.exchange.models import LineState, OutboxLine, QuarantinedPackage
from eoffice.exchange.tests.conftest import external_agency, numbered_draft
from eoffice.outgoing import release
from eoffice.outgoing.tests.conftest import actor_of
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_queue() -> Iterator[None]:
    HUEY.flush()
    yield
    HUEY.flush()


def _scheduled(name: str) -> list[Any]:
    return [task for task in HUEY.scheduled() if task.name.endswith(name)]


def _utc_naive(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def _release_to_unroutable(cast: Cast, count: int, capture: Any) -> list[OutboxLine]:
    """One release to `count` external agencies no peer or axis reaches: every attempt fails.
    The release's on-commit kick runs (the first attempt)."""
    far = [external_agency(f"000.00.{n:02d}.G12", f"Bộ số {n}") for n in range(count)]
    draft = numbered_draft(cast, recipient_ids=[agency.pk for agency in far])
    with capture(execute=True):
        release.draft_release(actor=actor_of(cast, cast.clerk_a), draft=draft)
    return list(OutboxLine.objects.order_by("pk"))


def test_a_failed_attempt_is_scheduled_for_the_end_of_its_backoff(
    cast: Cast, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EXCHANGE_BACKOFF_BASE_SECONDS = 30
    (line,) = _release_to_unroutable(
        cast, 1, django_capture_on_commit_callbacks
    )  # the on-commit attempt ran and failed
    assert (line.state, line.attempts) == (LineState.PENDING, 1)
    assert line.next_attempt_at is not None
    (retry,) = _scheduled("send_lines")
    assert retry.args == ([line.pk],)
    assert retry.eta == _utc_naive(line.next_attempt_at)
    assert retry.eta > _utc_naive(timezone.now() + dt.timedelta(seconds=10))  # not the minute clock


def test_a_line_that_ends_is_not_scheduled_again(
    cast: Cast, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EXCHANGE_MAX_ATTEMPTS = 1
    (line,) = _release_to_unroutable(cast, 1, django_capture_on_commit_callbacks)
    assert line.state == LineState.FAILED  # one attempt allowed: the failed box, for the clerk
    assert _scheduled("send_lines") == []


def test_the_drain_hands_a_backlog_out_in_batches(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    lines = _release_to_unroutable(cast, 45, django_capture_on_commit_callbacks)
    OutboxLine.objects.update(next_attempt_at=timezone.now() - dt.timedelta(minutes=1))
    ran: list[list[int]] = []

    @HUEY.signal(SIGNAL_EXECUTING)
    def _record(signal: str, task: Any) -> None:
        if task.name.endswith("send_lines"):
            ran.append(list(task.args[0]))

    try:
        tasks.drain_outbox.call_local()
    finally:
        HUEY.disconnect_signal(_record, SIGNAL_EXECUTING)
    assert [len(batch) for batch in ran] == [20, 20, 5]
    assert sorted(pk for batch in ran for pk in batch) == [line.pk for line in lines]
    assert set(OutboxLine.objects.values_list("attempts", flat=True)) == {2}


def test_a_starting_consumer_drains_once_the_dead_workers_leases_are_over(
    monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.EXCHANGE_LEASE_SECONDS = 30
    monkeypatch.setattr(tasks, "_drain_scheduled", False)
    before = _utc_naive(timezone.now())
    tasks.drain_after_leases()
    tasks.drain_after_leases()  # the second worker thread of the same consumer
    (drain,) = _scheduled("drain_outbox")
    lease = worker.lease() + dt.timedelta(seconds=1)
    assert before + lease <= drain.eta <= _utc_naive(timezone.now()) + lease


def test_a_body_cut_mid_transfer_is_answered_400_and_not_quarantined() -> None:
    body = b"<edXML>" + b"x" * 5000
    # The connection ends after 2,000 of the announced bytes.
    environ: dict[str, Any] = {"wsgi.input": io.BytesIO(body[:2000]), "CONTENT_LENGTH": str(len(body))}
    request = RequestFactory().generic("POST", "/exchange/inbox/", content_type="application/xml", **environ)
    response = endpoints.inbox(request)
    assert response.status_code == 400
    assert json.loads(response.content)["code"] == "incomplete_body"
    assert QuarantinedPackage.objects.count() == 0
    assert list(Path(receiving.work_root()).iterdir()) == []  # the partial spool is gone
