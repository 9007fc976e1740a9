"""/api/v1/exchange: lines (per document and receiver: status, timeline, attempts, last error),
the failed box with resend/cancel, last-hour figures, received packages and their answers,
the quarantine, peers and agency switches (system administrator)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from eoffice.core.actor import Actor
from eoffice.core.errors import NotFound
from eoffice.directory.models import Agency
from eoffice.exchange import peers, selectors, services
from eoffice.exchange.models import OutboxLine, Receipt

router = Router(tags=["exchange"])

# Paging bounds: past these a database refuses the OFFSET (a 500); the client gets a 422 instead.
# Ids are path parameters without a converter, so "/lines/abc" is a structured 422, not an HTML 404.
MAX_OFFSET = 10_000_000


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


class ReasonIn(Schema):
    reason: str = Field(..., max_length=2000)


class EventOut(Schema):
    code: str
    label: str
    description: str
    staff: str
    occurred_at: datetime


class LineOut(Schema):
    id: int
    kind: str
    business_type: int
    status_code: str
    DocumentId: str
    receiver: str
    receiver_name: str
    route: str
    peer: str | None
    state: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str
    delivery_status: str | None
    created_at: datetime
    delivered_at: datetime | None


class LineDetailOut(LineOut):
    timeline: list[EventOut]


def _line(line: OutboxLine) -> dict[str, Any]:
    return {
        "id": line.pk,
        "kind": line.kind,
        "business_type": line.business_type,
        "status_code": line.status_code,
        "DocumentId": line.document_key,
        "receiver": line.receiver.code,
        "receiver_name": line.receiver.name,
        "route": line.route,
        "peer": line.peer.code if line.peer else None,
        "state": line.state,
        "attempts": line.attempts,
        "next_attempt_at": line.next_attempt_at,
        "last_error": line.last_error,
        "delivery_status": line.delivery.status if line.delivery else None,
        "created_at": line.created_at,
        "delivered_at": line.delivered_at,
    }


def _detail(line: OutboxLine) -> dict[str, Any]:
    events = [
        {
            "code": e.code,
            "label": e.label,
            "description": e.description,
            "staff": e.staff,
            "occurred_at": e.occurred_at,
        }
        for e in selectors.timeline(line)
    ]
    return {**_line(line), "timeline": events}


@router.get("/lines", response=list[LineOut], summary="Gói tin đã gửi (box=failed: hộp gửi lỗi)")
def lines(
    request: HttpRequest,
    state: str = "",
    box: str = "",
    limit: int = 100,
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> Any:
    limit = max(1, min(limit, 500))
    qs = selectors.lines(_actor(request), state=state, box=box)[offset : offset + limit]
    return [_line(line) for line in qs]


@router.get("/lines/{line_id}", response=LineDetailOut, summary="Một gói tin và diễn biến trạng thái")
def line_detail(request: HttpRequest, line_id: int) -> Any:
    return _detail(selectors.line_get(_actor(request), line_id))


@router.post("/lines/{line_id}/resend", response=LineDetailOut, summary="Gửi lại")
def line_resend(request: HttpRequest, line_id: int) -> Any:
    actor = _actor(request)
    line = services.line_resend(actor=actor, line=selectors.line_get(actor, line_id))
    return _detail(selectors.line_get(actor, line.pk))


@router.post("/lines/{line_id}/cancel", response=LineDetailOut, summary="Hủy gửi")
def line_cancel(request: HttpRequest, line_id: int, body: ReasonIn) -> Any:
    actor = _actor(request)
    line = services.line_cancel(actor=actor, line=selectors.line_get(actor, line_id), reason=body.reason)
    return _detail(selectors.line_get(actor, line.pk))


class StatsOut(Schema):
    sent: int
    failed: int
    pending: int
    latency_p50: float | None
    latency_p95: float | None
    received: int


@router.get("/stats", response=StatsOut, summary="Số gói tin và độ trễ trong 1 giờ qua")
def stats(request: HttpRequest) -> Any:
    return selectors.last_hour(_actor(request))


class ReceiptOut(Schema):
    id: int
    DocumentId: str
    business_type: int
    receiver: str
    sender: str
    peer: str | None
    document_id: int | None
    last_status_sent: str
    received_at: datetime
    signatures: list[Any]
    other_info: list[Any]
    # A request's details: an update's new values and files, the document a replacement replaces.
    request: dict[str, Any]


def _receipt(r: Receipt) -> dict[str, Any]:
    return {
        "id": r.pk,
        "DocumentId": r.document_key,
        "business_type": r.business_type,
        "receiver": r.receiver.code,
        "sender": r.sender_code,
        "peer": r.peer.code if r.peer else None,
        "document_id": r.document_id,
        "last_status_sent": r.last_status_sent,
        "received_at": r.received_at,
        "signatures": r.signatures,
        "other_info": r.other_info,
        "request": r.payload or {},
    }


@router.get("/receipts", response=list[ReceiptOut], summary="Gói tin nhận qua liên thông")
def receipts(request: HttpRequest, limit: int = 100, offset: int = Query(0, ge=0, le=MAX_OFFSET)) -> Any:
    limit = max(1, min(limit, 500))
    return [_receipt(r) for r in selectors.receipts(_actor(request))[offset : offset + limit]]


@router.post("/receipts/{receipt_id}/reject", response=ReceiptOut, summary="Từ chối tiếp nhận (02)")
def receipt_reject(request: HttpRequest, receipt_id: int, body: ReasonIn) -> Any:
    actor = _actor(request)
    services.receipt_reject(actor=actor, receipt=selectors.receipt_get(actor, receipt_id), reason=body.reason)
    return _receipt(selectors.receipt_get(actor, receipt_id))


@router.post("/receipts/{receipt_id}/recall/accept", response=ReceiptOut, summary="Đồng ý thu hồi (15)")
def recall_accept(request: HttpRequest, receipt_id: int) -> Any:
    actor = _actor(request)
    services.recall_request_accept(actor=actor, receipt=selectors.receipt_get(actor, receipt_id))
    return _receipt(selectors.receipt_get(actor, receipt_id))


@router.post("/receipts/{receipt_id}/recall/refuse", response=ReceiptOut, summary="Từ chối thu hồi (16)")
def recall_refuse(request: HttpRequest, receipt_id: int, body: ReasonIn) -> Any:
    actor = _actor(request)
    services.recall_request_refuse(
        actor=actor, receipt=selectors.receipt_get(actor, receipt_id), reason=body.reason
    )
    return _receipt(selectors.receipt_get(actor, receipt_id))


@router.post(
    "/receipts/{receipt_id}/change/accept",
    response=ReceiptOut,
    summary="Đồng ý cập nhật hoặc thay thế (15)",
)
def change_accept(request: HttpRequest, receipt_id: int) -> Any:
    actor = _actor(request)
    services.change_request_accept(actor=actor, receipt=selectors.receipt_get(actor, receipt_id))
    return _receipt(selectors.receipt_get(actor, receipt_id))


@router.post(
    "/receipts/{receipt_id}/change/refuse",
    response=ReceiptOut,
    summary="Từ chối cập nhật hoặc thay thế (16)",
)
def change_refuse(request: HttpRequest, receipt_id: int, body: ReasonIn) -> Any:
    actor = _actor(request)
    services.change_request_refuse(
        actor=actor, receipt=selectors.receipt_get(actor, receipt_id), reason=body.reason
    )
    return _receipt(selectors.receipt_get(actor, receipt_id))


class QuarantineOut(Schema):
    id: int
    code: str
    message: str
    detail: str
    DocumentId: str
    peer: str | None
    via: str
    size: int
    sha256: str
    state: str
    received_at: datetime


def _quarantined(q: Any) -> dict[str, Any]:
    return {
        "id": q.pk,
        "code": q.code,
        "message": q.message,
        "detail": q.detail,
        "DocumentId": q.document_key,
        "peer": q.peer.code if q.peer else None,
        "via": q.via,
        "size": q.size,
        "sha256": q.sha256,
        "state": q.state,
        "received_at": q.received_at,
    }


@router.get("/quarantine", response=list[QuarantineOut], summary="Gói tin bị cách ly (quản trị hệ thống)")
def quarantine(request: HttpRequest, all: bool = False) -> Any:
    return [_quarantined(q) for q in selectors.quarantine(_actor(request), open_only=not all)[:500]]


@router.post("/quarantine/{item_id}/dismiss", response=QuarantineOut, summary="Đánh dấu đã xem xét")
def quarantine_dismiss(request: HttpRequest, item_id: int) -> Any:
    actor = _actor(request)
    item = services.quarantine_dismiss(actor=actor, item=selectors.quarantine_get(actor, item_id))
    return _quarantined(item)


class PeerIn(Schema):
    code: str = Field(..., max_length=64)
    name: str = Field(..., max_length=200)
    base_url: str = Field(..., max_length=300)
    certificate_pem: str = Field(..., max_length=20000)
    is_active: bool = True


class PeerOut(Schema):
    id: int
    code: str
    name: str
    base_url: str
    is_active: bool
    agencies: int
    agencies_synced_at: datetime | None


def _peer(p: Any) -> dict[str, Any]:
    return {
        "id": p.pk,
        "code": p.code,
        "name": p.name,
        "base_url": p.base_url,
        "is_active": p.is_active,
        "agencies": p.agencies.count(),
        "agencies_synced_at": p.agencies_synced_at,
    }


@router.get("/peers", response=list[PeerOut], summary="Hệ thống liên thông (quản trị hệ thống)")
def peer_list(request: HttpRequest) -> Any:
    return [_peer(p) for p in selectors.peers(_actor(request))]


@router.post("/peers", response={201: PeerOut}, summary="Đăng ký hệ thống liên thông")
def peer_register(request: HttpRequest, body: PeerIn) -> Any:
    peer = peers.peer_register(actor=_actor(request), data=peers.PeerInput(**body.dict()))
    return Status(201, _peer(peer))


@router.post("/peers/{peer_id}/sync", response=PeerOut, summary="Đồng bộ danh sách cơ quan của hệ thống")
def peer_sync(request: HttpRequest, peer_id: int) -> Any:
    actor = _actor(request)
    peer = selectors.peer_get(actor, peer_id)
    peers.peer_sync_agencies(actor=actor, peer=peer)
    return _peer(selectors.peer_get(actor, peer_id))


class SwitchIn(Schema):
    hosted: bool
    peer_id: int | None = None


class SwitchOut(Schema):
    OrganId: str
    hosted: bool
    peer: str | None


@router.post(
    "/agencies/{code}/switch", response=SwitchOut, summary="Chuyển cơ quan giữa hệ thống này và hệ thống khác"
)
def agency_switch(request: HttpRequest, code: str, body: SwitchIn) -> Any:
    actor = _actor(request)
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        raise NotFound()
    peer = selectors.peer_get(actor, body.peer_id) if body.peer_id is not None else None
    agency = peers.agency_switch(actor=actor, agency=agency, hosted=body.hosted, peer=peer)
    link = getattr(agency, "exchange_peer", None)
    return {
        "OrganId": agency.code,
        "hosted": agency.hosted,
        "peer": link.peer.code if link and not agency.hosted else None,
    }


# The axis accounts live with the adapters; mounted here under /api/v1/exchange/axes.
from eoffice.exchange.axis.api import router as axis_router  # noqa: E402

router.add_router("/axes", axis_router)
