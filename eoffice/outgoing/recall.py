"""Thu hồi (Điều 18.4.b; PL VI III.8; edXML status 15/16).

The sender's clerk recalls a released document: it is frozen (status "đã thu hồi"), the recall's
metadata is kept, and every hosted recipient is asked to confirm. A recipient's clerk accepts
(15) or refuses with a reason (16). On acceptance a copy that was never registered is deleted
with its metadata; a registered one (vào sổ) is withdrawn instead (documents.withdrawal): its
open work lines are recalled and it stays in the register marked "đã thu hồi", so the arrival
numbers have no gaps. Every step is written to the sender's tracking timeline.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, ValidationFailed
from eoffice.core.policies import require
from eoffice.documents.models import Document, DocumentStatus
from eoffice.documents.policies import is_clerk as is_incoming_clerk
from eoffice.documents.withdrawal import document_withdraw
from eoffice.outgoing import dispatch, policies, tracking
from eoffice.outgoing.models import Delivery, DeliveryEventKind, DeliveryStatus, Draft, DraftStatus, Recall
from eoffice.outgoing.transitions import apply_transition

MAX_REASON = 2000


def clean_reason(reason: str) -> str:
    if "\x00" in reason:
        # PostgreSQL cannot store a NUL in text; no reason typed by a person holds one.
        raise ValidationFailed("reason_invalid", _("Không được chứa ký tự NUL (mã 0)."), field="reason")
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationFailed("reason_required", _("Phải nêu lý do."), field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationFailed(
            "reason_too_long",
            _("Lý do tối đa %(max_reason)s ký tự.") % {"max_reason": MAX_REASON},
            field="reason",
        )
    return reason


@transaction.atomic
def draft_recall(*, actor: Actor, draft: Draft, reason: str) -> Recall:
    reason = clean_reason(reason)
    # Why the lock: a recall racing a second recall (or the release) of the same document.
    draft = Draft.objects.select_for_update(of=("self",)).select_related("agency").get(pk=draft.pk)
    policies.require_clerk(actor, draft.agency)
    if draft.status != DraftStatus.RELEASED:
        raise Conflict("not_released", _("Chỉ thu hồi được văn bản đã phát hành."))
    recall = Recall.objects.create(
        draft=draft, reason=reason, requested_by=actor.user, requested_at=timezone.now()
    )
    asked = list(Delivery.objects.filter(draft=draft, incoming__isnull=False))
    Delivery.objects.filter(pk__in=[d.pk for d in asked]).update(status=DeliveryStatus.RECALL_PENDING)
    tracking.record(asked, DeliveryEventKind.RECALL_REQUESTED, actor=actor, note=reason)
    # External recipients never received it (still waiting for the exchange): nothing to ask.
    Delivery.objects.filter(draft=draft, hosted=False).exclude(status=DeliveryStatus.REJECTED).update(
        status=DeliveryStatus.RECALLED
    )
    apply_transition(draft, DraftStatus.RECALLED)
    # Recipients of other installations are asked through the exchange outbox (business type 1).
    dispatch.recalled(draft, reason, actor)
    audit.record(
        actor=actor,
        verb="outgoing.recalled",
        target=draft,
        agency_id=draft.agency_id,
        data={"reason": reason},
    )
    return recall


def _pending(actor: Actor, delivery: Delivery) -> Delivery:
    # Why the lock: the recipient's answer racing another answer to the same recall.
    delivery = Delivery.objects.select_for_update(of=("self",)).select_related("agency").get(pk=delivery.pk)
    require(
        is_incoming_clerk(actor, delivery.agency), _("Chỉ văn thư của cơ quan nhận mới được trả lời thu hồi.")
    )
    if delivery.status != DeliveryStatus.RECALL_PENDING:
        raise Conflict("no_recall_pending", _("Không có yêu cầu thu hồi nào đang chờ trả lời."))
    return delivery


@transaction.atomic
def recall_accept(*, actor: Actor, delivery: Delivery) -> Delivery:
    """15: the recipient agrees; an unregistered copy is deleted with its metadata, a registered
    one is withdrawn (kept in the register, out of every queue, its open work lines recalled)."""
    delivery = _pending(actor, delivery)
    # Why the lock: an unregistered copy must not be registered while it is being deleted.
    unregistered = (
        Document.objects.select_for_update()
        .filter(pk=delivery.incoming_id or 0, status__in=[DocumentStatus.RECEIVED, DocumentStatus.CONFIRMED])
        .first()
    )
    incoming = unregistered or Document.objects.filter(pk=delivery.incoming_id or 0).first()
    withdrawn = incoming is not None and unregistered is None
    if withdrawn:
        assert incoming is not None
        reason = Recall.objects.get(draft_id=delivery.draft_id).reason
        document_withdraw(actor=actor, document=incoming, reason=reason)
        delivery.status = DeliveryStatus.RECALLED
        delivery.save(update_fields=["status"])
    else:
        delivery.status, delivery.incoming = DeliveryStatus.RECALLED, None
        delivery.save(update_fields=["status", "incoming"])
        if incoming is not None:
            Document.objects.filter(pk=incoming.pk).delete()
    tracking.record([delivery], DeliveryEventKind.RECALL_ACCEPTED, actor=actor)
    dispatch.answered(delivery, "15", "", actor)
    audit.record(
        actor=actor,
        verb="outgoing.recall_accepted",
        target=delivery,
        agency_id=delivery.agency_id,
        data={"draft": delivery.draft_id, "withdrawn": withdrawn},
    )
    return delivery


@transaction.atomic
def recall_refuse(*, actor: Actor, delivery: Delivery, reason: str) -> Delivery:
    """16: the recipient refuses, with a reason; its copy stays."""
    reason = clean_reason(reason)
    delivery = _pending(actor, delivery)
    delivery.status, delivery.reason = DeliveryStatus.RECALL_REFUSED, reason
    delivery.save(update_fields=["status", "reason"])
    tracking.record([delivery], DeliveryEventKind.RECALL_REFUSED, actor=actor, note=reason)
    dispatch.answered(delivery, "16", reason, actor)
    audit.record(
        actor=actor,
        verb="outgoing.recall_refused",
        target=delivery,
        agency_id=delivery.agency_id,
        data={"draft": delivery.draft_id, "reason": reason},
    )
    return delivery
