"""The outbox is written by the release, in its transaction; hosted lines go through the same rows."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.db import transaction

from eoffice.documents import registering
from eoffice.documents.models import Document
from eoffice.exchange import outbox, worker
from eoffice.exchange.models import LineState, OutboxLine, Route, StatusEvent
from eoffice.exchange.tests.conftest import external_agency, link, make_peer, numbered_draft
from eoffice.outgoing import release
from eoffice.outgoing.models import Delivery, DeliveryStatus
from eoffice.outgoing.tests.conftest import actor_of, login
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db


def test_release_writes_one_line_per_receiver_hosted_delivered_external_pending(cast: Cast) -> None:
    peer = make_peer()
    far = external_agency()
    link(peer, far)
    unrouted = external_agency("000.00.00.G09", "Bộ Nội vụ")
    draft = numbered_draft(cast, recipient_ids=[cast.agency_b.pk, far.pk, unrouted.pk])
    release.draft_release(actor=actor_of(cast, cast.clerk_a), draft=draft)
    lines = {line.receiver_id: line for line in OutboxLine.objects.all()}
    assert len(lines) == 3
    hosted = lines[cast.agency_b.pk]
    assert (hosted.route, hosted.state, hosted.business_type) == (Route.HOSTED, LineState.DELIVERED, 0)
    assert hosted.delivered_at is not None and hosted.delivery is not None
    assert hosted.document_key.startswith(f"{cast.agency_a.code},") and hosted.document_key.endswith(
        ",01/SNV-TCBC"
    )
    assert list(StatusEvent.objects.filter(delivery=hosted.delivery).values_list("code", flat=True)) == ["01"]
    pushed = lines[far.pk]
    assert (pushed.route, pushed.state, pushed.peer_id) == (Route.PEER, LineState.PENDING, peer.pk)
    assert pushed.next_attempt_at is not None and pushed.attempts == 0
    assert lines[unrouted.pk].route == Route.AXIS
    assert not StatusEvent.objects.filter(delivery__agency=far).exists()


def test_release_rolled_back_leaves_no_line(cast: Cast) -> None:
    far = external_agency()
    link(make_peer(), far)
    draft = numbered_draft(cast, recipient_ids=[cast.agency_b.pk, far.pk])
    with pytest.raises(RuntimeError), transaction.atomic():
        release.draft_release(actor=actor_of(cast, cast.clerk_a), draft=draft)
        assert OutboxLine.objects.count() == 2
        raise RuntimeError("the release's transaction fails after the outbox was written")
    assert OutboxLine.objects.count() == 0
    assert Delivery.objects.count() == 0 and StatusEvent.objects.count() == 0


def test_hosted_recipient_progress_lands_on_the_senders_timeline(cast: Cast, settings) -> None:
    settings.EOFFICE_TRUST_STORE = ""  # the draft page validates signatures; none here
    draft = numbered_draft(cast, recipient_ids=[cast.agency_b.pk])
    (delivery,) = release.draft_release(actor=actor_of(cast, cast.clerk_a), draft=draft)
    copy = Document.objects.get(agency=cast.agency_b)
    copy.status = "confirmed"
    copy.save(update_fields=["status"])
    registering.document_register(actor=actor_of(cast, cast.clerk_b), document=copy)
    codes = list(StatusEvent.objects.filter(delivery=delivery).values_list("code", flat=True))
    assert codes == ["01", "03"]
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.ACCEPTED
    # The sender's draft page shows the same timeline, in order, as the monitor does.
    page = login(cast.clerk_a).get(f"/outgoing/{draft.pk}/").content.decode()
    shown = page[page.index(f'data-statuses="{delivery.pk}"') :]
    # "· " before the code: a time of day such as 19:03 holds "03 " too.
    assert 0 < shown.index("· 01 ") < shown.index("· 03 ") < shown.index("</details>")


def test_hosted_rejection_is_a_02_event_with_its_reason(cast: Cast) -> None:
    draft = numbered_draft(cast, recipient_ids=[cast.agency_b.pk])
    (delivery,) = release.draft_release(actor=actor_of(cast, cast.clerk_a), draft=draft)
    release.delivery_reject(actor=actor_of(cast, cast.clerk_b), delivery=delivery, reason="Gửi nhầm nơi nhận")
    event = StatusEvent.objects.get(delivery=delivery, code="02")
    assert event.description == "Gửi nhầm nơi nhận" and event.staff


def test_backoff_grows_exponentially_with_bounded_jitter(settings) -> None:
    settings.EXCHANGE_BACKOFF_BASE_SECONDS = 2
    settings.EXCHANGE_BACKOFF_MAX_SECONDS = 60
    rng = random.Random(7)
    for attempts, ceiling in [(1, 2), (2, 4), (3, 8), (4, 16), (5, 32), (6, 60), (9, 60)]:
        for _ in range(50):
            delay = outbox.backoff_delay(attempts, rng).total_seconds()
            assert ceiling / 2 <= delay <= ceiling
    # Seeded: the schedule is reproducible.
    first = [outbox.backoff_delay(n, random.Random(1)) for n in range(1, 6)]
    assert first == [outbox.backoff_delay(n, random.Random(1)) for n in range(1, 6)]


def test_failures_retry_with_backoff_then_land_in_the_failed_box(cast: Cast, settings) -> None:
    settings.EXCHANGE_MAX_ATTEMPTS = 3
    settings.EXCHANGE_BACKOFF_BASE_SECONDS = 10
    far = external_agency()  # no peer, no axis adapter: every attempt fails
    draft = numbered_draft(cast, recipient_ids=[far.pk])
    release.draft_release(actor=actor_of(cast, cast.clerk_a), draft=draft)
    line = OutboxLine.objects.get()
    assert worker.send_one(line.pk) == "retry"
    line.refresh_from_db()
    assert line.state == LineState.PENDING and line.attempts == 1 and line.last_error
    assert line.last_attempt_at is not None and line.next_attempt_at is not None
    wait = (line.next_attempt_at - line.last_attempt_at).total_seconds()
    assert 5 <= wait <= 10.5
    # Not due yet: the drain leaves it alone.
    assert worker.send_one(line.pk) is None
    for attempt in (2, 3):
        OutboxLine.objects.filter(pk=line.pk).update(next_attempt_at=line.next_attempt_at - timedelta(days=1))
        worker.send_one(line.pk)
        line.refresh_from_db()
        assert line.attempts == attempt
    assert line.state == LineState.FAILED and line.next_attempt_at is None
