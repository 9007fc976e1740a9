"""/api/v1/outgoing: release (phát hành), per-recipient tracking with its timeline, refusal, recall
(thu hồi), update (cập nhật), the recipients' answers (15/16) and the signatures of a draft."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from eoffice.core.actor import Actor
from eoffice.core.errors import NotFound, ValidationFailed
from eoffice.documents.uploads import read_parts
from eoffice.outgoing import amend, amend_selectors, recall, release, selectors
from eoffice.outgoing.models import AmendmentAnswer, Delivery, Draft
from eoffice.outgoing.signatures import version_signatures

router = Router(tags=["outgoing"])


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


class ReasonIn(Schema):
    reason: str = Field(..., max_length=2000)


class EventOut(Schema):
    kind: str
    label: str
    at: datetime
    actor_name: str
    note: str


class AnswerOut(Schema):
    id: int
    amendment_id: int
    kind: str
    status: str
    reason: str
    answered_at: datetime | None


class DeliveryOut(Schema):
    id: int
    agency_id: int
    OrganId: str
    OrganName: str
    hosted: bool
    status: str
    reason: str
    incoming_id: int | None
    answers: list[AnswerOut]
    events: list[EventOut]


def _answer(answer: AmendmentAnswer) -> dict[str, Any]:
    return {
        "id": answer.pk,
        "amendment_id": answer.amendment_id,
        "kind": answer.amendment.kind,
        "status": answer.status,
        "reason": answer.reason,
        "answered_at": answer.answered_at,
    }


def _deliveries(draft: Draft) -> list[dict[str, Any]]:
    return [
        {
            "id": t.delivery.pk,
            "agency_id": t.delivery.agency_id,
            "OrganId": t.delivery.agency.code,
            "OrganName": t.delivery.agency.name,
            "hosted": t.delivery.hosted,
            "status": t.status,
            "reason": t.delivery.reason,
            "incoming_id": t.delivery.incoming_id,
            "answers": [_answer(a) for a in t.answers],
            "events": [
                {
                    "kind": e.kind,
                    "label": str(e.get_kind_display()),
                    "at": e.at,
                    "actor_name": e.actor_name,
                    "note": e.note,
                }
                for e in t.events
            ],
        }
        for t in amend_selectors.tracks(draft)
    ]


@router.post("/drafts/{int:draft_id}/release", response=list[DeliveryOut], summary="Phát hành văn bản đi")
def release_draft(request: HttpRequest, draft_id: int) -> Any:
    actor = _actor(request)
    draft = selectors.draft_get(actor=actor, draft_id=draft_id)
    release.draft_release(actor=actor, draft=draft)
    return _deliveries(draft)


@router.get("/drafts/{int:draft_id}/deliveries", response=list[DeliveryOut], summary="Theo dõi nơi nhận")
def deliveries(request: HttpRequest, draft_id: int) -> Any:
    return _deliveries(selectors.draft_get(actor=_actor(request), draft_id=draft_id))


@router.post(
    "/deliveries/{int:delivery_id}/reject", response=DeliveryOut, summary="Cơ quan nhận từ chối văn bản"
)
def reject(request: HttpRequest, delivery_id: int, payload: ReasonIn) -> Any:
    delivery = Delivery.objects.filter(pk=delivery_id).first()
    if delivery is None:
        raise NotFound(_("Không tìm thấy văn bản được gửi đến."))
    release.delivery_reject(actor=_actor(request), delivery=delivery, reason=payload.reason)
    return next(d for d in _deliveries(delivery.draft) if d["id"] == delivery.pk)


def _delivery(delivery_id: int) -> Delivery:
    delivery = Delivery.objects.select_related("draft").filter(pk=delivery_id).first()
    if delivery is None:
        raise NotFound(_("Không tìm thấy văn bản được gửi đến."))
    return delivery


def _one(delivery: Delivery) -> dict[str, Any]:
    return next(d for d in _deliveries(delivery.draft) if d["id"] == delivery.pk)


@router.post(
    "/drafts/{int:draft_id}/recall", response=list[DeliveryOut], summary="Thu hồi văn bản đã phát hành"
)
def recall_draft(request: HttpRequest, draft_id: int, payload: ReasonIn) -> Any:
    actor = _actor(request)
    draft = selectors.draft_get(actor=actor, draft_id=draft_id)
    recall.draft_recall(actor=actor, draft=draft, reason=payload.reason)
    return _deliveries(draft)


@router.post(
    "/deliveries/{int:delivery_id}/recall/accept", response=DeliveryOut, summary="Đồng ý thu hồi (15)"
)
def recall_accept(request: HttpRequest, delivery_id: int) -> Any:
    delivery = _delivery(delivery_id)
    recall.recall_accept(actor=_actor(request), delivery=delivery)
    return _one(delivery)


@router.post(
    "/deliveries/{int:delivery_id}/recall/refuse", response=DeliveryOut, summary="Từ chối thu hồi (16)"
)
def recall_refuse(request: HttpRequest, delivery_id: int, payload: ReasonIn) -> Any:
    delivery = _delivery(delivery_id)
    recall.recall_refuse(actor=_actor(request), delivery=delivery, reason=payload.reason)
    return _one(delivery)


class UpdateIn(Schema):
    reason: str = Field(..., max_length=2000)
    Subject: str = Field(..., max_length=500)
    urgency: str = "thuong"
    DueDate: date | None = None
    add_recipient_ids: str = Field(
        "", max_length=60000, description="Mã cơ quan nhận thêm, cách nhau bởi dấu phẩy"
    )


class AmendmentOut(Schema):
    id: int
    kind: str
    reason: str
    by_draft_id: int | None
    version: int | None
    requested_at: datetime
    pending: int
    accepted: int
    refused: int


def _agency_ids(raw: str) -> list[int]:
    parts = [part.strip() for part in raw.replace(";", ",").split(",") if part.strip()]
    if not all(part.isdigit() for part in parts):
        raise ValidationFailed(
            "invalid_ids", _("Danh sách mã cơ quan nhận không hợp lệ."), field="add_recipient_ids"
        )
    return [int(part) for part in parts]


def _amendments(draft: Draft) -> list[dict[str, Any]]:
    return [
        {
            "id": row.amendment.pk,
            "kind": row.amendment.kind,
            "reason": row.amendment.reason,
            "by_draft_id": row.amendment.by_draft_id,
            "version": row.amendment.version.number if row.amendment.version else None,
            "requested_at": row.amendment.requested_at,
            "pending": row.pending,
            "accepted": row.accepted,
            "refused": row.refused,
        }
        for row in amend_selectors.amendments_of(draft)
    ]


@router.post(
    "/drafts/{int:draft_id}/update",
    response={201: AmendmentOut},
    summary="Cập nhật văn bản đã phát hành (edXML loại 2)",
)
def update_draft(
    request: HttpRequest,
    draft_id: int,
    fields: Form[UpdateIn],
    attachments: File[list[UploadedFile]] | None = None,
) -> Any:
    actor = _actor(request)
    draft = selectors.draft_get(actor=actor, draft_id=draft_id)
    made = amend.draft_update(
        actor=actor,
        draft=draft,
        data=amend.UpdateInput(
            reason=fields.reason,
            subject=fields.Subject,
            urgency=fields.urgency,
            due_date=fields.DueDate,
            add_recipient_ids=_agency_ids(fields.add_recipient_ids),
            attachments=read_parts(attachments or [], field="attachments"),
        ),
    )
    return Status(201, next(a for a in _amendments(draft) if a["id"] == made.pk))


@router.get(
    "/drafts/{int:draft_id}/amendments",
    response=list[AmendmentOut],
    summary="Cập nhật, thay thế, đính chính của văn bản",
)
def amendments(request: HttpRequest, draft_id: int) -> Any:
    return _amendments(selectors.draft_get(actor=_actor(request), draft_id=draft_id))


# Not "/signatures": that path is the signing report (api_signing), mounted on the same prefix.
@router.get(
    "/drafts/{int:draft_id}/signature-checks",
    response=list[dict[str, Any]],
    summary="Kiểm tra chữ ký số các tệp PDF của phiên bản hiện tại",
)
def signatures(request: HttpRequest, draft_id: int) -> Any:
    draft = selectors.draft_get(actor=_actor(request), draft_id=draft_id)
    assert draft.current_version is not None
    return [panel.as_dict() for panel in version_signatures(draft.current_version)]


def _answer_found(request: HttpRequest, answer_id: int) -> AmendmentAnswer:
    return amend_selectors.answer_get(actor=_actor(request), answer_id=answer_id)


@router.post("/answers/{int:answer_id}/accept", response=AnswerOut, summary="Đồng ý cập nhật/thay thế (15)")
def answer_accept(request: HttpRequest, answer_id: int) -> Any:
    found = _answer_found(request, answer_id)
    return _answer(amend.amendment_answer_accept(actor=_actor(request), answer=found))


@router.post("/answers/{int:answer_id}/refuse", response=AnswerOut, summary="Từ chối cập nhật/thay thế (16)")
def answer_refuse(request: HttpRequest, answer_id: int, payload: ReasonIn) -> Any:
    found = _answer_found(request, answer_id)
    return _answer(amend.amendment_answer_refuse(actor=_actor(request), answer=found, reason=payload.reason))
