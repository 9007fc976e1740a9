"""The outbox: one line per package × receiver, written in the transaction of the change.

`on_release` runs inside `outgoing.release.draft_release` (registered through
`outgoing.dispatch`). Hosted receivers already have their incoming copy from the release, so
their line is written delivered, with the 01 event on their timeline; external receivers get a
pending line the worker drains (`tasks.drain_outbox`, kicked on commit so the first attempt is
immediate). Line states change only through `transition`.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict
from eoffice.directory.models import Agency
from eoffice.exchange.edxml import mapping
from eoffice.exchange.models import (
    LINE_TRANSITIONS,
    LineState,
    MessageKind,
    OutboxLine,
    PeerAgency,
    Route,
    StatusEvent,
)
from eoffice.outgoing.models import Delivery, DeliveryStatus, Draft, OutgoingNumber

# A recipient's reported status → the sender's view of that delivery.
DELIVERY_STATUS_OF_CODE: dict[str, str] = {
    "01": DeliveryStatus.ARRIVED,
    "02": DeliveryStatus.REJECTED,
    "03": DeliveryStatus.ACCEPTED,
    "04": DeliveryStatus.ASSIGNED,
    "05": DeliveryStatus.PROCESSING,
    "06": DeliveryStatus.DONE,
    "15": DeliveryStatus.RECALLED,
    "16": DeliveryStatus.RECALL_REFUSED,
}


def max_attempts() -> int:
    return int(getattr(settings, "EXCHANGE_MAX_ATTEMPTS", 8))


def backoff_delay(attempts: int, rng: random.Random | None = None) -> timedelta:
    """Exponential back-off with full jitter: uniform in [base·2^(n-1)/2, base·2^(n-1)], capped.

    Half of the window is kept so a line never retries at once after a failure; the random half
    spreads many lines failing together (a peer down) over time.
    """
    base = float(getattr(settings, "EXCHANGE_BACKOFF_BASE_SECONDS", 2.0))
    cap = float(getattr(settings, "EXCHANGE_BACKOFF_MAX_SECONDS", 3600.0))
    ceiling = min(cap, base * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=(rng or random.SystemRandom()).uniform(ceiling / 2, ceiling))


def document_key(agency: Agency, number: OutgoingNumber) -> str:
    """edXML DocumentId (edxml.md §6): `<OrganId>,<yyyy/MM/dd>,<number>/<symbol>`."""
    return mapping.document_id(agency.code, number.issued_date, number.number_symbol)


def transition(line: OutboxLine, action: str) -> None:
    """Set the line's next state, or refuse. The caller saves."""
    target = LINE_TRANSITIONS.get((line.state, action))
    if target is None:
        raise Conflict(
            "invalid_line_transition",
            "Không thể thực hiện thao tác này với dòng liên thông ở trạng thái hiện tại.",
            details={"state": line.state, "action": action},
        )
    line.state = target


def route_of(agency: Agency) -> tuple[str, int | None]:
    if agency.hosted:
        return Route.HOSTED, None
    link = PeerAgency.objects.filter(agency=agency).values_list("peer_id", flat=True).first()
    return (Route.PEER, link) if link is not None else (Route.AXIS, None)


def routes_of(agencies: Iterable[Agency]) -> dict[int, tuple[str, int | None]]:
    agencies = list(agencies)
    peers = dict(
        PeerAgency.objects.filter(agency_id__in=[a.pk for a in agencies if not a.hosted]).values_list(
            "agency_id", "peer_id"
        )
    )
    result: dict[int, tuple[str, int | None]] = {}
    for a in agencies:
        if a.hosted:
            result[a.pk] = (Route.HOSTED, None)
        elif a.pk in peers:
            result[a.pk] = (Route.PEER, peers[a.pk])
        else:
            result[a.pk] = (Route.AXIS, None)
    return result


# The receiver's progress, in order (QCVN 102 status codes); 02, 13, 15 and 16 are acts, not steps.
PROGRESS_RANK = {"01": 1, "03": 2, "04": 3, "05": 4, "06": 5}


def _overtaken(delivery: Delivery, rank: int) -> bool:
    later = [c for c, r in PROGRESS_RANK.items() if r > rank]
    return StatusEvent.objects.filter(delivery=delivery, code__in=later).exists()


def record_status(
    delivery: Delivery, code: str, *, occurred_at: datetime, description: str = "", staff: str = ""
) -> bool:
    """Append one status to a delivery's timeline; the delivery's status follows it.

    Returns False for a status already recorded (a status package delivered twice).
    """
    # One event per code: a status (or a package's 01) delivered twice is the same event.
    if StatusEvent.objects.filter(delivery=delivery, code=code).exists():
        return False
    rank = PROGRESS_RANK.get(code)
    if rank is not None:
        # edXML times travel to the second: a 03 stamped in the same second as our 01 must not sort before it.
        before = [c for c, r in PROGRESS_RANK.items() if r < rank]
        earlier = (
            StatusEvent.objects.filter(delivery=delivery, code__in=before)
            .order_by("-occurred_at")
            .values_list("occurred_at", flat=True)
            .first()
        )
        if earlier is not None and occurred_at < earlier:
            occurred_at = earlier
    _event, created = StatusEvent.objects.get_or_create(
        delivery=delivery,
        code=code,
        occurred_at=occurred_at,
        defaults={"description": description[:2000], "staff": staff[:200], "recorded_at": timezone.now()},
    )
    status = DELIVERY_STATUS_OF_CODE.get(code)
    if rank is not None and _overtaken(delivery, rank):
        # Status packages may arrive out of order (03→06 reported at once): the furthest step wins.
        status = None
    if created and status is not None:
        update: dict[str, object] = {"status": status}
        if code in ("02", "16"):
            update["reason"] = description[:2000]
        Delivery.objects.filter(pk=delivery.pk).update(**update)
    return created


def on_release(draft: Draft, deliveries: list[Delivery], actor: Actor) -> None:
    """Write the release's outbox lines. Runs inside draft_release's transaction."""
    number = OutgoingNumber.objects.get(draft=draft)
    key = document_key(draft.agency, number)
    now = timezone.now()
    agencies = Agency.objects.in_bulk([d.agency_id for d in deliveries])
    routes = routes_of(agencies.values())
    lines = []
    for d in deliveries:
        route, peer_id = routes[d.agency_id]
        hosted = route == Route.HOSTED
        lines.append(
            OutboxLine(
                kind=MessageKind.EDOC,
                business_type=0,
                document_key=key,
                sender_id=draft.agency_id,
                receiver_id=d.agency_id,
                draft=draft,
                delivery=d,
                route=route,
                peer_id=peer_id,
                state=LineState.DELIVERED if hosted else LineState.PENDING,
                next_attempt_at=None if hosted else now,
                created_at=now,
                delivered_at=now if hosted else None,
            )
        )
    OutboxLine.objects.bulk_create(lines, batch_size=2000)
    pending = [line.pk for line in lines if line.state == LineState.PENDING]
    StatusEvent.objects.bulk_create(
        [
            StatusEvent(delivery=d, code="01", occurred_at=now, recorded_at=now)
            for d in deliveries
            if routes[d.agency_id][0] == Route.HOSTED
        ],
        batch_size=2000,
    )
    kick(pending)


def kick(line_ids: list[int]) -> None:
    """Send these lines as soon as the transaction commits: the first attempt is immediate.

    Lines the kick misses (worker down, queue lost) are picked up by the periodic drain.
    """
    if not line_ids:
        return
    from eoffice.exchange import tasks

    transaction.on_commit(lambda: tasks.send_lines(line_ids))


def on_recall(draft: Draft, reason: str, actor: Actor) -> None:
    """Thu hồi to other installations: a recall package (business type 1) per receiver that got it.

    Runs inside draft_recall's transaction, after it marked every external delivery recalled:
    a receiver still waiting never got the document (its line is cancelled, "recalled" stands);
    one that got it must answer 15/16, so its delivery waits for the answer.
    """
    now = timezone.now()
    lines = list(
        OutboxLine.objects.select_for_update()
        .filter(draft=draft, kind=MessageKind.EDOC, business_type=0)
        .exclude(route=Route.HOSTED)
    )
    sent = []
    for line in lines:
        if line.state in (LineState.PENDING, LineState.FAILED):
            transition(line, "cancel")
            line.save(update_fields=["state"])
        elif line.state == LineState.DELIVERED and line.delivery_id is not None:
            sent.append(line)
    Delivery.objects.filter(pk__in=[line.delivery_id for line in sent]).update(
        status=DeliveryStatus.RECALL_PENDING
    )
    recalls = OutboxLine.objects.bulk_create(
        [
            OutboxLine(
                kind=MessageKind.EDOC,
                business_type=1,
                document_key=line.document_key,
                sender_id=line.sender_id,
                receiver_id=line.receiver_id,
                draft=draft,
                delivery_id=line.delivery_id,
                route=line.route,
                peer_id=line.peer_id,
                next_attempt_at=now,
                payload={"reason": reason},
                created_at=now,
            )
            for line in sent
        ]
    )
    kick([line.pk for line in recalls])
