"""A document through a real axis and back, in both axis dialects, against `manage.py axis_server`.

One database plays both sides, as in test_push: agency A sends through its installation's axis
account ("ours"); agency B is external while the release routes it, then hosted, polling the same
axis through its own account ("theirs"), which is how the receiving installation sees it. Every
package crosses the axis over HTTP; the outbox worker is driven by hand so each step is visible.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from eoffice.core.actor import Actor
from eoffice.directory.models import Agency
from eoffice.documents import registering
from eoffice.documents.models import Direction, Document, DocumentStatus
from eoffice.documents.selectors import incoming_list
from eoffice.exchange import worker
from eoffice.exchange.axis import AxisAccount, AxisStyle, MessageType, TransportStatus, adapter_for
from eoffice.exchange.axis.polling import axis_poll
from eoffice.exchange.axis.services import axis_save
from eoffice.exchange.axis.testing import axis_server_process
from eoffice.exchange.models import Axis, LineState, MessageKind, OutboxLine, Receipt, Route, StatusEvent
from eoffice.exchange.tests.conftest import numbered_draft
from eoffice.outgoing import release
from eoffice.outgoing.models import Delivery, DeliveryStatus
from eoffice.outgoing.tests.conftest import actor_of
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db

A, B = "000.00.01.H99", "000.01.00.H99"  # the cast's agencies A and B
OURS = {"id": "eoffice.gui", "secret": "Ours-secret-0123456789abcdef", "consumer_key": "ours-ck"}
THEIRS = {"id": "eoffice.nhan", "secret": "Theirs-secret-0123456789abcd", "consumer_key": "theirs-ck"}
SECRETS = {OURS["id"]: "Ours-consumer-secret-0123", THEIRS["id"]: "Theirs-consumer-secret-01"}
CONFIG = {
    "systems": [
        OURS | {"consumer_secret": SECRETS[OURS["id"]], "agencies": [A]},
        THEIRS | {"consumer_secret": SECRETS[THEIRS["id"]], "agencies": [B]},
    ],
    "agencies": [{"code": A, "name": "Sở Nội vụ"}, {"code": B, "name": "Ủy ban nhân dân xã Đồng Tâm"}],
}
PORTS = range(18300, 18333)
SYSTEM = Actor.system("test")
STYLES = {
    "vxp": {"style": "vxp"},
    "lgsp-key": {"style": "lgsp", "auth": "key"},
    "lgsp-token": {"style": "lgsp", "auth": "token"},
}


@pytest.fixture(scope="module")
def axis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with axis_server_process(tmp_path_factory.mktemp("axis-poll-flow"), CONFIG, ports=PORTS) as url:
        yield url


def account(url: str, system: dict[str, str], style: dict[str, str], **extra: Any) -> Axis:
    values = {
        "name": f"Trục {system['id']}",
        "base_url": url,
        "system_id": system["id"],
        "secret": system["secret"],
        "consumer_key": system["consumer_key"],
        "consumer_secret": SECRETS[system["id"]],
    }
    return axis_save(actor=SYSTEM, values=values | style | extra)


def drain_axis(url: str) -> None:
    """Acknowledge whatever an earlier test left on the axis, for both accounts."""
    for system in (OURS, THEIRS):
        adapter = adapter_for(
            AxisAccount(style=AxisStyle.VXP, base_url=url, system_id=system["id"], secret=system["secret"])
        )
        for message_type in MessageType:
            for item in adapter.pending(message_type=message_type):
                adapter.acknowledge(item.doc_id, TransportStatus.DONE)


def pending_on_axis(url: str, system: dict[str, str]) -> list[str]:
    adapter = adapter_for(
        AxisAccount(style=AxisStyle.VXP, base_url=url, system_id=system["id"], secret=system["secret"])
    )
    return [item.doc_id for t in MessageType for item in adapter.pending(message_type=t)]


def codes(delivery: Delivery) -> list[str]:
    return list(StatusEvent.objects.filter(delivery=delivery).values_list("code", flat=True))


def released_through_the_axis(cast: Cast, url: str, style: dict[str, str]) -> tuple[Axis, Axis, Delivery]:
    drain_axis(url)
    ours = account(url, OURS, style, is_default=True)
    theirs = account(url, THEIRS, style)
    # For the release, B is an agency of another installation: its line travels by the axis.
    Agency.objects.filter(pk=cast.agency_b.pk).update(hosted=False)
    draft = numbered_draft(cast, recipient_ids=[cast.agency_b.pk])
    release.draft_release(actor=actor_of(cast, cast.clerk_a), draft=draft)
    line = OutboxLine.objects.get(receiver=cast.agency_b, kind=MessageKind.EDOC)
    assert line.route == Route.AXIS
    assert worker.send_one(line.pk) == "delivered"
    delivery = Delivery.objects.get(pk=line.delivery_id or 0)
    # Handed to the axis is not "arrived": that 01 is the receiver's to send.
    assert (delivery.status, codes(delivery)) == (DeliveryStatus.SENT, [])
    # From here on the same database plays the receiving installation too.
    Agency.objects.filter(pk=cast.agency_b.pk).update(hosted=True)
    return ours, theirs, delivery


@pytest.mark.parametrize("style", list(STYLES), ids=list(STYLES))
def test_a_document_arrives_by_polling_and_its_statuses_flow_back(
    axis_url: str, cast: Cast, style: str
) -> None:
    ours, theirs, delivery = released_through_the_axis(cast, axis_url, STYLES[style])

    summary = axis_poll(actor=SYSTEM, axis=theirs)
    assert (summary.listed, summary.stored, summary.quarantined, summary.errors) == (1, 1, 0, [])
    document = Document.objects.get(agency=cast.agency_b, direction=Direction.INCOMING)
    assert (
        document.status == DocumentStatus.RECEIVED and document.subject == "Về việc báo cáo biên chế năm 2026"
    )
    assert list(incoming_list(actor=actor_of(cast, cast.clerk_b))) == [document]
    receipt = Receipt.objects.get(document=document)
    assert (receipt.axis, receipt.sender_code, receipt.last_status_sent) == (theirs, A, "01")
    assert receipt.signatures and receipt.signatures[0]["file"] == "du-thao.pdf"
    assert pending_on_axis(axis_url, THEIRS) == []  # acknowledged done

    # The automatic 01 goes back through the outbox and the receiver's own account.
    assert worker.drain() == 1
    answer = OutboxLine.objects.get(kind=MessageKind.STATUS, status_code="01")
    assert (answer.sender, answer.receiver, answer.state) == (
        cast.agency_b,
        cast.agency_a,
        LineState.DELIVERED,
    )
    assert answer.last_error == "" and codes(delivery) == []  # the sender has not polled yet
    summary = axis_poll(actor=SYSTEM, axis=ours)
    assert (summary.statuses, summary.errors) == (1, [])
    delivery.refresh_from_db()
    assert (delivery.status, codes(delivery)) == (DeliveryStatus.ARRIVED, ["01"])

    # Registration by B's clerk: 03, the same way.
    Document.objects.filter(pk=document.pk).update(status=DocumentStatus.CONFIRMED)
    document.refresh_from_db()
    registering.document_register(actor=actor_of(cast, cast.clerk_b), document=document)
    assert worker.drain() == 1
    assert axis_poll(actor=SYSTEM, axis=ours).statuses == 1
    delivery.refresh_from_db()
    assert (delivery.status, codes(delivery)) == (DeliveryStatus.ACCEPTED, ["01", "03"])
    assert pending_on_axis(axis_url, OURS) == [] and pending_on_axis(axis_url, THEIRS) == []
    # A second poll finds nothing and changes nothing.
    again = axis_poll(actor=SYSTEM, axis=theirs)
    assert (again.listed, again.handled) == (0, 0) and Receipt.objects.count() == 1


def test_a_clerks_rejection_travels_back_as_02(axis_url: str, cast: Cast) -> None:
    from eoffice.exchange import services

    ours, theirs, delivery = released_through_the_axis(cast, axis_url, STYLES["vxp"])
    assert axis_poll(actor=SYSTEM, axis=theirs).stored == 1
    receipt = Receipt.objects.get()
    services.receipt_reject(
        actor=actor_of(cast, cast.clerk_b), receipt=receipt, reason="Không đúng thẩm quyền"
    )
    assert worker.drain() == 2  # the automatic 01, then the clerk's 02
    assert axis_poll(actor=SYSTEM, axis=ours).statuses == 2
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.REJECTED and delivery.reason == "Không đúng thẩm quyền"
    assert codes(delivery) == ["01", "02"]
