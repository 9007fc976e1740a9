"""The hash-chained audit trail.

`record()` must be called inside the write's own transaction: the event and the change commit
together or not at all. `verify()` recomputes the chain and names the first event that was
edited, removed or moved.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from eoffice.core.actor import Actor
from eoffice.core.context import current_ip
from eoffice.core.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def _canonical_data(data: dict[str, Any] | None) -> dict[str, Any]:
    # Round-trip through JSON so what we hash is exactly what the database gives back.
    loaded: dict[str, Any] = json.loads(json.dumps(data or {}, sort_keys=True, default=str))
    return loaded


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def compute_hash(event: AuditEvent) -> str:
    payload = {
        "seq": event.seq,
        "at": _timestamp(event.occurred_at),
        "actor": [event.actor_id, event.actor_name],
        "for": [event.on_behalf_of_id, event.on_behalf_of_name],
        "position": event.position_id,
        "agency": event.agency_id,
        "verb": event.verb,
        "target": [event.target_type, event.target_id, event.target_label],
        "ip": event.ip_address,
        "data": event.data,
        "prev": event.prev_hash,
    }
    encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def _label(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())[:255]


def _target_parts(target: models.Model | None) -> tuple[str, str, str]:
    if target is None:
        return "", "", ""
    return target._meta.label_lower, str(target.pk), str(target)[:500]


def record(
    *,
    actor: Actor,
    verb: str,
    target: models.Model | None = None,
    agency_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Needs an open transaction: it locks the chain head until commit."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must run inside the write's transaction")
    # Migration core.0002 creates the head row; a flushed database (transactional tests, a
    # restored dump) may lack it, and an ON CONFLICT DO NOTHING insert recreates it without a race.
    # Locking the head serialises appends: seq and prev_hash must come from the latest event.
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditChainHead.objects.bulk_create(
            [AuditChainHead(pk=1, seq=0, last_hash=GENESIS)], ignore_conflicts=True
        )
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    target_type, target_id, target_label = _target_parts(target)
    if agency_id is None and actor.position is not None:
        agency_id = actor.position.agency_id
    event = AuditEvent(
        seq=head.seq + 1,
        occurred_at=timezone.now(),
        actor_id=actor.user.pk if actor.user is not None else None,
        actor_name=_label(actor.user) if actor.user is not None else f"system:{actor.system_name or ''}",
        on_behalf_of_id=actor.on_behalf_of.pk if actor.on_behalf_of is not None else None,
        on_behalf_of_name=_label(actor.on_behalf_of),
        position_id=actor.position.pk if actor.position is not None else None,
        agency_id=agency_id,
        verb=verb,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label,
        ip_address=(actor.ip_address or current_ip() or "")[:64],
        data=_canonical_data(data),
        prev_hash=head.last_hash,
    )
    event.hash = compute_hash(event)
    event.save(force_insert=True)
    AuditChainHead.objects.filter(pk=1).update(seq=event.seq, last_hash=event.hash)
    return event


@dataclass(frozen=True)
class VerifyProblem:
    seq: int | None
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"event #{self.seq} (id {self.event_id})" if self.seq is not None else "chain head"
        return f"{where}: {self.reason}"


def _events(batch: int = 2000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        chunk = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].seq


def verify() -> VerifyProblem | None:
    """Return the first problem in the chain, or None when every event checks out."""
    expected_prev = GENESIS
    expected_seq = 1
    count = 0
    for event in _events():
        if event.seq != expected_seq:
            return VerifyProblem(
                event.seq,
                event.pk,
                f"sequence jumps from {expected_seq - 1} to {event.seq}: event(s) removed",
            )
        if event.prev_hash != expected_prev:
            return VerifyProblem(
                event.seq, event.pk, "previous-hash link broken: events removed or reordered"
            )
        if compute_hash(event) != event.hash:
            return VerifyProblem(event.seq, event.pk, "content does not match its hash: event edited")
        expected_prev = event.hash
        expected_seq += 1
        count += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != count or head.last_hash != expected_prev):
        return VerifyProblem(None, None, f"head says {head.seq} events, chain has {count}: tail removed")
    return None
