"""A recipient of another installation reports a status on a document we sent it.

- 01, 03–06 (its progress) and 02 (its văn thư refused the copy) land on that delivery's timeline,
  and the delivery's status follows (`outbox.record_status`); a refusal is also written to the
  sender's tracking timeline with its reason.
- 15/16 answer what we asked: a recall (the delivery waits for it), else the oldest update of that
  document still waiting for this recipient, or — on the DocumentId of a replacing document — the
  replacement of the earlier one. The answer is recorded on the amendment
  (`outgoing.amend.amendment_answer_record`) and on the timeline of the delivery it concerns,
  without changing that delivery's status: an accepted update does not recall anything.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.exchange import edxml, outbox
from eoffice.exchange.answers import Answer, Refused
from eoffice.exchange.models import MessageKind, OutboxLine, Peer, StatusEvent
from eoffice.outgoing import amend, tracking
from eoffice.outgoing.models import (
    AmendmentAnswer,
    AmendmentKind,
    AnswerStatus,
    DeliveryEventKind,
    DeliveryStatus,
)

ANSWERS = ("15", "16")
_RECALL_EVENTS = {"15": DeliveryEventKind.RECALL_ACCEPTED, "16": DeliveryEventKind.RECALL_REFUSED}


def _moment(value: dt.datetime | None) -> dt.datetime:
    if value is None:
        return timezone.now()
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _line(package: edxml.StatusPackage, peer: Peer | None) -> OutboxLine:
    reporter = package.from_.organ_id
    line = (
        OutboxLine.objects.select_related("delivery")
        .filter(
            kind=MessageKind.EDOC,
            document_key=package.document_id,
            receiver__code=reporter,
            delivery__isnull=False,
        )
        .order_by("-business_type", "-id")
        .first()
    )
    if line is None or line.delivery is None:
        raise Refused(
            "unknown_document",
            _("Không có văn bản nào đã gửi cho cơ quan này với mã đó."),
            f"{package.document_id} / {reporter}",
        )
    if peer is not None and line.peer_id not in (None, peer.pk):
        raise Refused("wrong_peer", _("Trạng thái đến từ hệ thống không phải nơi đã nhận văn bản."), reporter)
    return line


@transaction.atomic
def receive_status(package: edxml.StatusPackage, *, peer: Peer | None, actor: Actor) -> Answer:
    line = _line(package, peer)
    delivery = line.delivery
    assert delivery is not None
    code, moment = package.status_code, _moment(package.timestamp)
    staff, description = package.staff_info.staff, package.description
    if code in ANSWERS and _seen(delivery.pk, code, moment):
        return Answer("01", "duplicate", _("Đã ghi nhận trạng thái."))
    if code in ANSWERS and delivery.status != DeliveryStatus.RECALL_PENDING:
        return _amendment_answer(line, package, actor)
    created = outbox.record_status(delivery, code, occurred_at=moment, description=description, staff=staff)
    # The tracking timeline takes the time we learnt it (the timeline of statuses keeps the
    # receiver's own time): a receiver's clock behind ours must not put an answer before its request.
    if created and code in _RECALL_EVENTS:
        tracking.record([delivery], _RECALL_EVENTS[code], note=description)
    elif created and code == "02":
        tracking.record([delivery], DeliveryEventKind.REJECTED, note=description)
    if created:
        _audit(actor, line, package)
    return Answer("01", "status_recorded" if created else "duplicate", _("Đã ghi nhận trạng thái."))


def _seen(delivery_id: int, code: str, moment: dt.datetime) -> bool:
    # A status package delivered twice carries the same time: the same event.
    return StatusEvent.objects.filter(delivery_id=delivery_id, code=code, occurred_at=moment).exists()


def _asked(line: OutboxLine) -> QuerySet[AmendmentAnswer]:
    """The answers this status may give, oldest first: the replacement of the document a replacing
    line (3) replaces, else the updates of the line's own document."""
    assert line.draft_id is not None and line.delivery_id is not None
    answers = AmendmentAnswer.objects.select_related("amendment", "delivery")
    if line.business_type == 3:
        answers = answers.filter(
            amendment__kind=AmendmentKind.REPLACE,
            amendment__by_draft_id=line.draft_id,
            delivery__agency_id=line.receiver_id,
        )
    else:
        answers = answers.filter(
            amendment__kind=AmendmentKind.UPDATE,
            amendment__draft_id=line.draft_id,
            delivery_id=line.delivery_id,
        )
    return answers.order_by("amendment__requested_at", "id")


def _amendment_answer(line: OutboxLine, package: edxml.StatusPackage, actor: Actor) -> Answer:
    code, moment = package.status_code, _moment(package.timestamp)
    asked = _asked(line)
    delivered = {answer.delivery_id for answer in asked}
    if any(_seen(delivery_id, code, moment) for delivery_id in delivered):
        return Answer("01", "duplicate", _("Đã ghi nhận trạng thái."))
    answer = asked.filter(status=AnswerStatus.PENDING).first()
    if answer is None:
        raise Refused(
            "no_answer_pending",
            _("Không có yêu cầu thu hồi, cập nhật hay thay thế nào đang chờ trả lời."),
            f"{package.document_id} / {code}",
        )
    amend.amendment_answer_record(
        actor=actor, answer=answer, accepted=code == "15", reason=package.description
    )
    outbox.record_status(
        answer.delivery,
        code,
        occurred_at=moment,
        description=package.description,
        staff=package.staff_info.staff,
        follow=False,
    )
    _audit(actor, line, package)
    return Answer("01", "status_recorded", _("Đã ghi nhận trạng thái."))


def _audit(actor: Actor, line: OutboxLine, package: edxml.StatusPackage) -> None:
    audit.record(
        actor=actor,
        verb="exchange.status_received",
        target=line.delivery,
        agency_id=line.sender_id,
        data={"key": package.document_id, "code": package.status_code, "from": package.from_.organ_id},
    )
