"""The worker's side of the outbox: claim a due line, hand it to its route, record the outcome.

A line is claimed by one conditional UPDATE (state pending, due now → due after a lease), so two
workers never send it at once and a worker killed mid-send leaves it due again after the lease;
the receiver's idempotent receipt absorbs the second copy. The outcome is recorded in its own
transaction: delivered (01 on the timeline), rejected (02 with the peer's reason, final), or a
retry after exponential back-off — after `EXCHANGE_MAX_ATTEMPTS` the line lands in the failed box.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.exchange import outbox, transports
from eoffice.exchange.models import LineState, MessageKind, OutboxLine
from eoffice.outgoing.models import Delivery, DeliveryStatus

log = logging.getLogger(__name__)
WORKER = Actor.system("exchange-worker")
DRAIN_BATCH = 1000
# Packages that carry a document to the receiver (new, replacing): 01/02 are that copy's status.
DOCUMENT_TYPES = (0, 3)


@dataclass(frozen=True)
class Outcome:
    """What a route answered: delivered, rejected for good (02 + reason), or try again later."""

    kind: str  # "delivered" | "rejected" | "retry" | "failed"
    message: str = ""
    # A peer answers for the receiving office itself (01 at once); an axis only took the package
    # on, and the receiver's own 01 comes back later as a status package.
    arrived: bool = True

    @classmethod
    def delivered(cls, message: str = "", *, arrived: bool = True) -> Outcome:
        return cls("delivered", message, arrived)

    @classmethod
    def rejected(cls, message: str) -> Outcome:
        return cls("rejected", message)

    @classmethod
    def retry(cls, message: str) -> Outcome:
        return cls("retry", message)

    @classmethod
    def failed(cls, message: str) -> Outcome:
        """No retry can help (e.g. an axis refusing an unknown receiver): the failed box at once."""
        return cls("failed", message)


def lease() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "EXCHANGE_LEASE_SECONDS", 120)))


def claim(line_id: int) -> OutboxLine | None:
    now = timezone.now()
    claimed = OutboxLine.objects.filter(pk=line_id, state=LineState.PENDING, next_attempt_at__lte=now).update(
        next_attempt_at=now + lease(), attempts=F("attempts") + 1, last_attempt_at=now
    )
    if not claimed:
        return None
    return OutboxLine.objects.select_related("peer", "sender", "receiver").get(pk=line_id)


def send_one(line_id: int, *, rng: random.Random | None = None) -> str | None:
    """Send one line if it is due; returns the outcome kind, or None when not claimed."""
    line = claim(line_id)
    if line is None:
        return None
    try:
        outcome = transports.send(line)
    except Exception as exc:  # any failure of a route is a reason to retry, never a lost line
        log.exception("exchange line %s failed", line_id)
        outcome = Outcome.retry(f"{type(exc).__name__}: {exc}")
    record_outcome(line.pk, outcome, rng=rng)
    return outcome.kind


def due_line_ids(*, limit: int = DRAIN_BATCH) -> list[int]:
    """Pending lines whose time has come, oldest first."""
    return list(
        OutboxLine.objects.filter(state=LineState.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )


def drain(*, limit: int = DRAIN_BATCH) -> int:
    """Send every due line (oldest first) here and now; returns how many were attempted."""
    return sum(1 for pk in due_line_ids(limit=limit) if send_one(pk) is not None)


def retry_moments(line_ids: list[int]) -> list[tuple[int, datetime]]:
    """When each of these lines, still pending, is due again (its back-off), for scheduling."""
    due = OutboxLine.objects.filter(pk__in=line_ids, state=LineState.PENDING).order_by("pk")
    return [(pk, moment) for pk, moment in due.values_list("pk", "next_attempt_at") if moment is not None]


@transaction.atomic
def record_outcome(line_id: int, outcome: Outcome, *, rng: random.Random | None = None) -> OutboxLine:
    # Why the lock: a clerk cancelling or resending the line while its answer comes back.
    line = OutboxLine.objects.select_for_update(of=("self",)).select_related("delivery").get(pk=line_id)
    if line.state != LineState.PENDING:
        return line
    now = timezone.now()
    if outcome.kind == "delivered":
        outbox.transition(line, "delivered")
        line.delivered_at, line.last_error, line.next_attempt_at = now, "", None
        if (
            line.kind == MessageKind.EDOC
            and line.business_type in DOCUMENT_TYPES
            and line.delivery is not None
        ):
            if outcome.arrived:
                outbox.record_status(line.delivery, "01", occurred_at=now, description=outcome.message)
            else:
                Delivery.objects.filter(pk=line.delivery.pk, status=DeliveryStatus.WAITING_EXCHANGE).update(
                    status=DeliveryStatus.SENT
                )
    elif outcome.kind == "rejected":
        outbox.transition(line, "rejected")
        line.last_error, line.next_attempt_at = outcome.message[:1000], None
        # A refused recall or update leaves the copy as it was: only the line shows the refusal.
        if (
            line.kind == MessageKind.EDOC
            and line.business_type in DOCUMENT_TYPES
            and line.delivery is not None
        ):
            outbox.record_status(line.delivery, "02", occurred_at=now, description=outcome.message)
    elif outcome.kind == "failed" or line.attempts >= outbox.max_attempts():
        outbox.transition(line, "give_up")
        line.last_error, line.next_attempt_at = outcome.message[:1000], None
    else:
        outbox.transition(line, "retry_later")
        line.last_error = outcome.message[:1000]
        line.next_attempt_at = now + outbox.backoff_delay(line.attempts, rng)
    line.save(update_fields=["state", "delivered_at", "last_error", "next_attempt_at"])
    if line.state != LineState.PENDING:
        audit.record(
            actor=WORKER,
            verb=f"exchange.line_{line.state}",
            target=line,
            agency_id=line.sender_id,
            data={"key": line.document_key, "receiver": line.receiver_id, "message": outcome.message[:300]},
        )
    return line
