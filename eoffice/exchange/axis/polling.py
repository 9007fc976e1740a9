"""Receiving through an axis (pull model): list, fetch, receive, acknowledge.

Every package goes through the push route's own receipt pipeline (`receiving.receive_file`):
the edXML checks, the addressee, PAdES verification of the PDFs, quarantine with the precise reason,
idempotent receipt by (DocumentId, receiver, business type), the automatic 01 — which, like every
later answer, goes back through the outbox to the same axis account (`Receipt.axis`). A refused new
or replacing document is answered 02 the same way, when the package names who sent it and to which
of our agencies; a package that is not edXML at all has no one to answer and is only acknowledged `fail`.

Order per package: store (or quarantine) and commit, then acknowledge. A crash or a lost
acknowledgement between the two leaves the package pending on the axis: it comes again at the
next poll and the receipt's unique key turns it into a duplicate, acknowledged `done`. Two pollers
at once are safe for the same reason; the scheduled poller also holds a lease per axis so that it
does not poll one axis twice over (`claim`).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.directory.models import Agency
from eoffice.exchange import edxml, incoming, outbox, receiving
from eoffice.exchange.answers import Answer, Refused
from eoffice.exchange.axis import errors
from eoffice.exchange.axis.base import AxisAdapter, MessageType, PendingPackage, TransportStatus, sha256_hex
from eoffice.exchange.axis.services import adapter_of, require_axis_admin
from eoffice.exchange.models import Axis, LineState, MessageKind, OutboxLine, QuarantinedPackage, Route

log = logging.getLogger(__name__)
VIA = "axis"


@dataclass
class PollSummary:
    axis: str
    listed: int = 0
    stored: int = 0
    statuses: int = 0
    duplicates: int = 0
    quarantined: int = 0
    answered: int = 0  # 02 status packages queued for the senders of refused documents
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.stored + self.statuses + self.duplicates + self.quarantined

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def poll_minutes() -> int:
    return max(1, int(getattr(settings, "EXCHANGE_AXIS_POLL_MINUTES", 1)))


def poll_lease() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "EXCHANGE_AXIS_POLL_LEASE_SECONDS", 600)))


def claim(axis: Axis) -> bool:
    """Take the axis for one scheduled poll if it is due and nobody else polls it."""
    now = timezone.now()
    # A few seconds of slack: a job that ticks every minute must find a one-minute axis due.
    due = now - timedelta(minutes=poll_minutes()) + timedelta(seconds=5)
    claimed = (
        Axis.objects.filter(pk=axis.pk, is_active=True)
        .filter(Q(poll_lease_until__isnull=True) | Q(poll_lease_until__lte=now))
        .filter(Q(last_polled_at__isnull=True) | Q(last_polled_at__lte=due))
        .update(poll_lease_until=now + poll_lease())
    )
    return claimed == 1


def axis_poll(*, actor: Actor, axis: Axis, adapter: AxisAdapter | None = None) -> PollSummary:
    """Poll one axis for document and status packages; never raises for what the axis or a package
    does wrong (that is counted in `errors`). Not one transaction: each package commits alone."""
    require_axis_admin(actor)
    # One retry inside a poll: the next poll is a minute away and tries again anyway.
    adapter = adapter or adapter_of(axis, max_retries=1)
    summary = PollSummary(axis=axis.name)
    for message_type in (MessageType.EDOC, MessageType.STATUS):
        try:
            items = adapter.pending(message_type=message_type)
        except errors.AxisError as exc:
            summary.errors.append(f"{message_type}: {exc.message} [{exc.code}]")
            continue
        summary.listed += len(items)
        for item in items:
            take(axis, adapter, item, summary)
    _record(actor=actor, axis=axis, summary=summary)
    return summary


def take(axis: Axis, adapter: AxisAdapter, item: PendingPackage, summary: PollSummary) -> None:
    """Fetch one package, receive it, then acknowledge it (done: stored or already had; fail: refused)."""
    try:
        raw = adapter.fetch_file(item.doc_id)
    except errors.AxisError as exc:
        summary.errors.append(f"{item.doc_id}: {exc.message} [{exc.code}]")
        return
    try:
        status = receive(axis, item, raw, summary)
    except Exception as exc:  # a poller never dies on one package; it stays pending for the next poll
        log.exception("axis %s: package %s could not be received", axis.name, item.doc_id)
        summary.errors.append(f"{item.doc_id}: {type(exc).__name__}: {exc}"[:300])
        return
    finally:
        raw.unlink(missing_ok=True)
    try:
        adapter.acknowledge(item.doc_id, status)
    except errors.AxisError as exc:
        # Stored but not acknowledged: the axis hands it out again and the receipt absorbs it.
        summary.errors.append(f"{item.doc_id}: {exc.message} [{exc.code}]")


def receive(axis: Axis, item: PendingPackage, raw: Path, summary: PollSummary) -> TransportStatus:
    """Run the receipt pipeline on the package in `raw` (the caller deletes it); the transport
    status to report for it."""
    if QuarantinedPackage.objects.filter(via=VIA, sha256=sha256_hex(raw)).exists():
        # The same bytes were refused before and their `fail` was lost: one quarantine copy is enough.
        summary.quarantined += 1
        return TransportStatus.FAIL

    def answer_refusal(refusal: Refused, package: edxml.EdocPackage | edxml.StatusPackage | None) -> None:
        try:
            line = refusal_answer(axis=axis, item=item, refusal=refusal, package=package)
        except Exception as exc:  # the package is in quarantine either way; the 02 is a courtesy
            log.exception("axis %s: no 02 answer for package %s", axis.name, item.doc_id)
            summary.errors.append(f"{item.doc_id}: 02: {type(exc).__name__}: {exc}"[:300])
            return
        if line is not None:
            summary.answered += 1

    answer = receiving.receive_file(
        raw, peer=None, receiver_code=item.receiver, via=VIA, axis=axis, on_refused=answer_refusal
    )
    return _count(answer, summary)


def _count(answer: Answer, summary: PollSummary) -> TransportStatus:
    if answer.status_code != "01":
        summary.quarantined += 1
        return TransportStatus.FAIL
    if answer.code == "duplicate":
        summary.duplicates += 1
    elif answer.code == "status_recorded":
        summary.statuses += 1
    else:
        summary.stored += 1
    return TransportStatus.DONE


# Business types whose package carries a document of its own (new, replacing): a refusal is a 02.
ANSWERED_TYPES = (edxml.BussinessDocType.NEW, edxml.BussinessDocType.REPLACE)


@transaction.atomic
def refusal_answer(
    *,
    axis: Axis,
    item: PendingPackage,
    refusal: Refused,
    package: edxml.EdocPackage | edxml.StatusPackage | None,
) -> OutboxLine | None:
    """Queue a 02 for the sender of a refused document, from the agency it was addressed to.

    Only packages that carry a document are answered — a new one (business type 0) or a replacing
    one (3), whose 02 is that copy's refusal, as a peer's 422 is: a 02 about a recall or an update
    would mark the sender's delivery of the original rejected. The sending agency joins the
    directory if unknown, as on receipt.
    """
    if (
        not isinstance(package, edxml.EdocPackage)
        or package.doc_type not in ANSWERED_TYPES
        or not package.document_id
    ):
        return None
    addressed = [item.receiver] if item.receiver else [o.organ_id for o in package.header.to]
    receiver = Agency.objects.filter(code__in=[c for c in addressed if c], hosted=True).first()
    if receiver is None or not package.header.from_.organ_id:
        return None
    sender = incoming.sender_agency(package.header.from_, None)
    now = timezone.now()
    line = OutboxLine.objects.create(
        kind=MessageKind.STATUS,
        status_code="02",
        document_key=package.document_id[:300],
        sender=receiver,
        receiver=sender,
        route=Route.AXIS,
        state=LineState.PENDING,
        next_attempt_at=now,
        payload={"description": refusal.message, "staff": "", "timestamp": now.isoformat(), "axis": axis.pk},
        created_at=now,
    )
    audit.record(
        actor=receiving.RECEIVER,
        verb="exchange.refusal_answered",
        target=line,
        agency_id=receiver.pk,
        data={"key": line.document_key, "code": refusal.code, "axis": axis.name, "doc_id": item.doc_id},
    )
    outbox.kick([line.pk])
    return line


def release(axis: Axis) -> None:
    Axis.objects.filter(pk=axis.pk).update(poll_lease_until=None)


@transaction.atomic
def _record(*, actor: Actor, axis: Axis, summary: PollSummary) -> None:
    now, error = timezone.now(), "; ".join(summary.errors)[:1000]
    before = Axis.objects.filter(pk=axis.pk).values_list("last_poll_error", flat=True).first()
    Axis.objects.filter(pk=axis.pk).update(last_polled_at=now, last_poll_error=error)
    axis.last_polled_at, axis.last_poll_error = now, error
    # The scheduled poll runs every minute: only a poll that received something, a new error, or
    # a person's "poll now" goes on the audit chain (an axis down for a day is one event, not 1,440).
    if summary.handled or (error and error != before) or not actor.is_system:
        audit.record(actor=actor, verb="exchange.axis_polled", target=axis, data=summary.as_dict())


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    code: str
    message: str
    waiting: int = 0  # documents waiting for us on the axis


def axis_check(*, actor: Actor, axis: Axis) -> CheckResult:
    """ "Test connection": one authenticated, harmless call (the pending list; nothing is fetched or
    acknowledged), once, without retries, so a wrong secret or address shows at once."""
    require_axis_admin(actor)
    try:
        waiting = len(adapter_of(axis, max_retries=0).pending(message_type=MessageType.EDOC))
    except errors.AxisError as exc:
        return CheckResult(ok=False, code=exc.code, message=exc.message)
    return CheckResult(ok=True, code="ok", message="", waiting=waiting)
