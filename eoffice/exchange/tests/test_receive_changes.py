"""Updates (type 2), replacements (3) and recall answers between installations, over the real endpoint.

Receiving side: an update or a replacement is a request the văn thư answers, applied only when
accepted, each one once however often its package is retried. Sending side: a 15/16 lands on the
amendment it answers, and the receiver's progress reported late never undoes a recall.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from eoffice.core.errors import Conflict
from eoffice.documents.models import Document
from eoffice.documents.notices import notices_for
from eoffice.exchange import edxml, keys, services, worker
from eoffice.exchange.models import OutboxLine, QuarantinedPackage, Receipt, StatusEvent
from eoffice.exchange.tests.conftest import external_agency, link, numbered_draft
from eoffice.exchange.tests.test_receive import SENDER, edoc, peer_pair, post, signed
from eoffice.outgoing import recall, release
from eoffice.outgoing.models import Delivery, DeliveryEvent, DeliveryStatus
from eoffice.outgoing.tests.conftest import actor_of
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db
KEY = f"{SENDER},2026/11/20,15/VPCP-TTĐT"


def _package(
    receiver: str,
    *,
    key: str = KEY,
    subject: str = "Về việc triển khai liên thông văn bản điện tử",
    doc_type: int = 0,
    at: dt.datetime = dt.datetime(2026, 11, 20, 9, 0),
    replaces: str = "",
) -> bytes:
    package = edxml.parse(edoc(receiver, key=key, subject=subject))
    assert isinstance(package, edxml.EdocPackage) and package.bussiness is not None
    package.trace_headers = [edxml.TraceHeader(SENDER, at)]
    package.bussiness.bussiness_doc_type = edxml.BussinessDocType(doc_type)
    if doc_type == 2:
        package.bussiness.bussiness_doc_reason = "Sửa trích yếu"
    if doc_type == 3:
        package.bussiness.document_id = replaces
        package.bussiness.replacement_info_list = [edxml.ReplacementInfo(replaces, [receiver])]
    return edxml.build_edoc(package)


def _send(cast: Cast, body: bytes, peer: Any, pair: keys.KeyPair) -> dict[str, Any]:
    answer = post(Client(), signed(body, pair), pair=pair, peer_code=peer.code, receiver=cast.agency_b.code)
    return {"http": answer.status_code, **answer.json()}


def _clerk(cast: Cast) -> Any:
    return actor_of(cast, cast.clerk_b)


def test_updates_wait_for_the_clerk_come_once_each_and_are_answered_in_order(cast: Cast) -> None:
    peer, pair = peer_pair()
    assert _send(cast, _package(cast.agency_b.code), peer, pair)["status_code"] == "01"
    copy = Document.objects.get(agency=cast.agency_b)
    first = _package(
        cast.agency_b.code, subject="Trích yếu sửa lần 1", doc_type=2, at=dt.datetime(2026, 11, 21, 8)
    )
    assert _send(cast, first, peer, pair)["code"] == "arrived"
    # The sender retries the same package (its answer was lost): acknowledged, asked once.
    assert _send(cast, first, peer, pair)["code"] == "duplicate"
    second = _package(
        cast.agency_b.code, subject="Trích yếu sửa lần 2", doc_type=2, at=dt.datetime(2026, 11, 22, 8)
    )
    assert _send(cast, second, peer, pair)["code"] == "arrived"
    earlier, later = Receipt.objects.filter(business_type=2).order_by("received_at", "id")
    assert earlier.payload["subject"] == "Trích yếu sửa lần 1" and earlier.payload["files"]
    copy.refresh_from_db()
    assert copy.subject.startswith("Về việc triển khai")  # nothing applied before an answer
    assert [n.code for n in notices_for(_clerk(cast), copy)] == ["update_request", "update_request"]
    # Answered in the order they came: the later one waits for the earlier.
    with pytest.raises(Conflict) as refused:
        services.change_request_accept(actor=_clerk(cast), receipt=later)
    assert refused.value.code == "earlier_update_pending"
    services.change_request_accept(actor=_clerk(cast), receipt=earlier)
    services.change_request_refuse(actor=_clerk(cast), receipt=later, reason="Không đúng thẩm quyền")
    copy.refresh_from_db()
    assert copy.subject == "Trích yếu sửa lần 1"
    statuses = OutboxLine.objects.filter(kind="status", receipt__business_type=2).order_by("id")
    assert [(s.status_code, s.document_key) for s in statuses] == [("15", KEY), ("16", KEY)]
    assert statuses[1].payload["description"] == "Không đúng thẩm quyền"


def test_an_update_of_a_document_never_received_is_refused_and_quarantined(cast: Cast) -> None:
    peer, pair = peer_pair()
    answer = _send(cast, _package(cast.agency_b.code, doc_type=2), peer, pair)
    assert (answer["http"], answer["status_code"], answer["code"]) == (422, "02", "unknown_document")
    assert QuarantinedPackage.objects.get().code == "unknown_document"
    assert not Receipt.objects.exists()


def test_a_replacement_is_a_new_document_and_a_request_about_the_copy_it_replaces(cast: Cast) -> None:
    peer, pair = peer_pair()
    _send(cast, _package(cast.agency_b.code), peer, pair)
    old = Document.objects.get(agency=cast.agency_b)
    new_key = f"{SENDER},2026/11/25,20/VPCP-TTĐT"
    body = _package(cast.agency_b.code, key=new_key, subject="Văn bản thay thế", doc_type=3, replaces=KEY)
    assert _send(cast, body, peer, pair)["code"] == "arrived"
    assert _send(cast, body, peer, pair)["code"] == "duplicate"
    new = Document.objects.get(agency=cast.agency_b, subject="Văn bản thay thế")
    (request,) = Receipt.objects.filter(business_type=3, document__isnull=True)
    assert request.document_key == new_key and request.payload["replaced_document_id"] == old.pk
    replaced = {n.code: n for n in notices_for(_clerk(cast), old)}["replaced"]
    assert replaced.link_url == f"/documents/{new.pk}/" and replaced.action_url
    assert {n.code: n for n in notices_for(_clerk(cast), new)}["replaces"].link_url == f"/documents/{old.pk}/"
    services.change_request_accept(actor=_clerk(cast), receipt=request)
    old.refresh_from_db()
    assert old.status == "received"  # marked, not removed
    line = OutboxLine.objects.get(kind="status", receipt=request)
    assert (line.status_code, line.document_key) == ("15", new_key)
    with pytest.raises(Conflict):
        services.change_request_refuse(actor=_clerk(cast), receipt=request, reason="Muộn")


def _status(code: str, reporter: str, key: str, at: dt.datetime, description: str = "") -> bytes:
    return edxml.build_status(
        edxml.StatusPackage(
            from_=edxml.Organization(organ_id=reporter, organ_name="Bộ Tài chính"),
            response_for=edxml.ResponseFor(document_id=key),
            staff_info=edxml.StaffInfo(staff="Văn thư BTC"),
            status_code=code,
            description=description,
            timestamp=at,
        )
    )


def test_late_progress_does_not_undo_a_recall_and_a_repeated_answer_is_one(cast: Cast) -> None:
    peer, pair = peer_pair()
    far = external_agency()
    link(peer, far)
    draft = numbered_draft(cast, recipient_ids=[far.pk])
    release.draft_release(actor=actor_of(cast, cast.clerk_a), draft=draft)
    line = OutboxLine.objects.get(receiver=far)
    worker.record_outcome(line.pk, worker.Outcome.delivered("Văn bản đã đến."))
    recall.draft_recall(actor=actor_of(cast, cast.clerk_a), draft=draft, reason="Ban hành nhầm")
    delivery = Delivery.objects.get(agency=far)
    assert delivery.status == DeliveryStatus.RECALL_PENDING
    client = Client()

    def send(body: bytes) -> dict[str, Any]:
        answer = post(client, signed(body, pair), pair=pair, peer_code=peer.code, receiver=cast.agency_a.code)
        return {"http": answer.status_code, **answer.json()}

    # The receiver registered it before the recall reached it: its 03 comes after the recall.
    assert (
        send(_status("03", far.code, line.document_key, dt.datetime(2026, 11, 21, 8)))["status_code"] == "01"
    )
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RECALL_PENDING
    refusal = _status("16", far.code, line.document_key, dt.datetime(2026, 11, 21, 9), "Đã giao xử lý")
    assert send(refusal)["code"] == "status_recorded"
    assert send(refusal)["code"] == "duplicate"  # the same package twice: one answer, no 02
    delivery.refresh_from_db()
    assert (delivery.status, delivery.reason) == (DeliveryStatus.RECALL_REFUSED, "Đã giao xử lý")
    assert StatusEvent.objects.filter(delivery=delivery, code="16").count() == 1
    kinds = list(DeliveryEvent.objects.filter(delivery=delivery).values_list("kind", flat=True))
    assert kinds == ["recall_requested", "recall_refused"]


def test_the_clerk_answers_an_update_on_its_page_and_others_may_not(cast: Cast) -> None:
    peer, pair = peer_pair()
    _send(cast, _package(cast.agency_b.code), peer, pair)
    _send(cast, _package(cast.agency_b.code, subject="Trích yếu mới", doc_type=2), peer, pair)
    request = Receipt.objects.get(business_type=2)
    url = f"/exchange/receipts/{request.pk}/"
    # Agency A's văn thư does not see B's receipts at all.
    other = Client()
    other.force_login(cast.clerk_a)
    assert other.get(url).status_code == 404
    assert other.post(url, {"action": "accept_change"}).status_code == 404
    clerk = Client()
    clerk.force_login(cast.clerk_b)
    page = clerk.get(url).content.decode()
    assert "Trích yếu mới" in page and "Đồng ý cập nhật (15)" in page and "Từ chối cập nhật (16)" in page
    monitor = clerk.get("/exchange/").content.decode()
    assert f'href="{url}"' in monitor
    # A refusal needs its reason, shown beside the form; then the acceptance goes through.
    assert "Phải nêu lý do" in clerk.post(url, {"action": "refuse_change", "reason": " "}).content.decode()
    assert clerk.post(url, {"action": "accept_change"}).status_code == 302
    assert Document.objects.get(agency=cast.agency_b).subject == "Trích yếu mới"
    request.refresh_from_db()
    assert request.last_status_sent == "15"
    assert "Đồng ý cập nhật (15)" not in clerk.get(url).content.decode()  # answered: no more buttons
