"""The sender's tracking timeline: what happened to each recipient's copy, in order.

Events are written by the services that cause them (release, refusal, recall, update, replace,
correction), in the same transaction; the recipient's own processing (vào sổ, xử lý) is followed
live from its copy (release.delivery_statuses) and not duplicated here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from eoffice.core.actor import Actor
from eoffice.outgoing.models import Delivery, DeliveryEvent, DeliveryEventKind


def actor_label(actor: Actor | None) -> str:
    if actor is None or actor.user is None:
        return ""
    user = actor.user
    name = getattr(user, "full_name", "") or user.get_username()
    return str(name)[:200]


def record(
    deliveries: Iterable[Delivery],
    kind: str,
    *,
    actor: Actor | None = None,
    note: str = "",
    at: datetime | None = None,
) -> None:
    when = at or timezone.now()
    who = actor_label(actor)
    DeliveryEvent.objects.bulk_create(
        [DeliveryEvent(delivery=d, kind=kind, at=when, actor_name=who, note=note[:2000]) for d in deliveries],
        batch_size=2000,
    )


def timelines(deliveries: list[Delivery], draft_id: int) -> dict[int, list[DeliveryEvent]]:
    """Every delivery's events of a document, oldest first, in one query. The first one (arrived,
    or waiting for the exchange) is not stored: it is the delivery itself, so a release to
    thousands of recipients writes no extra row per recipient."""
    by_delivery: dict[int, list[DeliveryEvent]] = defaultdict(list)
    for d in deliveries:
        first = DeliveryEventKind.ARRIVED if d.hosted else DeliveryEventKind.WAITING_EXCHANGE
        by_delivery[d.pk].append(DeliveryEvent(delivery=d, kind=first, at=d.sent_at))
    for event in DeliveryEvent.objects.filter(delivery__draft_id=draft_id).order_by("at", "id"):
        by_delivery[event.delivery_id].append(event)
    return by_delivery
