"""Phát hành (Điều 14–18): release a numbered document to its recipients and follow each copy.

Hosted recipients get their incoming copy in one transaction, with bulk inserts (documents, file
links to the same content-addressed blobs, deliveries), so every recipient sees it "đã đến" the
moment the release commits, however many there are. External recipients are recorded as waiting
for the exchange outbox (a later issue). Secret documents never travel electronically outside.

Lock order: draft row → audit chain head.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, ValidationFailed
from eoffice.core.policies import require
from eoffice.core.text import fold
from eoffice.directory.models import Agency
from eoffice.documents import tasks as document_tasks
from eoffice.documents.models import (
    Direction,
    Document,
    DocumentFile,
    DocumentStatus,
    FileRole,
    ReceivedVia,
)
from eoffice.documents.policies import is_clerk as is_incoming_clerk
from eoffice.outgoing import amend_links, dispatch, policies, tracking
from eoffice.outgoing.models import (
    Delivery,
    DeliveryEventKind,
    DeliveryStatus,
    Draft,
    DraftStatus,
    DraftVersion,
    OutgoingNumber,
)
from eoffice.outgoing.signing import delivered_files
from eoffice.outgoing.transitions import apply_transition
from eoffice.work.models import AssignmentLine

MAX_REASON = 2000
# The recipient's own processing, as the sender sees it.
_FOLLOWED: dict[str, str] = {
    DocumentStatus.RECEIVED: DeliveryStatus.ARRIVED,
    DocumentStatus.CONFIRMED: DeliveryStatus.ARRIVED,
    DocumentStatus.REGISTERED: DeliveryStatus.ACCEPTED,
    DocumentStatus.IN_PROGRESS: DeliveryStatus.PROCESSING,
    DocumentStatus.DONE: DeliveryStatus.DONE,
}


# Set by the sender's or recipient's acts, not followed from the recipient's processing.
_STORED = frozenset(
    {
        DeliveryStatus.REJECTED,
        DeliveryStatus.RECALL_PENDING,
        DeliveryStatus.RECALLED,
        DeliveryStatus.RECALL_REFUSED,
    }
)


def _incoming_copy(
    draft: Draft, version: DraftVersion, number: OutgoingNumber, recipient_id: int
) -> Document:
    signer = version.signer
    copy = Document(
        agency_id=recipient_id,
        direction=Direction.INCOMING,
        status=DocumentStatus.RECEIVED,
        document_type=version.document_type,
        code_number=number.code_number,
        code_notation=number.code_notation,
        issued_date=number.issued_date,
        issuing_agency=draft.agency,
        organ_name=draft.agency.name,
        subject=version.subject,
        signer_position=signer.title[:100] if signer else "",
        signer_full_name=signer.user.full_name[:50] if signer else "",
        signer_competence=version.signer_competence,
        urgency=version.urgency,
        secrecy=version.secrecy,
        due_date=version.due_date,
        received_via=ReceivedVia.INTERNAL,
        received_at=timezone.now(),
    )
    parts = [number.number_symbol, version.subject, draft.agency.name, version.document_type.name]
    copy.search_text = fold(" ".join(p for p in parts if p))[:4000]
    return copy


def deliver(
    draft: Draft, version: DraftVersion, number: OutgoingNumber, agencies: list[Agency], *, actor: Actor
) -> list[Delivery]:
    """Hand `version` to `agencies`: hosted ones get their incoming copy at once, external ones
    wait for the exchange. Bulk inserts, so thousands of recipients cost a handful of queries."""
    hosted = [a for a in agencies if a.hosted]
    external = [a for a in agencies if not a.hosted]
    copies = Document.objects.bulk_create([_incoming_copy(draft, version, number, a.pk) for a in hosted])
    # The signed PDFs when the document was digitally signed (refused until the organisation signed).
    files = delivered_files(draft, version)
    DocumentFile.objects.bulk_create(
        [
            DocumentFile(
                document=copy,
                stored_file_id=f.stored_file_id,
                role=FileRole.MAIN if f.role == "main" else FileRole.ATTACHMENT,
                file_name=f.file_name,
                sort_order=f.sort_order,
            )
            for copy in copies
            for f in files
        ],
        batch_size=2000,
    )
    now = timezone.now()
    deliveries = [
        Delivery(draft=draft, agency=a, hosted=True, status=DeliveryStatus.ARRIVED, incoming=c, sent_at=now)
        for a, c in zip(hosted, copies, strict=True)
    ] + [
        Delivery(draft=draft, agency=a, hosted=False, status=DeliveryStatus.WAITING_EXCHANGE, sent_at=now)
        for a in external
    ]
    Delivery.objects.bulk_create(deliveries, batch_size=2000)
    if copies:
        # Every copy links the same blobs: validating the first one fills the cache for all.
        first = copies[0].pk
        transaction.on_commit(lambda: document_tasks.check_signatures(first))
    # No tracking row per recipient here: the timeline starts from Delivery.sent_at (tracking.py).
    return deliveries


@transaction.atomic
def draft_release(*, actor: Actor, draft: Draft) -> list[Delivery]:
    # Why the lock: two clerks releasing at once must not both deliver.
    draft = Draft.objects.select_for_update(of=("self",)).select_related("agency").get(pk=draft.pk)
    policies.require_clerk(actor, draft.agency)
    if draft.status == DraftStatus.RELEASED:
        raise Conflict("already_released", _("Văn bản đã được phát hành."))
    if draft.status != DraftStatus.NUMBERED:
        raise Conflict("not_numbered", _("Văn bản chưa được cấp số, chưa thể phát hành."))
    version_id = draft.current_version_id
    assert version_id is not None
    version = DraftVersion.objects.select_related("document_type", "signer__user").get(pk=version_id)
    number = OutgoingNumber.objects.select_related("series").get(draft=draft)
    recipients = list(version.recipients.select_related("agency"))
    if not recipients:
        raise ValidationFailed("no_recipients", _("Văn bản chưa có nơi nhận trong danh bạ để phát hành."))
    external = [r.agency for r in recipients if not r.agency.hosted]
    if version.is_secret and external:
        raise ValidationFailed(
            "secret_external",
            _("Văn bản mật không được gửi điện tử ra ngoài hệ thống: %(agencies)s")
            % {"agencies": ", ".join(a.name for a in external[:5])},
            field="recipients",
        )
    deliveries = deliver(draft, version, number, [r.agency for r in recipients], actor=actor)
    hosted_count = sum(1 for d in deliveries if d.hosted)
    apply_transition(draft, DraftStatus.RELEASED)
    # The exchange outbox (one line per recipient), in this same transaction.
    dispatch.released(draft, deliveries, actor)
    # A document that replaces or corrects an earlier one marks it now (amend_links).
    amend_links.links_activate(actor=actor, draft=draft, version=version)
    audit.record(
        actor=actor,
        verb="outgoing.released",
        target=draft,
        agency_id=draft.agency_id,
        data={
            "symbol": number.number_symbol,
            "hosted": hosted_count,
            "external": len(deliveries) - hosted_count,
        },
    )
    return deliveries


@transaction.atomic
def delivery_reject(*, actor: Actor, delivery: Delivery, reason: str) -> Delivery:
    """The recipient's clerk refuses a copy that is not theirs or not valid (Điều 21.1): it leaves
    their queue, and the sender sees "từ chối" with the reason."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationFailed("reason_required", _("Phải nêu lý do từ chối."), field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationFailed(
            "reason_too_long",
            _("Lý do tối đa %(max_reason)s ký tự.") % {"max_reason": MAX_REASON},
            field="reason",
        )
    # Why the lock: a refusal racing the recipient's registration of the same copy.
    delivery = Delivery.objects.select_for_update(of=("self",)).select_related("agency").get(pk=delivery.pk)
    require(
        is_incoming_clerk(actor, delivery.agency), _("Chỉ văn thư của cơ quan nhận mới được từ chối văn bản.")
    )
    incoming = (
        Document.objects.select_for_update().filter(pk=delivery.incoming_id).first()
        if delivery.incoming_id is not None
        else None
    )
    if incoming is None or incoming.status not in (DocumentStatus.RECEIVED, DocumentStatus.CONFIRMED):
        raise Conflict("already_accepted", _("Văn bản đã được vào sổ, không thể từ chối."))
    delivery.status, delivery.reason, delivery.incoming = DeliveryStatus.REJECTED, reason, None
    delivery.save(update_fields=["status", "reason", "incoming"])
    incoming.delete()
    tracking.record([delivery], DeliveryEventKind.REJECTED, actor=actor, note=reason)
    dispatch.answered(delivery, "02", reason, actor)
    audit.record(
        actor=actor,
        verb="outgoing.delivery_rejected",
        target=delivery,
        agency_id=delivery.agency_id,
        data={"draft": delivery.draft_id, "reason": reason},
    )
    return delivery


def delivery_statuses(deliveries: list[Delivery]) -> dict[int, str]:
    """Each delivery's status as the sender sees it, following the recipient's own processing."""
    incoming_ids = [d.incoming_id for d in deliveries if d.incoming_id is not None]
    doc_status = dict(Document.objects.filter(pk__in=incoming_ids).values_list("pk", "status"))
    assigned = set(
        AssignmentLine.objects.filter(
            item__subject_type="documents.document", item__subject_id__in=incoming_ids
        ).values_list("item__subject_id", flat=True)
    )
    result: dict[int, str] = {}
    for d in deliveries:
        if d.incoming_id is None or d.status in _STORED:
            result[d.pk] = d.status
            continue
        followed = _FOLLOWED.get(doc_status.get(d.incoming_id, ""), DeliveryStatus.ARRIVED)
        if followed == DeliveryStatus.ACCEPTED and d.incoming_id in assigned:
            followed = DeliveryStatus.ASSIGNED
        result[d.pk] = followed
    return result
