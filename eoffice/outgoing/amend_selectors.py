"""Reads for updates, replacements, corrections and recalls, on both sides.

The sender sees each amendment of a document with every recipient's answer and a timeline per
recipient; the recipient sees, on its own copy, what the sender did to it (notices registered
with documents.notices in OutgoingConfig.ready) and, if it is its văn thư, the answer to give.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from eoffice.core.actor import Actor
from eoffice.core.errors import NotFound
from eoffice.documents.models import Document, DocumentStatus
from eoffice.documents.notices import Notice
from eoffice.documents.policies import is_clerk as is_incoming_clerk
from eoffice.outgoing import dispatch, policies, release, tracking
from eoffice.outgoing.models import (
    Amendment,
    AmendmentAnswer,
    AmendmentKind,
    AnswerStatus,
    Delivery,
    DeliveryEvent,
    DeliveryStatus,
    Draft,
    OutgoingNumber,
)


def draft_label(draft: Draft) -> str:
    number = OutgoingNumber.objects.filter(draft=draft).first()
    symbol = number.number_symbol if number is not None else f"#{draft.pk}"
    return f"{symbol} — {draft}"


def _copy_of(draft_id: int | None, agency_id: int) -> int | None:
    """The recipient's own copy of another outgoing document, if it received one."""
    if draft_id is None:
        return None
    return (
        Delivery.objects.filter(draft_id=draft_id, agency_id=agency_id, incoming__isnull=False)
        .values_list("incoming_id", flat=True)
        .first()
    )


def _link(draft_id: int | None, agency_id: int) -> str:
    copy = _copy_of(draft_id, agency_id)
    return reverse("documents:detail", args=[copy]) if copy is not None else ""


def _answer_notice(answer: AmendmentAnswer, clerk: bool) -> Notice | None:
    amendment = answer.amendment
    if amendment.kind != AmendmentKind.UPDATE:
        return None
    if answer.status == AnswerStatus.PENDING:
        return Notice(
            code="update_pending",
            level="warning",
            text=_("Cơ quan ban hành đã cập nhật thông tin văn bản này: %(reason)s")
            % {"reason": amendment.reason},
            action_url=reverse("outgoing:answer", args=[answer.pk]) if clerk else "",
            action_label=_("Xem và trả lời cập nhật") if clerk else "",
        )
    return Notice(
        code=f"update_{answer.status}",
        text=_("Cập nhật của cơ quan ban hành (%(reason)s): %(answer)s")
        % {"reason": amendment.reason, "answer": AnswerStatus(answer.status).label},
    )


def _link_notices(delivery: Delivery, document: Document, clerk: bool) -> list[Notice]:
    notices: list[Notice] = []
    answers = {
        a.amendment_id: a
        for a in AmendmentAnswer.objects.filter(delivery=delivery).select_related("amendment")
    }
    for amendment in Amendment.objects.filter(draft_id=delivery.draft_id).select_related("by_draft"):
        answer = answers.get(amendment.pk)
        if amendment.kind == AmendmentKind.UPDATE:
            notice = _answer_notice(answer, clerk) if answer is not None else None
            if notice is not None:
                notices.append(notice)
            continue
        assert amendment.by_draft is not None
        label = draft_label(amendment.by_draft)
        replaced = amendment.kind == AmendmentKind.REPLACE
        pending = answer is not None and answer.status == AnswerStatus.PENDING
        notices.append(
            Notice(
                code=amendment.kind,
                level="danger" if replaced else "warning",
                text=(
                    _("Văn bản này đã bị thay thế bởi %(label)s")
                    if replaced
                    else _("Văn bản này đã được đính chính bởi %(label)s")
                )
                % {"label": label},
                link_url=_link(amendment.by_draft_id, document.agency_id),
                link_label=_("Xem văn bản"),
                action_url=reverse("outgoing:answer", args=[answer.pk])
                if pending and clerk and answer
                else "",
                action_label=_("Xác nhận thay thế") if pending and clerk else "",
            )
        )
    # This copy is itself the replacing or correcting document: point back at the earlier one.
    for amendment in Amendment.objects.filter(by_draft_id=delivery.draft_id).select_related("draft"):
        text = (
            _("Văn bản này thay thế %(label)s")
            if amendment.kind == AmendmentKind.REPLACE
            else _("Văn bản này đính chính %(label)s")
        )
        notices.append(
            Notice(
                code=f"{amendment.kind}_of",
                text=text % {"label": draft_label(amendment.draft)},
                link_url=_link(amendment.draft_id, document.agency_id),
                link_label=_("Xem văn bản"),
            )
        )
    return notices


def incoming_notices(actor: Actor, document: Document) -> list[Notice]:
    """What the sender did to this copy (hook for documents.notices)."""
    delivery = Delivery.objects.filter(incoming=document).select_related("draft__recall").first()
    if delivery is None:
        return []
    clerk = is_incoming_clerk(actor, document.agency)
    notices: list[Notice] = []
    recall = getattr(delivery.draft, "recall", None)
    if delivery.status == DeliveryStatus.RECALL_PENDING and recall is not None:
        notices.append(
            Notice(
                code="recall_pending",
                level="danger",
                text=_("Cơ quan ban hành yêu cầu thu hồi văn bản này: %(reason)s")
                % {"reason": recall.reason},
                action_url=reverse("outgoing:recall_answer", args=[delivery.pk]) if clerk else "",
                action_label=_("Trả lời yêu cầu thu hồi") if clerk else "",
            )
        )
    elif document.status == DocumentStatus.RECALLED and recall is not None:
        notices.append(
            Notice(
                code="recalled",
                level="danger",
                text=_("Văn bản đã bị cơ quan ban hành thu hồi (%(reason)s); số đến vẫn giữ trong sổ.")
                % {"reason": recall.reason},
            )
        )
    return notices + _link_notices(delivery, document, clerk)


@dataclass
class RecipientTrack:
    delivery: Delivery
    status: str
    events: list[DeliveryEvent]
    answers: list[AmendmentAnswer] = field(default_factory=list)
    # The recipient's own processing as edXML statuses (01, 03–06, 02), the same for every route.
    statuses: list[dispatch.RemoteStatus] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(DeliveryStatus(self.status).label)


def tracks(draft: Draft) -> list[RecipientTrack]:
    """Each recipient's current status, its answers and its timeline, for the sender."""
    deliveries = list(draft.deliveries.select_related("agency"))
    statuses = release.delivery_statuses(deliveries)
    events = tracking.timelines(deliveries, draft.pk)
    answers: dict[int, list[AmendmentAnswer]] = {}
    for answer in AmendmentAnswer.objects.filter(delivery__draft=draft).select_related("amendment"):
        answers.setdefault(answer.delivery_id, []).append(answer)
    remote = dispatch.statuses_of(deliveries)
    return [
        RecipientTrack(d, statuses[d.pk], events.get(d.pk, []), answers.get(d.pk, []), remote.get(d.pk, []))
        for d in deliveries
    ]


@dataclass
class AmendmentRow:
    amendment: Amendment
    pending: int
    accepted: int
    refused: int


def amendments_of(draft: Draft) -> list[AmendmentRow]:
    rows = []
    for amendment in Amendment.objects.filter(draft=draft).select_related("by_draft", "version"):
        statuses = list(amendment.answers.values_list("status", flat=True))
        rows.append(
            AmendmentRow(
                amendment,
                statuses.count(AnswerStatus.PENDING),
                statuses.count(AnswerStatus.ACCEPTED),
                statuses.count(AnswerStatus.REFUSED),
            )
        )
    return rows


def amended_by_this(draft: Draft) -> list[Amendment]:
    """The earlier documents this one replaces or corrects (once released)."""
    return list(Amendment.objects.filter(by_draft=draft).select_related("draft"))


def answer_get(*, actor: Actor, answer_id: int) -> AmendmentAnswer:
    """An answer, for the recipient's văn thư or whoever may read the sender's document."""
    answer = (
        AmendmentAnswer.objects.select_related(
            "amendment__draft__agency",
            "amendment__version",
            "amendment__by_draft",
            "delivery__agency",
            "delivery__incoming",
        )
        .filter(pk=answer_id)
        .first()
    )
    if answer is None or not (
        is_incoming_clerk(actor, answer.delivery.agency) or policies.may_read(actor, answer.amendment.draft)
    ):
        raise NotFound(_("Không tìm thấy yêu cầu này, hoặc bạn không có quyền xem."))
    return answer
