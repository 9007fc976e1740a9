"""/api/v1/outgoing: release (phát hành), per-recipient tracking, refusal and recall (thu hồi)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from eoffice.core.actor import Actor
from eoffice.core.errors import NotFound
from eoffice.outgoing import recall, release, selectors
from eoffice.outgoing.models import Delivery, Draft

router = Router(tags=["outgoing"])


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


class ReasonIn(Schema):
    reason: str = Field(..., max_length=2000)


class DeliveryOut(Schema):
    id: int
    agency_id: int
    OrganId: str
    OrganName: str
    hosted: bool
    status: str
    reason: str
    incoming_id: int | None


def _deliveries(draft: Draft) -> list[dict[str, Any]]:
    deliveries = list(draft.deliveries.select_related("agency"))
    statuses = release.delivery_statuses(deliveries)
    return [
        {
            "id": d.pk,
            "agency_id": d.agency_id,
            "OrganId": d.agency.code,
            "OrganName": d.agency.name,
            "hosted": d.hosted,
            "status": statuses[d.pk],
            "reason": d.reason,
            "incoming_id": d.incoming_id,
        }
        for d in deliveries
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
