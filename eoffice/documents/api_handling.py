"""/api/v1/documents/{id}/…: the registered document's work — read it, present it to a leader,
route it by the standing rules, propose a reply. The lines are acted on through /api/v1/work."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from eoffice.core.actor import Actor
from eoffice.core.errors import NotFound
from eoffice.documents import selectors, services
from eoffice.work.services import deadline_input
from eoffice.workcalendar.engine import LOCAL_TZ

router = Router(tags=["documents"])


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


class HandlingOut(Schema):
    document_id: int
    document_status: str
    item_id: int
    item_status: str
    direction: str
    lines: list[dict[str, Any]]
    opinions: list[dict[str, Any]]


class PresentIn(Schema):
    leader_id: int
    note: str = Field("", max_length=2000)
    deadline: datetime | None = None
    deadline_date: date | None = None
    working_days: int | None = Field(default=None, ge=1, le=366)


class ReplyIn(Schema):
    text: str = Field(..., max_length=4000)


class OpinionOut(Schema):
    id: int
    kind: str
    kind_label: str
    text: str
    line_id: int | None


def _handling(actor: Actor, document_id: int) -> dict[str, Any]:
    document = selectors.document_get(actor=actor, document_id=document_id)
    handling = selectors.handling_for(actor=actor, document=document)
    if handling is None:
        raise NotFound(_("Văn bản chưa vào sổ, hoặc bạn không tham gia xử lý văn bản này."))
    return {
        "document_id": document.pk,
        "document_status": document.status,
        "item_id": handling.item.pk,
        "item_status": handling.item.status,
        "direction": handling.item.direction,
        "lines": [row.as_dict() for row in handling.rows],
        "opinions": [
            {
                "id": o.pk,
                "kind": o.kind,
                "kind_label": str(o.get_kind_display()),
                "text": o.text,
                "author": o.author_name,
                "line_id": o.line_id,
                "created_at": o.created_at,
            }
            for o in handling.opinions
        ],
    }


@router.get(
    "/{int:document_id}/handling", response=HandlingOut, summary="Xử lý văn bản: các dòng, dòng thời gian"
)
def handling(request: HttpRequest, document_id: int) -> dict[str, Any]:
    return _handling(_actor(request), document_id)


@router.post("/{int:document_id}/present", response=HandlingOut, summary="Trình lãnh đạo")
def present(request: HttpRequest, document_id: int, payload: PresentIn) -> dict[str, Any]:
    actor = _actor(request)
    document = selectors.document_get(actor=actor, document_id=document_id)
    at = payload.deadline
    if at is not None and timezone.is_naive(at):
        at = at.replace(tzinfo=LOCAL_TZ)
    services.document_present(
        actor=actor,
        document=document,
        leader_id=payload.leader_id,
        note=payload.note,
        deadline=deadline_input(at=at, on=payload.deadline_date, working_days=payload.working_days),
    )
    return _handling(actor, document_id)


@router.post("/{int:document_id}/route", response=HandlingOut, summary="Chuyển xử lý theo quy tắc")
def route(request: HttpRequest, document_id: int) -> dict[str, Any]:
    actor = _actor(request)
    document = selectors.document_get(actor=actor, document_id=document_id)
    services.document_route(actor=actor, document=document)
    return _handling(actor, document_id)


@router.post(
    "/{int:document_id}/reply-proposal",
    response={201: OpinionOut},
    summary="Đề xuất văn bản trả lời (ghi thành ý kiến; dự thảo lập ở chức năng văn bản đi)",
)
def reply_proposal(request: HttpRequest, document_id: int, payload: ReplyIn) -> Status:
    actor = _actor(request)
    document = selectors.document_get(actor=actor, document_id=document_id)
    opinion = services.document_propose_reply(actor=actor, document=document, text=payload.text)
    return Status(
        201,
        {
            "id": opinion.pk,
            "kind": opinion.kind,
            "kind_label": str(opinion.get_kind_display()),
            "text": opinion.text,
            "line_id": opinion.line_id,
        },
    )
