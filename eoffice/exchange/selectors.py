"""Reads of the exchange, scoped by who asks: an agency's văn thư and admin see their agency's
lines and receipts; the system administrator sees everything, including the quarantine and peers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core.actor import Actor
from eoffice.core.errors import NotFound
from eoffice.exchange import policies
from eoffice.exchange.models import (
    LineState,
    MessageKind,
    OutboxLine,
    Peer,
    QuarantinedPackage,
    QuarantineState,
    Receipt,
    Route,
    StatusEvent,
)
from eoffice.exchange.outbox import PROGRESS_RANK
from eoffice.outgoing.dispatch import RemoteStatus
from eoffice.outgoing.models import Delivery

FAILED_BOX = (LineState.FAILED, LineState.REJECTED)


def _agency_ids(actor: Actor) -> list[int] | None:
    """None = every agency (system admin); else the acting position's agency when it may watch."""
    if actor.is_superuser:
        return None
    position = actor.position
    if position is None or not policies.watches(actor, position.agency):
        return []
    return [position.agency_id]


def require_monitor(actor: Actor) -> None:
    """The monitor is for the agency's văn thư and admin, and the system administrator."""
    position = actor.position
    allowed = actor.is_superuser or (position is not None and policies.watches(actor, position.agency))
    policies.require(allowed, _("Chỉ văn thư hoặc quản trị của cơ quan mới theo dõi được liên thông."))


def lines(actor: Actor, *, state: str = "", box: str = "") -> QuerySet[OutboxLine]:
    """Lines this agency sent (documents and statuses), newest first."""
    require_monitor(actor)
    qs = OutboxLine.objects.select_related("receiver", "sender", "peer", "delivery", "draft")
    agencies = _agency_ids(actor)
    if agencies is not None:
        qs = qs.filter(sender_id__in=agencies)
    if box == "failed":
        qs = qs.filter(state__in=FAILED_BOX)
    elif state in LineState.values:
        qs = qs.filter(state=state)
    elif state:
        # An unknown state matches nothing, without sending it to the database (PostgreSQL
        # refuses a NUL byte in a parameter with an error, not an empty answer).
        qs = qs.none()
    return qs.order_by("-created_at", "-id")


def line_get(actor: Actor, line_id: int) -> OutboxLine:
    line = lines(actor).filter(pk=line_id).first()
    if line is None:
        raise NotFound()
    return line


def _in_order(events: Iterable[StatusEvent]) -> list[StatusEvent]:
    """Statuses in the order they happened. edXML times travel to the second and status packages
    may arrive out of order (03 and 04 sent in the same second, 04 first), so within one second
    the receiver's progress order decides, not the order of arrival."""
    last = len(PROGRESS_RANK) + 1  # acts (02, 15, 16) after the progress of the same second
    return sorted(
        events, key=lambda e: (e.occurred_at.replace(microsecond=0), PROGRESS_RANK.get(e.code, last), e.pk)
    )


def timeline(line: OutboxLine) -> list[StatusEvent]:
    if line.delivery_id is None:
        return []
    return _in_order(StatusEvent.objects.filter(delivery_id=line.delivery_id))


def delivery_statuses(deliveries: list[Delivery]) -> dict[int, list[RemoteStatus]]:
    """Every delivery's timeline, in one query, for the sender's draft page (outgoing's hook:
    whoever may see the draft's recipients may see what they reported)."""
    by_delivery: dict[int, list[StatusEvent]] = defaultdict(list)
    for event in StatusEvent.objects.filter(delivery_id__in=[d.pk for d in deliveries]):
        by_delivery[event.delivery_id].append(event)
    return {
        pk: [RemoteStatus(e.code, e.label, e.occurred_at, e.staff, e.description) for e in _in_order(events)]
        for pk, events in by_delivery.items()
    }


def receipts(actor: Actor) -> QuerySet[Receipt]:
    require_monitor(actor)
    qs = Receipt.objects.select_related("receiver", "sender", "peer", "document")
    agencies = _agency_ids(actor)
    if agencies is not None:
        qs = qs.filter(receiver_id__in=agencies)
    return qs.order_by("-received_at", "-id")


def receipt_get(actor: Actor, receipt_id: int) -> Receipt:
    receipt = receipts(actor).filter(pk=receipt_id).first()
    if receipt is None:
        raise NotFound()
    return receipt


def pending_requests(actor: Actor) -> QuerySet[Receipt]:
    """Recalls, updates and replacements from senders of other installations, waiting for 15/16."""
    return receipts(actor).filter(business_type__in=(1, 2, 3), document__isnull=True, last_status_sent="")


def received_documents(actor: Actor) -> QuerySet[Receipt]:
    """The documents themselves (new or replacing), not the requests about them."""
    return receipts(actor).filter(business_type__in=(0, 3), revision="")


def quarantine(actor: Actor, *, open_only: bool = True) -> QuerySet[QuarantinedPackage]:
    policies.require_system_admin(actor)
    qs = QuarantinedPackage.objects.select_related("peer")
    return qs.filter(state=QuarantineState.OPEN) if open_only else qs


def quarantine_get(actor: Actor, item_id: int) -> QuarantinedPackage:
    item = quarantine(actor, open_only=False).filter(pk=item_id).first()
    if item is None:
        raise NotFound()
    return item


def peers(actor: Actor) -> QuerySet[Peer]:
    policies.require_system_admin(actor)
    return Peer.objects.all()


def peer_get(actor: Actor, peer_id: int) -> Peer:
    peer = peers(actor).filter(pk=peer_id).first()
    if peer is None:
        raise NotFound()
    return peer


@dataclass(frozen=True)
class Stats:
    sent: int
    failed: int
    pending: int
    latency_p50: float | None
    latency_p95: float | None
    received: int


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def last_hour(actor: Actor) -> Stats:
    """Throughput and latency (line written → peer answered 01) over the last hour, by route."""
    since = timezone.now() - timedelta(hours=1)
    mine = lines(actor).exclude(route=Route.HOSTED)
    delivered = list(
        mine.filter(state=LineState.DELIVERED, delivered_at__gte=since, kind=MessageKind.EDOC).values_list(
            "created_at", "delivered_at"
        )
    )
    latencies = [(d - c).total_seconds() for c, d in delivered if d is not None]
    return Stats(
        sent=len(delivered),
        failed=mine.filter(state__in=FAILED_BOX, last_attempt_at__gte=since).count(),
        pending=mine.filter(state=LineState.PENDING).count(),
        latency_p50=_percentile(latencies, 0.5),
        latency_p95=_percentile(latencies, 0.95),
        received=receipts(actor).filter(received_at__gte=since).count(),
    )


def search(qs: QuerySet[OutboxLine], text: str) -> QuerySet[OutboxLine]:
    text = text.strip()
    if not text:
        return qs
    return qs.filter(Q(document_key__icontains=text) | Q(receiver__name__icontains=text))
