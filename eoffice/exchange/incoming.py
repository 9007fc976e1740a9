"""A checked package that carries a document becomes an incoming document: a new one (business
type 0) or a replacement (3), which also asks our văn thư to confirm that it replaces the copy we
hold of the earlier document (answered 15/16 by `services.change_request_accept/refuse`).

Recalls and updates are in `changes_in.py`, statuses in `statuses_in.py`. Each runs in one
transaction; a refusal raised here rolls everything back and the caller quarantines the raw
package. The Receipt's unique key (DocumentId, receiver, business type, revision) makes a second
copy of the same package an acknowledgement, not a second document.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.text import fold
from eoffice.directory.models import Agency
from eoffice.directory.tree import child_path
from eoffice.documents import blobs
from eoffice.documents.models import (
    Direction,
    Document,
    DocumentFile,
    DocumentStatus,
    FileRole,
    ReceivedVia,
)
from eoffice.exchange import edxml, feedback, pdfcheck
from eoffice.exchange.answers import Answer, Refused
from eoffice.exchange.edxml import mapping
from eoffice.exchange.models import Axis, Peer, PeerAgency, Receipt


def receiver_of(package: edxml.EdocPackage, receiver_code: str) -> Agency:
    addressed = [o.organ_id for o in package.header.to if o.organ_id]
    code = receiver_code or next(
        (c for c in addressed if Agency.objects.filter(code=c, hosted=True).exists()), ""
    )
    agency = Agency.objects.filter(code=code, hosted=True).first() if code else None
    if agency is None:
        raise Refused("unknown_receiver", _("Cơ quan nhận không dùng hệ thống này."), code)
    if addressed and code not in addressed:
        raise Refused("misaddressed", _("Gói tin không gửi cho cơ quan nhận này."), code)
    return agency


def sender_agency(organ: edxml.Organization, peer: Peer | None) -> Agency:
    """The sending agency in our directory: added (external, linked to the peer) on first contact.

    A peer may speak only for agencies it hosts: one of ours, or one another peer hosts, is refused.
    """
    if not organ.organ_id:
        raise Refused("missing_sender", _("Gói tin thiếu mã định danh cơ quan gửi."))
    agency = Agency.objects.filter(code=organ.organ_id).first()
    if agency is None:
        agency = Agency(
            code=organ.organ_id[:32], name=(organ.organ_name or organ.organ_id)[:500], hosted=False
        )
        agency.address, agency.email = organ.organ_add[:500], organ.email[:254]
        agency.refresh_search_text()
        agency.save()
        agency.tree_path = child_path(None, agency.pk)
        agency.save(update_fields=["tree_path"])
    if peer is None:
        return agency
    if agency.hosted:
        raise Refused("sender_is_hosted_here", _("Cơ quan gửi dùng hệ thống này, không thể gửi từ nơi khác."))
    link = PeerAgency.objects.filter(agency=agency).first()
    if link is None:
        PeerAgency.objects.create(peer=peer, agency=agency, synced_at=timezone.now())
    elif link.peer_id != peer.pk:
        raise Refused(
            "sender_not_of_peer", _("Cơ quan gửi không thuộc hệ thống đã gửi gói tin."), organ.organ_id
        )
    return agency


def document_of(package: edxml.EdocPackage, receiver: Agency, sender: Agency) -> tuple[Document, list[Any]]:
    mapped = mapping.incoming_fields(package)
    document = Document(
        **{**mapped.fields, "issuing_agency": sender},
        agency=receiver,
        direction=Direction.INCOMING,
        status=DocumentStatus.RECEIVED,
        received_via=ReceivedVia.EXCHANGE,
        received_at=timezone.now(),
    )
    type_name = package.header.document_type.type_name
    parts = [document.number_symbol, document.subject, document.organ_name, type_name]
    document.search_text = fold(" ".join(p for p in parts if p))[:4000]
    return document, [list(item) for item in mapped.other_information]


def package_files(package: edxml.EdocPackage) -> list[tuple[str, edxml.Payload, str]]:
    """(name, payload, content type) of every file the package carries, ZIP members unpacked."""
    return [
        (name, payload, attachment.content_type)
        for attachment in package.attachments
        for name, payload in attachment.files()
    ]


def _attach_files(document: Document, files: list[tuple[str, edxml.Payload, str]]) -> None:
    main_given = False
    for order, (name, payload, content_type) in enumerate(files):
        stored = blobs.store_bytes(payload.read_bytes(), content_type=content_type)
        is_main = not main_given and (content_type == "application/pdf" or name.lower().endswith(".pdf"))
        main_given = main_given or is_main
        DocumentFile.objects.create(
            document=document,
            stored_file=stored,
            role=FileRole.MAIN if is_main else FileRole.ATTACHMENT,
            file_name=name[:255] or f"tep-{order + 1}",
            sort_order=order,
        )


def held_copy(key: str, receiver: Agency) -> Receipt | None:
    """The receipt of our copy of the document `key` (received new or as a replacement)."""
    return (
        Receipt.objects.filter(
            document_key=key, receiver=receiver, business_type__in=(0, 3), revision="", document__isnull=False
        )
        .select_related("document")
        .first()
    )


def replace_revision(replaced_key: str) -> str:
    """The revision of a replacement's request about `replaced_key` (DocumentIds may be long)."""
    return "replace:" + hashlib.sha256(replaced_key.encode()).hexdigest()[:40]


def _already_received(key: str, receiver: Agency, business_type: int) -> bool:
    return Receipt.objects.filter(
        document_key=key, receiver=receiver, business_type=business_type, revision=""
    ).exists()


def _duplicate() -> Answer:
    return Answer("01", "duplicate", _("Gói tin đã được nhận trước đó."))


def receive_edoc(
    package: edxml.EdocPackage,
    *,
    peer: Peer | None,
    receiver_code: str,
    via: str,
    actor: Actor,
    axis: Axis | None = None,
) -> Answer:
    """A new document (0) or a replacing one (3) for one of our agencies."""
    receiver = receiver_of(package, receiver_code)
    business_type = int(package.doc_type)
    if business_type not in (0, 3):
        raise Refused(
            "business_type_unsupported", _("Loại nghiệp vụ của gói tin không hợp lệ."), str(business_type)
        )
    if _already_received(package.document_id, receiver, business_type):
        return _duplicate()
    files = package_files(package)
    # PAdES validation reads every PDF (tens of ms a MB): it runs before the transaction, so it
    # never holds SQLite's write lock (IMMEDIATE) or a PostgreSQL transaction open, and receipts
    # in two server workers validate side by side instead of queueing behind each other.
    reports = pdfcheck.check_files(files)
    return _store_edoc(package, files, reports, receiver=receiver, peer=peer, via=via, actor=actor, axis=axis)


@transaction.atomic
def _store_edoc(
    package: edxml.EdocPackage,
    files: list[tuple[str, edxml.Payload, str]],
    reports: list[dict[str, Any]],
    *,
    receiver: Agency,
    peer: Peer | None,
    via: str,
    actor: Actor,
    axis: Axis | None,
) -> Answer:
    business_type = int(package.doc_type)
    key = package.document_id
    if _already_received(key, receiver, business_type):  # a copy that arrived while we checked
        return _duplicate()
    sender = sender_agency(package.header.from_, peer)
    document, other = document_of(package, receiver, sender)
    document.save()
    _attach_files(document, files)
    try:
        with transaction.atomic():
            receipt = Receipt.objects.create(
                document_key=key,
                receiver=receiver,
                business_type=business_type,
                sender_code=package.header.from_.organ_id,
                sender=sender,
                peer=peer,
                axis=axis,
                document=document,
                signatures=reports,
                other_info=other,
                last_status_sent="01",
                received_at=document.received_at,
            )
    except IntegrityError:
        # The same package arrived twice at once: the other copy won; this one stores nothing.
        transaction.set_rollback(True)
        return _duplicate()
    replaced = _replace_requests(package, receipt) if business_type == 3 else []
    if via != "push":
        # Push answers 01 in the HTTP response; other routes report it as a status package.
        feedback.status_line(receipt, "01", actor=actor)
    audit.record(
        actor=actor,
        verb="exchange.received",
        target=document,
        agency_id=receiver.pk,
        data={
            "key": key,
            "from": package.header.from_.organ_id,
            "peer": peer.code if peer else "",
            "via": via,
            "replaces": replaced,
        },
    )
    return Answer("01", "arrived", _("Văn bản đã đến."))


def _replaced_keys(package: edxml.EdocPackage, receiver: Agency) -> list[str]:
    """The documents this replacement replaces for `receiver` (ReplacementInfo, else the
    Bussiness DocumentId), in order, once each."""
    bussiness = package.bussiness
    if bussiness is None:
        return []
    keys = [
        info.document_id
        for info in bussiness.replacement_info_list
        if info.document_id and (not info.organ_id_list or receiver.code in info.organ_id_list)
    ]
    if not bussiness.replacement_info_list and bussiness.document_id != package.document_id:
        keys.append(bussiness.document_id)
    return list(dict.fromkeys(k for k in keys if k))


def _replace_requests(package: edxml.EdocPackage, receipt: Receipt) -> list[str]:
    """Ask our văn thư to confirm, per copy we hold of a replaced document, that it is replaced.
    A replaced document we never had (or refused) is only named in the package's other info."""
    assert package.bussiness is not None
    asked = []
    for replaced in _replaced_keys(package, receipt.receiver):
        original = held_copy(replaced, receipt.receiver)
        if original is None:
            continue
        Receipt.objects.create(
            document_key=receipt.document_key,
            receiver=receipt.receiver,
            business_type=3,
            revision=replace_revision(replaced),
            sender_code=receipt.sender_code,
            sender=receipt.sender,
            peer=receipt.peer,
            axis=receipt.axis,
            payload={
                "replaces": replaced,
                "replaced_document_id": original.document_id,
                "document_id": receipt.document_id,
                "reason": package.bussiness.bussiness_doc_reason[:2000],
            },
            received_at=receipt.received_at,
        )
        asked.append(replaced)
    return asked
