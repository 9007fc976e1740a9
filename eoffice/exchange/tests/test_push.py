"""Push over real HTTP: this installation talks to itself through a live server acting as the peer.

The release happens while the peer is unreachable (its on-commit attempt fails and is retried
later). Then the recipient agency is switched to "hosted" and the sender to "external, hosted by
the loopback peer", so the one database plays both installations: the worker POSTs to the live
server's inbox, which stores the incoming copy and answers 01; the receiver's answers flow back as
status packages through its own outbox (sent on commit, as in production) and the same endpoint.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.utils import timezone

from eoffice.core.actor import Actor
from eoffice.documents import registering
from eoffice.documents.models import Document, DocumentStatus
from eoffice.exchange import keys, push, services, worker
from eoffice.exchange.models import LineState, MessageKind, OutboxLine, Peer, PeerAgency, Receipt, StatusEvent
from eoffice.exchange.testing.watch import wait_until
from eoffice.exchange.tests.conftest import external_agency, link, numbered_draft
from eoffice.outgoing import release
from eoffice.outgoing.models import Delivery, DeliveryStatus
from eoffice.outgoing.tests.conftest import actor_of
from eoffice.people.models import Role
from eoffice.testing.cast import Cast, give_position

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


DOWN = "http://127.0.0.1:18149"  # nothing listens there


def loopback() -> Peer:
    own = keys.installation_keys()
    return Peer.objects.create(
        code=keys.own_code(), name="Loopback", base_url=DOWN, certificate_pem=own.cert_pem.decode()
    )


def released_to_far(cast: Cast, live_server: Any) -> tuple[Peer, Any, OutboxLine]:
    peer = loopback()
    far = external_agency()
    link(peer, far)
    draft = numbered_draft(cast, recipient_ids=[far.pk])
    release.draft_release(actor=actor_of(cast, cast.clerk_a), draft=draft)
    line = OutboxLine.objects.get(receiver=far)
    assert line.attempts == 1 and line.state == LineState.PENDING  # the on-commit attempt failed
    # From here on the same database plays the receiving installation too.
    type(far).objects.filter(pk=far.pk).update(hosted=True)
    PeerAgency.objects.filter(agency=far).delete()
    type(far).objects.filter(pk=cast.agency_a.pk).update(hosted=False)
    link(peer, cast.agency_a)
    Peer.objects.filter(pk=peer.pk).update(base_url=live_server.url)
    OutboxLine.objects.filter(pk=line.pk).update(next_attempt_at=timezone.now())
    return Peer.objects.get(pk=peer.pk), far, line


def test_push_delivers_once_and_the_status_chain_flows_back(cast: Cast, live_server: Any) -> None:
    serving_before = set(_serving_threads())
    peer, far, line = released_to_far(cast, live_server)
    assert worker.send_one(line.pk) == "delivered"
    line.refresh_from_db()
    assert line.state == LineState.DELIVERED and line.attempts == 2 and line.delivered_at is not None
    copy = Document.objects.get(agency=far)
    delivery = Delivery.objects.get(pk=line.delivery_id or 0)
    assert delivery.status == DeliveryStatus.ARRIVED
    assert list(StatusEvent.objects.filter(delivery=delivery).values_list("code", flat=True)) == ["01"]
    # A resend of a delivered package is refused by the line's states; a lost answer is a retry:
    OutboxLine.objects.filter(pk=line.pk).update(state=LineState.PENDING, next_attempt_at=timezone.now())
    assert worker.send_one(line.pk) == "delivered"
    assert Document.objects.filter(agency=far).count() == 1
    # The receiver's clerk registers it: 03 goes back through the receiver's outbox.
    clerk = give_position_clerk(far)
    copy.status = DocumentStatus.CONFIRMED
    copy.save(update_fields=["status"])
    registering.document_register(actor=clerk, document=copy)
    status_line = OutboxLine.objects.get(kind=MessageKind.STATUS, status_code="03")
    assert status_line.receiver_id == cast.agency_a.pk and status_line.peer == peer
    assert status_line.state == LineState.DELIVERED  # sent when the registration committed
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.ACCEPTED
    assert list(StatusEvent.objects.filter(delivery=delivery).values_list("code", flat=True)) == ["01", "03"]
    assert Receipt.objects.get(business_type=0).last_status_sent == "03"
    # The senders' kept-alive connections (this thread's, and the server threads' own answers)
    # close on demand, and the server threads waiting on them end: what every test's teardown does.
    assert set(_serving_threads()) - serving_before
    push.close_sessions()
    _no_server_thread_left(serving_before)


def give_position_clerk(agency: Any) -> Actor:
    from eoffice.testing.cast import make_user

    user = make_user(f"clerk-{agency.pk}", "Văn thư nơi nhận")
    position = give_position(user, agency, "Văn thư", [Role.VAN_THU])
    return Actor(user=user, position=position)


def test_rejection_by_the_receiver_reaches_the_sender_with_its_reason(cast: Cast, live_server: Any) -> None:
    _peer, far, line = released_to_far(cast, live_server)
    assert worker.send_one(line.pk) == "delivered"
    receipt = Receipt.objects.get()
    services.receipt_reject(actor=give_position_clerk(far), receipt=receipt, reason="Không đúng thẩm quyền")
    assert not Document.objects.filter(agency=far).exists()
    status_line = OutboxLine.objects.get(kind=MessageKind.STATUS, status_code="02")
    assert status_line.state == LineState.DELIVERED
    delivery = Delivery.objects.get(pk=line.delivery_id or 0)
    assert delivery.status == DeliveryStatus.REJECTED and delivery.reason == "Không đúng thẩm quyền"


def test_a_peer_that_is_down_means_retries_then_the_failed_box_and_resend(
    cast: Cast, live_server: Any, settings: Any
) -> None:
    settings.EXCHANGE_MAX_ATTEMPTS = 2
    _peer, _far, line = released_to_far(cast, live_server)
    Peer.objects.update(base_url=DOWN)
    assert worker.send_one(line.pk) == "retry"  # the second attempt of two
    line.refresh_from_db()
    assert line.state == LineState.FAILED and "Connection" in line.last_error
    Peer.objects.update(base_url=live_server.url)
    services.line_resend(actor=actor_of(cast, cast.clerk_a), line=line)
    line.refresh_from_db()
    # Resent: attempts start again, and the on-commit kick delivered it at once.
    assert line.state == LineState.DELIVERED and line.attempts == 1


def test_agency_sync_over_http_is_signed_and_a_forged_list_refused(cast: Cast, live_server: Any) -> None:
    from eoffice.exchange import peers

    peer = loopback()
    Peer.objects.filter(pk=peer.pk).update(base_url=live_server.url)
    peer.refresh_from_db()
    serving_before = set(_serving_threads())
    listed = peers.fetch_agencies(peer)
    assert {row["code"] for row in listed} == {cast.province.code, cast.agency_a.code, cast.agency_b.code}
    # The same answer checked against another certificate: refused.
    Peer.objects.filter(pk=peer.pk).update(certificate_pem=keys.make_self_signed("x").cert_pem.decode())
    peer.refresh_from_db()
    from eoffice.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        peers.fetch_agencies(peer)
    assert refused.value.code in ("peer_refused", "peer_signature_invalid")
    # One request each, nothing kept alive: no server thread is left waiting on the connection,
    # though the refusal's traceback (held here) still holds the answer.
    _no_server_thread_left(serving_before)


def _serving_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if "process_request_thread" in thread.name]


def _no_server_thread_left(before: set[threading.Thread]) -> None:
    assert wait_until(lambda: not set(_serving_threads()) - before, timeout=5, what="no idle server thread")
