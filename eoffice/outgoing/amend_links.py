"""Thay thế and đính chính (Điều 18.3; edXML business type 3): a later document of the same
agency names an earlier released one it replaces or corrects.

The link is chosen while drafting (DraftVersion.replaces_draft / corrects_draft) and checked
twice: when the version is saved, and again when the new document is released, since the earlier
one may have been recalled in between. At release the earlier document is marked at once for the
sender and for every recipient; a replacement also asks each recipient holding a copy to confirm
(15/16) — one of another installation through the exchange, which sends it the replacement as a
business type 3 package.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, ValidationFailed
from eoffice.directory.models import Agency
from eoffice.outgoing import tracking
from eoffice.outgoing.models import (
    Amendment,
    AmendmentAnswer,
    AmendmentKind,
    Delivery,
    DeliveryEventKind,
    DeliveryStatus,
    Draft,
    DraftStatus,
    DraftVersion,
)

# Copies that still exist at the recipient and can be asked about a change.
GONE_DELIVERY_STATUSES = (DeliveryStatus.REJECTED, DeliveryStatus.RECALLED, DeliveryStatus.RECALL_PENDING)


def linked_draft(
    agency: Agency, draft_id: int | None, field: str, *, exclude: int | None = None
) -> Draft | None:
    """The released document of `agency` that `draft_id` names, or a refusal beside `field`."""
    if draft_id is None:
        return None
    found = Draft.objects.filter(pk=draft_id, agency=agency).exclude(pk=exclude or 0).first()
    if found is None:
        raise ValidationFailed(
            "unknown_draft",
            _("Không tìm thấy văn bản đi đã phát hành của cơ quan với mã số này."),
            field=field,
        )
    if found.status != DraftStatus.RELEASED:
        raise ValidationFailed(
            "not_released",
            _("Chỉ thay thế hoặc đính chính được văn bản đã phát hành (chưa bị thu hồi)."),
            field=field,
        )
    return found


# An external recipient holds a copy once the exchange delivered it (01 and on); one still waiting
# gets the document as it is when the exchange sends it, so there is nothing to ask it.
HELD_EXTERNAL_STATUSES = (
    DeliveryStatus.ARRIVED,
    DeliveryStatus.ACCEPTED,
    DeliveryStatus.ASSIGNED,
    DeliveryStatus.PROCESSING,
    DeliveryStatus.DONE,
)


def live_deliveries(draft: Draft) -> list[Delivery]:
    """Recipients still holding a copy of `draft`: hosted ones with their incoming copy, and those
    of other installations the exchange delivered it to (asked through the exchange)."""
    return list(
        Delivery.objects.filter(
            Q(hosted=True, incoming__isnull=False) | Q(hosted=False, status__in=HELD_EXTERNAL_STATUSES),
            draft=draft,
        ).exclude(status__in=GONE_DELIVERY_STATUSES)
    )


def _link(actor: Actor, draft: Draft, target_id: int, kind: str, reason: str) -> Amendment:
    # Why the lock: the earlier document must not be recalled while it is being marked.
    target = Draft.objects.select_for_update(of=("self",)).filter(pk=target_id).first()
    if target is None or target.agency_id != draft.agency_id or target.status != DraftStatus.RELEASED:
        raise Conflict(
            "link_not_released",
            _("Văn bản được thay thế hoặc đính chính không còn ở trạng thái đã phát hành."),
        )
    now = timezone.now()
    amendment = Amendment.objects.create(
        draft=target, kind=kind, by_draft=draft, reason=reason, requested_by=actor.user, requested_at=now
    )
    deliveries = live_deliveries(target)
    if kind == AmendmentKind.REPLACE:
        AmendmentAnswer.objects.bulk_create(
            [AmendmentAnswer(amendment=amendment, delivery=d) for d in deliveries], batch_size=2000
        )
        tracking.record(deliveries, DeliveryEventKind.REPLACE_REQUESTED, actor=actor, note=reason, at=now)
    else:
        tracking.record(deliveries, DeliveryEventKind.CORRECTED, actor=actor, note=reason, at=now)
    audit.record(
        actor=actor,
        verb=f"outgoing.{kind}d" if kind == AmendmentKind.REPLACE else "outgoing.corrected",
        target=target,
        agency_id=target.agency_id,
        data={"by": draft.pk, "recipients": len(deliveries)},
    )
    return amendment


def links_activate(*, actor: Actor, draft: Draft, version: DraftVersion) -> list[Amendment]:
    """Called by draft_release, in its transaction, once `draft` is released."""
    reason = version.note or version.subject
    made = []
    if version.replaces_draft_id is not None:
        made.append(_link(actor, draft, version.replaces_draft_id, AmendmentKind.REPLACE, reason))
    if version.corrects_draft_id is not None:
        made.append(_link(actor, draft, version.corrects_draft_id, AmendmentKind.CORRECTION, reason))
    return made
