"""What people do in the exchange: resend or cancel a failed line, review the quarantine, refuse a
package received from another installation (02), and answer its sender's recall, update or
replacement (15/16).

Peers and agency switches are in `peers.py`; the worker's writes in `worker.py`.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict
from eoffice.documents.models import Document, DocumentStatus
from eoffice.documents.withdrawal import document_withdraw
from eoffice.exchange import changes, feedback, incoming, outbox, policies
from eoffice.exchange.models import (
    OutboxLine,
    QuarantinedPackage,
    QuarantineState,
    Receipt,
)
from eoffice.outgoing.models import Delivery, DeliveryStatus
from eoffice.outgoing.recall import clean_reason


def _lock_line(line: OutboxLine) -> OutboxLine:
    # Why the lock: the worker recording an answer for the same line at the same moment.
    return OutboxLine.objects.select_for_update().select_related("sender").get(pk=line.pk)


@transaction.atomic
def line_resend(*, actor: Actor, line: OutboxLine) -> OutboxLine:
    """Put a failed (or refused) line back in the queue; attempts start again."""
    line = _lock_line(line)
    policies.require_clerk(actor, line.sender)
    outbox.transition(line, "resend")
    line.attempts, line.next_attempt_at, line.last_error = 0, timezone.now(), ""
    line.save(update_fields=["state", "attempts", "next_attempt_at", "last_error"])
    if line.delivery_id is not None and line.kind == "edoc" and line.business_type == 0:
        Delivery.objects.filter(pk=line.delivery_id).update(status=DeliveryStatus.WAITING_EXCHANGE)
    audit.record(
        actor=actor,
        verb="exchange.line_resent",
        target=line,
        agency_id=line.sender_id,
        data={"key": line.document_key},
    )
    outbox.kick([line.pk])
    return line


@transaction.atomic
def line_cancel(*, actor: Actor, line: OutboxLine, reason: str) -> OutboxLine:
    """Give up a failed line for good (the clerk sends the document another way)."""
    reason = clean_reason(reason)
    line = _lock_line(line)
    policies.require_clerk(actor, line.sender)
    outbox.transition(line, "cancel")
    line.last_error = reason
    line.save(update_fields=["state", "last_error"])
    audit.record(
        actor=actor,
        verb="exchange.line_cancelled",
        target=line,
        agency_id=line.sender_id,
        data={"key": line.document_key, "reason": reason},
    )
    return line


@transaction.atomic
def quarantine_dismiss(*, actor: Actor, item: QuarantinedPackage) -> QuarantinedPackage:
    policies.require_system_admin(actor)
    item = QuarantinedPackage.objects.select_for_update().get(pk=item.pk)
    if item.state != QuarantineState.OPEN:
        raise Conflict("already_reviewed", _("Gói tin này đã được xem xét."))
    item.state, item.handled_by, item.handled_at = QuarantineState.DISMISSED, actor.user, timezone.now()
    item.save(update_fields=["state", "handled_by", "handled_at"])
    audit.record(actor=actor, verb="exchange.quarantine_dismissed", target=item, data={"code": item.code})
    return item


def _lock_receipt(receipt: Receipt) -> Receipt:
    # Why the lock: the clerk's answer racing the document's registration (which reports 03).
    return Receipt.objects.select_for_update().select_related("receiver").get(pk=receipt.pk)


@transaction.atomic
def receipt_reject(*, actor: Actor, receipt: Receipt, reason: str) -> Receipt:
    """Từ chối (02): a package received from another installation is not ours or not valid."""
    reason = clean_reason(reason)
    receipt = _lock_receipt(receipt)
    policies.require_clerk(actor, receipt.receiver)
    document = (
        Document.objects.select_for_update().filter(pk=receipt.document_id).first()
        if receipt.document_id
        else None
    )
    if receipt.business_type not in (0, 3) or receipt.revision or document is None:
        raise Conflict("nothing_to_reject", _("Không còn văn bản nào để từ chối."))
    if document.status not in (DocumentStatus.RECEIVED, DocumentStatus.CONFIRMED):
        raise Conflict("already_accepted", _("Văn bản đã được vào sổ, không thể từ chối."))
    feedback.status_line(receipt, "02", actor=actor, description=reason)
    Receipt.objects.filter(pk=receipt.pk).update(last_status_sent="02", document=None)
    document.delete()
    audit.record(
        actor=actor,
        verb="exchange.receipt_rejected",
        target=receipt,
        agency_id=receipt.receiver_id,
        data={"key": receipt.document_key, "reason": reason},
    )
    return receipt


def _pending_request(actor: Actor, receipt: Receipt, kinds: tuple[int, ...]) -> Receipt:
    receipt = _lock_receipt(receipt)
    policies.require_clerk(actor, receipt.receiver)
    if receipt.business_type not in kinds or receipt.document_id or receipt.last_status_sent:
        if kinds == (1,):
            raise Conflict("no_recall_pending", _("Không có yêu cầu thu hồi nào đang chờ trả lời."))
        raise Conflict("no_change_pending", _("Không có yêu cầu cập nhật hay thay thế nào đang chờ trả lời."))
    return receipt


def _copy(receipt: Receipt) -> Document | None:
    """Our copy of the document a request is about (locked: the answer changes or removes it)."""
    original = incoming.held_copy(receipt.document_key, receipt.receiver)
    if original is None or original.document_id is None:
        return None
    return Document.objects.select_for_update().filter(pk=original.document_id).first()


@transaction.atomic
def recall_request_accept(*, actor: Actor, receipt: Receipt) -> Receipt:
    """15: a copy never registered is deleted; a registered one is withdrawn (its arrival number
    stays in the register, its open work lines are recalled), as for a hosted sender's recall."""
    receipt = _pending_request(actor, receipt, (1,))
    document = _copy(receipt)
    withdrawn = document is not None and document.status not in (
        DocumentStatus.RECEIVED,
        DocumentStatus.CONFIRMED,
    )
    feedback.status_line(receipt, "15", actor=actor)
    Receipt.objects.filter(pk=receipt.pk).update(last_status_sent="15")
    if document is not None and withdrawn:
        reason = str((receipt.payload or {}).get("reason", "")) or _("Cơ quan ban hành thu hồi văn bản")
        document_withdraw(actor=actor, document=document, reason=reason)
    elif document is not None:
        document.delete()
    audit.record(
        actor=actor,
        verb="exchange.recall_accepted",
        target=receipt,
        agency_id=receipt.receiver_id,
        data={"key": receipt.document_key, "withdrawn": withdrawn},
    )
    return receipt


@transaction.atomic
def recall_request_refuse(*, actor: Actor, receipt: Receipt, reason: str) -> Receipt:
    """16: the copy stays; the sender sees the reason."""
    reason = clean_reason(reason)
    receipt = _pending_request(actor, receipt, (1,))
    feedback.status_line(receipt, "16", actor=actor, description=reason)
    Receipt.objects.filter(pk=receipt.pk).update(last_status_sent="16")
    audit.record(
        actor=actor,
        verb="exchange.recall_refused",
        target=receipt,
        agency_id=receipt.receiver_id,
        data={"key": receipt.document_key, "reason": reason},
    )
    return receipt


@transaction.atomic
def change_request_accept(*, actor: Actor, receipt: Receipt) -> Receipt:
    """15 to an update (its values and files are applied to our copy) or to a replacement (our
    copy of the earlier document is confirmed as replaced; it stays, marked)."""
    receipt = _pending_request(actor, receipt, (2, 3))
    if receipt.business_type == 2:
        changes.require_earliest_update(receipt)
        document = _copy(receipt)
        if document is None or document.status == DocumentStatus.RECALLED:
            raise Conflict("copy_gone", _("Bản văn bản của cơ quan không còn, không thể cập nhật."))
        changes.apply_update(document, receipt.payload or {})
    feedback.status_line(receipt, "15", actor=actor)
    Receipt.objects.filter(pk=receipt.pk).update(last_status_sent="15")
    audit.record(
        actor=actor,
        verb="exchange.update_accepted" if receipt.business_type == 2 else "exchange.replace_accepted",
        target=receipt,
        agency_id=receipt.receiver_id,
        data={"key": receipt.document_key, "revision": receipt.revision},
    )
    return receipt


@transaction.atomic
def change_request_refuse(*, actor: Actor, receipt: Receipt, reason: str) -> Receipt:
    """16: our copy stays as it was; the sender sees the reason."""
    reason = clean_reason(reason)
    receipt = _pending_request(actor, receipt, (2, 3))
    if receipt.business_type == 2:
        changes.require_earliest_update(receipt)
    feedback.status_line(receipt, "16", actor=actor, description=reason)
    Receipt.objects.filter(pk=receipt.pk).update(last_status_sent="16")
    audit.record(
        actor=actor,
        verb="exchange.update_refused" if receipt.business_type == 2 else "exchange.replace_refused",
        target=receipt,
        agency_id=receipt.receiver_id,
        data={"key": receipt.document_key, "revision": receipt.revision, "reason": reason},
    )
    return receipt
