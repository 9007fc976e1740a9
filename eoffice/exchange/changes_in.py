"""A sender of another installation recalls (business type 1) or updates (2) a document it sent us.

Neither changes our copy by itself: each is kept as a request (a `Receipt` without a document,
`last_status_sent` empty while it waits) that our văn thư answers — 15 accepts (the copy is
withdrawn, or the update is applied), 16 refuses with a reason — in `services.py`. A document may
be updated many times: each update is its own request, told apart by a fingerprint of what it
carries and of the sender's timestamp, so a retried package is acknowledged once and not asked twice.
"""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.documents import blobs
from eoffice.exchange import edxml, incoming, pdfcheck
from eoffice.exchange.answers import Answer, Refused
from eoffice.exchange.edxml import mapping
from eoffice.exchange.models import Axis, Peer, Receipt

REASON_PATH = "TraceHeaderList/Bussiness/BussinessDocReason"


@transaction.atomic
def receive_change(
    package: edxml.EdocPackage,
    *,
    peer: Peer | None,
    receiver_code: str,
    via: str,
    actor: Actor,
    axis: Axis | None = None,
) -> Answer:
    receiver = incoming.receiver_of(package, receiver_code)
    bussiness = package.bussiness
    # The document concerned: the Bussiness DocumentId when given (2.2.4), else the header's.
    key = (bussiness.document_id if bussiness else "") or package.document_id
    business_type = int(package.doc_type)
    revision = fingerprint(package) if business_type == 2 else ""
    if Receipt.objects.filter(
        document_key=key, receiver=receiver, business_type=business_type, revision=revision
    ).exists():
        return Answer("01", "duplicate", _("Gói tin đã được nhận trước đó."))
    sender = incoming.sender_agency(package.header.from_, peer)
    original = incoming.held_copy(key, receiver)
    if original is None:
        raise Refused("unknown_document", _("Không có văn bản nào được nhận với mã này."), key)
    reason = bussiness.bussiness_doc_reason[:2000] if bussiness else ""
    receipt = Receipt(
        document_key=key,
        receiver=receiver,
        business_type=business_type,
        revision=revision,
        sender_code=package.header.from_.organ_id,
        sender=sender,
        peer=peer,
        axis=axis,
        other_info=[[REASON_PATH, reason]],
        payload={"reason": reason},
        received_at=timezone.now(),
    )
    if business_type == 2:
        files = incoming.package_files(package)
        receipt.signatures = pdfcheck.check_files(files)
        receipt.payload.update(_update_values(package, files))
    receipt.save()
    verb = "exchange.recall_received" if business_type == 1 else "exchange.update_received"
    audit.record(
        actor=actor,
        verb=verb,
        target=receipt,
        agency_id=receiver.pk,
        data={"key": key, "reason": reason[:500], "via": via, "revision": revision},
    )
    if business_type == 1:
        return Answer("01", "arrived", _("Yêu cầu thu hồi đã đến."))
    return Answer("01", "arrived", _("Yêu cầu cập nhật đã đến."))


def fingerprint(package: edxml.EdocPackage) -> str:
    """What tells one update from another: the sender's timestamp (the same on every retry of a
    package) and the values and files it carries."""
    header = package.header
    parts = [
        *(str(trace.timestamp) for trace in package.trace_headers[:1]),
        header.subject,
        str(header.other_info.priority),
        str(header.due_date),
        *sorted(attachment.sha256 for attachment in package.attachments),
    ]
    return "update:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()[:40]


def _update_values(
    package: edxml.EdocPackage, files: list[tuple[str, edxml.Payload, str]]
) -> dict[str, object]:
    """The new values an update brings, and its files stored (content-addressed) for the answer."""
    fields = mapping.incoming_fields(package).fields
    stored = []
    for name, payload, content_type in files:
        blob = blobs.store_bytes(payload.read_bytes(), content_type=content_type)
        stored.append({"stored_file_id": blob.pk, "name": name[:255], "content_type": content_type})
    due = fields["due_date"]
    return {
        "subject": fields["subject"],
        "urgency": fields["urgency"],
        "due_date": due.isoformat() if due else None,
        "files": stored,
    }
