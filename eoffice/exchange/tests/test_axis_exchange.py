"""The axes inside the exchange app: configuration, directory routes, and outbox lines sent through an
axis — against `manage.py axis_server` over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from eoffice.core.actor import Actor
from eoffice.core.errors import PermissionDenied
from eoffice.core.models import AuditEvent
from eoffice.directory.models import Agency
from eoffice.exchange import worker
from eoffice.exchange.axis import AxisAccount, AxisStyle, MessageType, TransportStatus, adapter_for
from eoffice.exchange.axis.services import axis_for, axis_save, axis_sync_directory
from eoffice.exchange.axis.testing import axis_server_process, polled
from eoffice.exchange.edxml import BussinessDocType, EdocPackage, StatusPackage, parse
from eoffice.exchange.models import Axis, AxisRoute, LineState, MessageKind, OutboxLine, Route
from eoffice.exchange.tests.conftest import external_agency, numbered_draft
from eoffice.outgoing import release
from eoffice.outgoing.recall import draft_recall
from eoffice.outgoing.tests.conftest import actor_of
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db

OURS = {"id": "eoffice.h99", "secret": "Ours-secret-0123456789abcdef"}
THEIRS = {"id": "vxp.saas.03", "secret": "Theirs-secret-0123456789abcd"}
FAR = "000.00.00.G12"
CONFIG = {
    "systems": [OURS | {"agencies": ["000.00.01.H99"]}, THEIRS | {"agencies": [FAR]}],
    "agencies": [
        {"code": "000.00.01.H99", "name": "Sở Nội vụ"},
        {"code": FAR, "name": "Bộ Tài chính", "code_qd20": "G12"},
    ],
}
SYSTEM = Actor.system("test")


@pytest.fixture(scope="module")
def axis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with axis_server_process(tmp_path_factory.mktemp("axis-exchange"), CONFIG) as url:
        yield url


def their_adapter(url: str) -> Any:
    return adapter_for(
        AxisAccount(style=AxisStyle.VXP, base_url=url, system_id=THEIRS["id"], secret=THEIRS["secret"])
    )


def drain_theirs(url: str) -> None:
    adapter = their_adapter(url)
    for message_type in MessageType:
        for item in adapter.pending(message_type=message_type):
            adapter.acknowledge(item.doc_id, TransportStatus.DONE)


def our_axis(url: str, **extra: Any) -> Axis:
    values = {"name": "Trục quốc gia", "style": "vxp", "base_url": url, "system_id": OURS["id"]}
    return axis_save(actor=SYSTEM, values=values | {"secret": OURS["secret"], "is_default": True} | extra)


def test_only_a_system_admin_configures_an_axis(axis_url: str, cast: Cast) -> None:
    values = {"name": "Trục", "style": "vxp", "base_url": axis_url, "system_id": "x", "secret": "y"}
    for user in (cast.clerk_a, cast.leader_a, cast.admin_a, cast.clerk_b):
        with pytest.raises(PermissionDenied):
            axis_save(actor=actor_of(cast, user), values=values)
    with pytest.raises(PermissionDenied):
        axis_save(actor=Actor(user=cast.outsider), values=values)
    first = axis_save(actor=Actor(user=cast.superuser), values=values | {"is_default": True})
    second = axis_save(
        actor=Actor(user=cast.superuser), values=values | {"system_id": "z", "is_default": True}
    )
    first.refresh_from_db()
    assert (first.is_default, second.is_default) == (False, True)
    event = AuditEvent.objects.filter(verb="exchange.axis_created").last()
    assert event is not None and "secret" not in str(event.data)


def test_directory_sync_routes_external_agencies_through_the_axis(axis_url: str, cast: Cast) -> None:
    axis = our_axis(axis_url, is_default=False)
    result = axis_sync_directory(actor=SYSTEM, axis=axis)
    assert result.external_codes == [FAR]
    far = Agency.objects.get(code=FAR)
    assert (far.hosted, far.code_qd20) == (False, "G12")
    assert AxisRoute.objects.get(agency=far).axis == axis
    assert not AxisRoute.objects.filter(agency=cast.agency_a).exists()
    assert axis_for(far.pk) == axis
    assert axis_for(external_agency("000.00.00.G77", "Không có trên trục").pk) is None
    axis.refresh_from_db()
    assert axis.directory_synced_at is not None


def released_to_far(axis_url: str, cast: Cast) -> tuple[Any, OutboxLine]:
    """A draft of A released to the external agency FAR, which the axis reaches: its outbox line."""
    drain_theirs(axis_url)
    axis_sync_directory(actor=SYSTEM, axis=our_axis(axis_url))
    far = Agency.objects.get(code=FAR)
    draft = numbered_draft(cast, recipient_ids=[far.pk])
    release.draft_release(actor=actor_of(cast, cast.clerk_a), draft=draft)
    line = OutboxLine.objects.get(receiver=far)
    assert line.route == Route.AXIS
    return draft, line


def test_a_release_to_an_external_agency_travels_through_the_axis(axis_url: str, cast: Cast) -> None:
    _draft, line = released_to_far(axis_url, cast)

    assert worker.send_one(line.pk) == "delivered"
    line.refresh_from_db()
    assert line.state == LineState.DELIVERED
    [(item, raw)] = polled(their_adapter(axis_url), MessageType.EDOC)
    package = parse(raw)
    assert isinstance(package, EdocPackage)
    assert (item.sender, item.receiver) == (cast.agency_a.code, FAR)
    assert package.header.document_id == line.document_key
    assert package.header.subject == "Về việc báo cáo biên chế năm 2026"
    assert [o.organ_id for o in package.header.to] == [FAR]
    assert package.attachments and package.attachments[0].read_bytes().startswith(b"%PDF")


def test_a_status_line_travels_through_the_axis(axis_url: str, cast: Cast) -> None:
    drain_theirs(axis_url)
    axis_sync_directory(actor=SYSTEM, axis=our_axis(axis_url))
    far = Agency.objects.get(code=FAR)
    line = OutboxLine.objects.create(
        kind=MessageKind.STATUS,
        status_code="03",
        document_key=f"{FAR},2026/11/20,45/BTC-VP",
        sender=cast.agency_a,
        receiver=far,
        route=Route.AXIS,
        next_attempt_at=timezone.now(),
        payload={"description": "Đã vào sổ văn bản đến", "staff": "Văn thư A"},
        created_at=timezone.now(),
    )
    assert worker.send_one(line.pk) == "delivered"
    [(_item, raw)] = polled(their_adapter(axis_url), MessageType.STATUS)
    status = parse(raw)
    assert isinstance(status, StatusPackage)
    assert (status.status_code, status.from_.organ_id) == ("03", cast.agency_a.code)
    assert status.response_for.document_id == line.document_key
    assert status.response_for.code == "45/BTC-VP" and status.staff_info.staff == "Văn thư A"


def test_an_unknown_receiver_fails_at_once_an_unreachable_axis_retries(axis_url: str, cast: Cast) -> None:
    axis = our_axis(axis_url)
    nowhere = external_agency("000.00.00.G77", "Không có trên trục")
    draft = numbered_draft(cast, recipient_ids=[nowhere.pk])
    release.draft_release(actor=actor_of(cast, cast.clerk_a), draft=draft)
    line = OutboxLine.objects.get(receiver=nowhere)
    assert worker.send_one(line.pk) == "failed"
    line.refresh_from_db()
    assert (line.state, line.attempts) == (LineState.FAILED, 1)
    assert "Đơn vị nhận không có trên trục liên thông" in line.last_error

    axis_save(actor=SYSTEM, axis=axis, values={"base_url": "http://127.0.0.1:18248"})
    OutboxLine.objects.filter(pk=line.pk).update(state=LineState.PENDING, next_attempt_at=line.created_at)
    assert worker.send_one(line.pk) == "retry"
    line.refresh_from_db()
    assert line.state == LineState.PENDING
    assert line.next_attempt_at is not None and line.next_attempt_at > line.created_at
    assert "Không kết nối được tới trục liên thông" in line.last_error


def test_a_recall_through_the_axis_names_the_document_and_its_reason_without_the_files(
    axis_url: str, cast: Cast
) -> None:
    draft, sent = released_to_far(axis_url, cast)
    assert worker.send_one(sent.pk) == "delivered"
    drain_theirs(axis_url)
    draft_recall(actor=actor_of(cast, cast.clerk_a), draft=draft, reason="Ban hành nhầm nơi nhận")
    recall = OutboxLine.objects.get(receiver=sent.receiver, business_type=1)
    assert recall.route == Route.AXIS and worker.send_one(recall.pk) == "delivered"
    [(_item, raw)] = polled(their_adapter(axis_url), MessageType.EDOC)
    package = parse(raw)
    assert isinstance(package, EdocPackage) and package.bussiness is not None
    assert package.doc_type == BussinessDocType.REVOKE
    assert package.header.document_id == sent.document_key
    assert package.bussiness.bussiness_doc_reason == "Ban hành nhầm nơi nhận"
    assert package.attachments == []  # a recall names the document; its files are not sent again
