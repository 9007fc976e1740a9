"""Thu hồi (Điều 18.4.b; PL VI III.8; edXML status 15/16).

The sender's clerk recalls a released document: it is frozen (status "đã thu hồi"), the recall's
metadata is kept, and every hosted recipient is asked to confirm. A recipient's clerk accepts
(15: the copy leaves their queue and is deleted with its metadata) or refuses with a reason (16).

Limitation: a copy the recipient has already registered (vào sổ) cannot be removed here, since
its arrival number and work lines must stay; accepting it is refused with a clear message.
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
from eoffice.outgoing import dispatch, policies
from eoffice.outgoing.models import Delivery, DeliveryStatus, Draft, DraftStatus, Recall
from eoffice.outgoing.transitions import apply_transition

MAX_REASON = 2000


def _reason(reason: str) -> str:
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
    reason = _reason(reason)
    # Why the lock: a recall racing a second recall (or the release) of the same document.
    draft = Draft.objects.select_for_update(of=("self",)).select_related("agency").get(pk=draft.pk)
    policies.require_clerk(actor, draft.agency)
    if draft.status != DraftStatus.RELEASED:
        raise Conflict("not_released", _("Chỉ thu hồi được văn bản đã phát hành."))
    recall = Recall.objects.create(
        draft=draft, reason=reason, requested_by=actor.user, requested_at=timezone.now()
    )
    Delivery.objects.filter(draft=draft, incoming__isnull=False).update(status=DeliveryStatus.RECALL_PENDING)
    # External recipients never received it (still waiting for the exchange): nothing to ask.
    Delivery.objects.filter(draft=draft, hosted=False).update(status=DeliveryStatus.RECALLED)
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
    """15: the recipient agrees; its copy and the copy's metadata are deleted."""
    delivery = _pending(actor, delivery)
    incoming = Document.objects.select_for_update().filter(pk=delivery.incoming_id or 0).first()
    if incoming is not None and incoming.status not in (DocumentStatus.RECEIVED, DocumentStatus.CONFIRMED):
        raise Conflict(
            "already_registered",
            _(
                "Văn bản đã vào sổ và đang xử lý; không thể xóa tự động, "
                "hãy trả lời từ chối thu hồi kèm lý do."
            ),
        )
    delivery.status, delivery.incoming = DeliveryStatus.RECALLED, None
    delivery.save(update_fields=["status", "incoming"])
    if incoming is not None:
        incoming.delete()
    dispatch.answered(delivery, "15", "", actor)
    audit.record(
        actor=actor,
        verb="outgoing.recall_accepted",
        target=delivery,
        agency_id=delivery.agency_id,
        data={"draft": delivery.draft_id},
    )
    return delivery


@transaction.atomic
def recall_refuse(*, actor: Actor, delivery: Delivery, reason: str) -> Delivery:
    """16: the recipient refuses, with a reason; its copy stays."""
    reason = _reason(reason)
    delivery = _pending(actor, delivery)
    delivery.status, delivery.reason = DeliveryStatus.RECALL_REFUSED, reason
    delivery.save(update_fields=["status", "reason"])
    dispatch.answered(delivery, "16", reason, actor)
    audit.record(
        actor=actor,
        verb="outgoing.recall_refused",
        target=delivery,
        agency_id=delivery.agency_id,
        data={"draft": delivery.draft_id, "reason": reason},
    )
    return delivery
