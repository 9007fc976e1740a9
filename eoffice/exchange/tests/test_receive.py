"""Receipt over the real endpoint: signed request, signed envelope, edXML, idempotency, refusals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from eoffice.documents.models import Document, ReceivedVia
from eoffice.exchange import edxml, keys, packages
from eoffice.exchange.models import OutboxLine, PeerAgency, QuarantinedPackage, Receipt
from eoffice.exchange.tests.conftest import make_peer
from eoffice.outgoing.tests.conftest import pdf_bytes
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db
INBOX = "/exchange/inbox/"
SENDER = "000.00.00.G22"


def peer_pair(code: str = "eoffice-far") -> tuple[Any, keys.KeyPair]:
    pair = keys.make_self_signed(code)
    peer = make_peer(code)
    peer.certificate_pem = pair.cert_pem.decode()
    peer.save()
    return peer, pair


def edoc(receiver_code: str, *, key: str = f"{SENDER},2026/11/20,15/VPCP-TTĐT", subject: str = "") -> bytes:
    pdf = pdf_bytes(marker="far")
    attachment = edxml.Attachment(
        data=pdf,
        size=len(pdf),
        sha256=edxml.Payload.from_bytes(pdf).sha256,
        content_id="1",
        attachment_name="cong-van.pdf",
        content_type="application/pdf",
    )
    package = edxml.EdocPackage(
        header=edxml.MessageHeader(
            from_=edxml.Organization(organ_id=SENDER, organ_name="Văn phòng Chính phủ"),
            to=[edxml.Organization(organ_id=receiver_code, organ_name="Nơi nhận")],
            code=edxml.Code(code_number="15", code_notation="VPCP-TTĐT"),
            promulgation_info=edxml.PromulgationInfo(place="Hà Nội", promulgation_date=dt.date(2026, 11, 20)),
            document_type=edxml.DocumentType(type="1", type_name="Công văn"),
            subject=subject or "Về việc triển khai liên thông văn bản điện tử",
            content="Về việc triển khai liên thông văn bản điện tử",
            signer_info=edxml.SignerInfo(
                competence="KT. BỘ TRƯỞNG", position="Thứ trưởng", full_name="Nguyễn Văn A"
            ),
            due_date=dt.date(2026, 12, 31),
            other_info=edxml.OtherInfo(priority=1),
            document_id=key,
        ),
        bussiness=edxml.Bussiness(document_id=key, bussiness_doc_reason="Văn bản điện tử mới"),
        manifest=[
            edxml.ManifestReference(
                content_id="1", content_type="application/pdf", attachment_name="cong-van.pdf"
            )
        ],
        attachments=[attachment],
    )
    return edxml.build_edoc(package)


def post(client: Client, body: bytes, *, pair: keys.KeyPair, peer_code: str, receiver: str) -> Any:
    headers = keys.signed_headers(
        "POST", INBOX, keys.digest_of(body), key_pem=pair.key_pem, peer_code=peer_code
    )
    headers[packages.HEADER_RECEIVER] = receiver
    return client.post(INBOX, data=body, content_type="application/xml", headers=headers)


def signed(xml: bytes, pair: keys.KeyPair) -> bytes:
    return edxml.sign_envelope(xml, key_pem=pair.key_pem, cert_pem=pair.cert_pem)


def test_a_signed_package_arrives_once_with_its_fields_and_file(cast: Cast) -> None:
    peer, pair = peer_pair()
    body = signed(edoc(cast.agency_b.code), pair)
    client = Client()
    answer = post(client, body, pair=pair, peer_code=peer.code, receiver=cast.agency_b.code)
    assert answer.status_code == 200, answer.content
    assert answer.json()["status_code"] == "01"
    document = Document.objects.get(agency=cast.agency_b)
    assert document.received_via == ReceivedVia.EXCHANGE and document.number_symbol == "15/VPCP-TTĐT"
    assert document.subject.startswith("Về việc triển khai") and document.urgency == "khan"
    assert document.issued_date == dt.date(2026, 11, 20) and document.signer_full_name == "Nguyễn Văn A"
    assert document.files.get(role="main").file_name == "cong-van.pdf"
    receipt = Receipt.objects.get()
    assert receipt.peer == peer and receipt.document == document and receipt.sender_code == SENDER
    # The sender's agency is now known, and known to be hosted by that peer.
    assert PeerAgency.objects.get(agency__code=SENDER).peer == peer
    # The same POST again (a retry after a lost answer): acknowledged, not stored twice.
    again = post(client, body, pair=pair, peer_code=peer.code, receiver=cast.agency_b.code)
    assert again.status_code == 200 and again.json()["code"] == "duplicate"
    assert Document.objects.filter(agency=cast.agency_b).count() == 1 and Receipt.objects.count() == 1


def test_forged_request_is_refused_and_quarantined_nothing_stored(cast: Cast) -> None:
    peer, pair = peer_pair()
    forger = keys.make_self_signed("someone-else")
    body = signed(edoc(cast.agency_b.code), pair)
    answer = post(Client(), body, pair=forger, peer_code=peer.code, receiver=cast.agency_b.code)
    assert answer.status_code == 401
    assert answer.json()["status_code"] == "02" and answer.json()["code"] == "request_signature_invalid"
    assert not Document.objects.filter(agency=cast.agency_b).exists() and not Receipt.objects.exists()
    item = QuarantinedPackage.objects.get()
    assert item.code == "request_signature_invalid" and item.peer == peer and item.size == len(body)


def test_unknown_peer_is_refused_and_its_bytes_not_kept(cast: Cast) -> None:
    pair = keys.make_self_signed("stranger")
    answer = post(Client(), b"<x/>", pair=pair, peer_code="stranger", receiver=cast.agency_b.code)
    assert answer.status_code == 401 and answer.json()["code"] == "unknown_peer"
    assert not QuarantinedPackage.objects.exists()


def test_forged_envelope_is_refused_with_02_and_quarantined(cast: Cast) -> None:
    peer, pair = peer_pair()
    forger = keys.make_self_signed("forger")
    body = signed(edoc(cast.agency_b.code), forger)  # request signed right, envelope by someone else
    answer = post(Client(), body, pair=pair, peer_code=peer.code, receiver=cast.agency_b.code)
    assert answer.status_code == 422 and answer.json()["status_code"] == "02"
    assert answer.json()["code"] == "signature_invalid"
    assert not Document.objects.filter(agency=cast.agency_b).exists()
    assert QuarantinedPackage.objects.get().code == "signature_invalid"


def test_unsigned_envelope_and_malformed_xml_are_refused(cast: Cast) -> None:
    peer, pair = peer_pair()
    unsigned = post(
        Client(), edoc(cast.agency_b.code), pair=pair, peer_code=peer.code, receiver=cast.agency_b.code
    )
    assert unsigned.status_code == 422 and unsigned.json()["code"] == "signature_missing"
    assert QuarantinedPackage.objects.count() == 1 and not Receipt.objects.exists()


def test_package_for_an_agency_not_hosted_here_is_refused(cast: Cast) -> None:
    peer, pair = peer_pair()
    body = signed(edoc("999.99.99.Z99"), pair)
    answer = post(Client(), body, pair=pair, peer_code=peer.code, receiver="999.99.99.Z99")
    assert answer.status_code == 422 and answer.json()["code"] == "unknown_receiver"
    assert not Document.objects.filter(received_via="exchange").exists()


def test_peer_may_not_speak_for_an_agency_hosted_here(cast: Cast) -> None:
    peer, pair = peer_pair()
    xml = edoc(cast.agency_b.code, key=f"{cast.agency_a.code},2026/11/20,1/X").replace(
        SENDER.encode(), cast.agency_a.code.encode()
    )
    answer = post(Client(), signed(xml, pair), pair=pair, peer_code=peer.code, receiver=cast.agency_b.code)
    assert answer.status_code == 422 and answer.json()["code"] == "sender_is_hosted_here"
    assert not OutboxLine.objects.exists() and not Receipt.objects.exists()
