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
from eoffice.outgoing import tracking
from eoffice.outgoing.models import (
    Amendment,
    Delivery,
    DeliveryEventKind,
    DeliveryStatus,
    Draft,
    OutgoingNumber,
)

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


# A copy's fate decided by an act (02, 13→15/16), which its later progress does not undo.
DECIDED = (
    DeliveryStatus.REJECTED,
    DeliveryStatus.RECALL_PENDING,
    DeliveryStatus.RECALLED,
    DeliveryStatus.RECALL_REFUSED,
)
# Answers a recipient may give more than once (one per update it was asked about).
REPEATABLE = frozenset({"15", "16"})


def record_status(
    delivery: Delivery,
    code: str,
    *,
    occurred_at: datetime,
    description: str = "",
    staff: str = "",
    follow: bool = True,
) -> bool:
    """Append one status to a delivery's timeline; unless `follow` is False (an answer to an
    update or a replacement), the delivery's status follows it.

    Returns False for a status already recorded (a status package delivered twice).
    """
    # One event per code: a status (or a package's 01) delivered twice is the same event. An
    # answer is one per time it was given (the unique key on delivery, code and time).
    if code not in REPEATABLE and StatusEvent.objects.filter(delivery=delivery, code=code).exists():
        return False
    rank = PROGRESS_RANK.get(code)
    if rank is not None or code not in REPEATABLE:
        # edXML times travel to the second: a 03 (or a refusal, 02) stamped in the same second as
        # our 01 must not sort before it. Answers (15/16) keep their time: it identifies them.
        before = [c for c, r in PROGRESS_RANK.items() if rank is None or r < rank]
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
    status = DELIVERY_STATUS_OF_CODE.get(code) if follow else None
    if rank is not None and _overtaken(delivery, rank):
        # Status packages may arrive out of order (03→06 reported at once): the furthest step wins.
        status = None
    if created and status is not None:
        update: dict[str, object] = {"status": status}
        if code in ("02", "16"):
            update["reason"] = description[:2000]
        target = Delivery.objects.filter(pk=delivery.pk)
        if rank is not None:
            # The receiver's progress reported late (a 03 sent before a recall reached it) never
            # overwrites what was decided about the copy since: a refusal, a recall and its answer.
            target = target.exclude(status__in=DECIDED)
        target.update(**update)
    return created


def _replaced(draft: Draft) -> tuple[str, set[int]]:
    """The DocumentId of the earlier document `draft` replaces, and the receivers that got it
    through the exchange (they get the replacement as business type 3); ("", ∅) otherwise."""
    version = draft.current_version
    replaced_id = version.replaces_draft_id if version is not None else None
    if replaced_id is None:
        return "", set()
    number = OutgoingNumber.objects.filter(draft_id=replaced_id).first()
    if number is None:
        return "", set()
    # Replacement links stay inside one agency (amend_links.linked_draft): same issuer.
    held = OutboxLine.objects.filter(
        draft_id=replaced_id, kind=MessageKind.EDOC, business_type__in=(0, 3), state=LineState.DELIVERED
    ).exclude(route=Route.HOSTED)
    return document_key(draft.agency, number), set(held.values_list("receiver_id", flat=True))


def on_release(draft: Draft, deliveries: list[Delivery], actor: Actor) -> None:
    """Write the release's outbox lines. Runs inside draft_release's transaction."""
    number = OutgoingNumber.objects.get(draft=draft)
    key = document_key(draft.agency, number)
    replaced_key, replaced_for = _replaced(draft)
    now = timezone.now()
    agencies = Agency.objects.in_bulk([d.agency_id for d in deliveries])
    routes = routes_of(agencies.values())
    lines = []
    for d in deliveries:
        route, peer_id = routes[d.agency_id]
        hosted = route == Route.HOSTED
        replaces = not hosted and d.agency_id in replaced_for
        lines.append(
            OutboxLine(
                kind=MessageKind.EDOC,
                business_type=3 if replaces else 0,
                payload={"replaces": replaced_key} if replaces else {},
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

    transaction.on_commit(lambda: tasks.enqueue(line_ids))


def on_recall(draft: Draft, reason: str, actor: Actor) -> None:
    """Thu hồi to other installations: a recall package (business type 1) per receiver that got it.

    Runs inside draft_recall's transaction, after it marked every external delivery recalled:
    a receiver still waiting never got the document (its line is cancelled, "recalled" stands);
    one that got it must answer 15/16, so its delivery waits for the answer.
    """
    now = timezone.now()
    lines = list(
        OutboxLine.objects.select_for_update(of=("self",))
        .select_related("delivery")
        .filter(draft=draft, kind=MessageKind.EDOC, business_type__in=(0, 3))
        .exclude(route=Route.HOSTED)
    )
    sent = []
    for line in lines:
        if line.state in (LineState.PENDING, LineState.FAILED):
            transition(line, "cancel")
            line.save(update_fields=["state"])
        elif (
            line.state == LineState.DELIVERED
            and line.delivery is not None
            # A copy its receiver refused (02) is gone already: nothing to ask.
            and line.delivery.status != DeliveryStatus.REJECTED
        ):
            sent.append(line)
    Delivery.objects.filter(pk__in=[line.delivery_id for line in sent]).update(
        status=DeliveryStatus.RECALL_PENDING
    )
    asked = list(Delivery.objects.filter(pk__in=[line.delivery_id for line in sent]))
    tracking.record(asked, DeliveryEventKind.RECALL_REQUESTED, actor=actor, note=reason, at=now)
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


def on_update(amendment: Amendment, deliveries: list[Delivery], actor: Actor) -> None:
    """Cập nhật to other installations: an update package (business type 2) per receiver the
    document was delivered to, in draft_update's transaction. Each update of a document is its
    own package (`revision` = the version it wrote), answered 15/16 on its own."""
    assert amendment.version is not None
    now = timezone.now()
    delivered = {
        line.delivery_id: line
        for line in OutboxLine.objects.filter(
            draft_id=amendment.draft_id,
            delivery__in=deliveries,
            kind=MessageKind.EDOC,
            business_type__in=(0, 3),
            state=LineState.DELIVERED,
        )
    }
    updates = OutboxLine.objects.bulk_create(
        [
            OutboxLine(
                kind=MessageKind.EDOC,
                business_type=2,
                revision=f"v{amendment.version.number}",
                document_key=line.document_key,
                sender_id=line.sender_id,
                receiver_id=line.receiver_id,
                draft_id=amendment.draft_id,
                delivery_id=line.delivery_id,
                route=line.route,
                peer_id=line.peer_id,
                next_attempt_at=now,
                payload={"reason": amendment.reason, "amendment": amendment.pk},
                created_at=now,
            )
            for line in delivered.values()
        ]
    )
    kick([line.pk for line in updates])
