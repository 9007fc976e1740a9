"""Status feedback: a received copy's progress reported back to its sender.

One rule for both routes, so clerks see one picture: the code of a received copy follows its
document (received → 01, registered → 03, a line assigned → 04, in progress → 05, done → 06,
as `outgoing.release.delivery_statuses` shows a hosted copy). Codes skipped on the way (a document
registered and assigned in one step) are reported in order, each once.

- A hosted copy (released inside this installation): the event goes straight onto the sender's
  timeline of that delivery.
- A copy received from a peer: a status line is written to our outbox, addressed to the sender.
"""

from __future__ import annotations

from django.utils import timezone

from eoffice.core.actor import Actor
from eoffice.documents import followers
from eoffice.documents.models import Document, DocumentStatus
from eoffice.exchange import outbox
from eoffice.exchange.models import LineState, MessageKind, OutboxLine, Receipt, Route, StatusEvent
from eoffice.outgoing import dispatch
from eoffice.outgoing.models import Delivery
from eoffice.work.models import AssignmentLine

# The forward path of a received copy; 02 (rejected) and 15/16 (recall answers) are acts, not steps.
PROGRESS = ["01", "03", "04", "05", "06"]
_CODE_OF_STATUS = {
    DocumentStatus.RECEIVED: "01",
    DocumentStatus.CONFIRMED: "01",
    DocumentStatus.REGISTERED: "03",
    DocumentStatus.IN_PROGRESS: "05",
    DocumentStatus.DONE: "06",
}


def connect() -> None:
    followers.register("exchange", follow)
    dispatch.register("exchange.answers", on_answer=on_hosted_answer)


def progress_code(document: Document) -> str:
    code = _CODE_OF_STATUS.get(DocumentStatus(document.status), "01")
    if (
        code == "03"
        and AssignmentLine.objects.filter(
            item__subject_type="documents.document", item__subject_id=document.pk
        ).exists()
    ):
        return "04"
    return code


def codes_after(last: str, current: str) -> list[str]:
    """The progress codes from just after `last` up to `current`, in order."""
    if current not in PROGRESS:
        return []
    start = PROGRESS.index(last) + 1 if last in PROGRESS else 0
    return PROGRESS[start : PROGRESS.index(current) + 1]


def staff_name(actor: Actor) -> str:
    return actor.describe()[:200]


def follow(document: Document, actor: Actor) -> None:
    """Called by documents, inside the transaction that changed the document's status."""
    current = progress_code(document)
    delivery = Delivery.objects.filter(incoming_id=document.pk).first()
    if delivery is not None:
        _follow_hosted(delivery, current, actor)
    receipt = Receipt.objects.select_for_update().filter(document_id=document.pk).first()
    if receipt is not None:
        _follow_received(receipt, current, actor)


def _follow_hosted(delivery: Delivery, current: str, actor: Actor) -> None:
    recorded = set(
        StatusEvent.objects.filter(delivery=delivery, code__in=PROGRESS).values_list("code", flat=True)
    )
    last = max(recorded, key=PROGRESS.index) if recorded else ""
    now = timezone.now()
    for code in codes_after(last, current):
        outbox.record_status(delivery, code, occurred_at=now, staff=staff_name(actor))


def _follow_received(receipt: Receipt, current: str, actor: Actor) -> None:
    codes = codes_after(receipt.last_status_sent, current)
    for code in codes:
        status_line(receipt, code, actor=actor)
    if codes:
        Receipt.objects.filter(pk=receipt.pk).update(last_status_sent=codes[-1])


def status_line(receipt: Receipt, code: str, *, actor: Actor, description: str = "") -> OutboxLine | None:
    """Queue one status package for the sender of `receipt` (written in the caller's transaction)."""
    if receipt.sender_id is None:
        return None
    now = timezone.now()
    route = Route.PEER if receipt.peer_id is not None else Route.AXIS
    line = OutboxLine.objects.create(
        kind=MessageKind.STATUS,
        status_code=code,
        document_key=receipt.document_key,
        sender_id=receipt.receiver_id,
        receiver_id=receipt.sender_id,
        receipt=receipt,
        route=route,
        peer_id=receipt.peer_id,
        state=LineState.PENDING,
        next_attempt_at=now,
        payload={"description": description, "staff": staff_name(actor), "timestamp": now.isoformat()},
        created_at=now,
    )
    outbox.kick([line.pk])
    return line


def on_hosted_answer(delivery: Delivery, code: str, reason: str, actor: Actor) -> None:
    """A hosted recipient rejected (02) or answered a recall (15/16): onto the sender's timeline."""
    outbox.record_status(
        delivery, code, occurred_at=timezone.now(), description=reason, staff=staff_name(actor)
    )
