"""A checked package becomes data: an incoming document (edoc) or a status on a timeline.

Both run in one transaction each; a refusal raised here rolls everything back and the caller
quarantines the raw package. The Receipt's unique key (DocumentId, receiver, business type) makes a
second copy of the same package an acknowledgement, not a second document.
"""

from __future__ import annotations

import datetime as dt
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
from eoffice.exchange import edxml, feedback, outbox, pdfcheck
from eoffice.exchange.answers import Answer, Refused
from eoffice.exchange.edxml import mapping
from eoffice.exchange.models import Axis, MessageKind, OutboxLine, Peer, PeerAgency, Receipt
from eoffice.outgoing.models import DeliveryStatus


def _receiver(package: edxml.EdocPackage, receiver_code: str) -> Agency:
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


@transaction.atomic
def receive_edoc(
    package: edxml.EdocPackage,
    *,
    peer: Peer | None,
    receiver_code: str,
    via: str,
    actor: Actor,
    axis: Axis | None = None,
) -> Answer:
    receiver = _receiver(package, receiver_code)
    business_type = int(package.doc_type)
    key = package.document_id
    if Receipt.objects.filter(document_key=key, receiver=receiver, business_type=business_type).exists():
        return Answer("01", "duplicate", _("Gói tin đã được nhận trước đó."))
    sender = sender_agency(package.header.from_, peer)
    if business_type == 1:
        return _receive_recall(package, receiver=receiver, sender=sender, peer=peer, actor=actor, axis=axis)
    if business_type != 0:
        raise Refused(
            "business_type_unsupported",
            _("Hệ thống chưa xử lý tự động loại nghiệp vụ này (cập nhật, thay thế)."),
            str(business_type),
        )
    files = [
        (name, payload, attachment.content_type)
        for attachment in package.attachments
        for name, payload in attachment.files()
    ]
    reports = pdfcheck.check_files(files)
    document, other = document_of(package, receiver, sender)
    document.save()
    _attach_files(document, files)
    try:
        with transaction.atomic():
            receipt = Receipt.objects.create(
                document_key=key,
                receiver=receiver,
                business_type=0,
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
        return Answer("01", "duplicate", _("Gói tin đã được nhận trước đó."))
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
        },
    )
    return Answer("01", "arrived", _("Văn bản đã đến."))


def _receive_recall(
    package: edxml.EdocPackage,
    *,
    receiver: Agency,
    sender: Agency,
    peer: Peer | None,
    actor: Actor,
    axis: Axis | None,
) -> Answer:
    """Thu hồi from another installation: kept for our clerk to accept (15) or refuse (16)."""
    recalled_key = (package.bussiness.document_id if package.bussiness else "") or package.document_id
    original = Receipt.objects.filter(document_key=recalled_key, receiver=receiver, business_type=0).first()
    if original is None:
        raise Refused(
            "unknown_document", _("Không có văn bản nào được nhận với mã này để thu hồi."), recalled_key
        )
    reason = package.bussiness.bussiness_doc_reason if package.bussiness else ""
    receipt = Receipt.objects.create(
        document_key=recalled_key,
        receiver=receiver,
        business_type=1,
        sender_code=package.header.from_.organ_id,
        sender=sender,
        peer=peer,
        axis=axis,
        other_info=[["TraceHeaderList/Bussiness/BussinessDocReason", reason]],
        received_at=timezone.now(),
    )
    audit.record(
        actor=actor,
        verb="exchange.recall_received",
        target=receipt,
        agency_id=receiver.pk,
        data={"key": recalled_key, "reason": reason[:500]},
    )
    return Answer("01", "arrived", _("Yêu cầu thu hồi đã đến."))


def _moment(value: dt.datetime | None) -> dt.datetime:
    if value is None:
        return timezone.now()
    return timezone.make_aware(value) if timezone.is_naive(value) else value


@transaction.atomic
def receive_status(package: edxml.StatusPackage, *, peer: Peer | None, actor: Actor) -> Answer:
    """A recipient's status for one of our deliveries: onto that delivery's timeline."""
    reporter = package.from_.organ_id
    line = (
        OutboxLine.objects.select_related("delivery")
        .filter(
            kind=MessageKind.EDOC,
            document_key=package.document_id,
            receiver__code=reporter,
            delivery__isnull=False,
        )
        .order_by("-business_type", "-id")
        .first()
    )
    if line is None or line.delivery is None:
        raise Refused(
            "unknown_document",
            _("Không có văn bản nào đã gửi cho cơ quan này với mã đó."),
            f"{package.document_id} / {reporter}",
        )
    if peer is not None and line.peer_id not in (None, peer.pk):
        raise Refused("wrong_peer", _("Trạng thái đến từ hệ thống không phải nơi đã nhận văn bản."), reporter)
    code = package.status_code
    if code in ("15", "16") and line.delivery.status != DeliveryStatus.RECALL_PENDING:
        raise Refused("no_recall_pending", _("Không có yêu cầu thu hồi nào đang chờ trả lời."), code)
    created = outbox.record_status(
        line.delivery,
        code,
        occurred_at=_moment(package.timestamp),
        description=package.description,
        staff=package.staff_info.staff,
    )
    if created:
        audit.record(
            actor=actor,
            verb="exchange.status_received",
            target=line.delivery,
            agency_id=line.sender_id,
            data={"key": package.document_id, "code": code, "from": reporter},
        )
    return Answer("01", "status_recorded" if created else "duplicate", _("Đã ghi nhận trạng thái."))
