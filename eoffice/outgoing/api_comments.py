"""/api/v1/outgoing: comment rounds (lấy ý kiến) on drafts — start, answer (with files), extend,
close, read and export the consolidated answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from eoffice.core.actor import Actor
from eoffice.core.errors import NotFound
from eoffice.documents.downloads import file_response
from eoffice.documents.models import DocumentFile
from eoffice.documents.uploads import read_parts
from eoffice.outgoing import comments, comments_export, comments_selectors, selectors
from eoffice.outgoing.comments_selectors import RequestView, RoundView
from eoffice.outgoing.models import CommentAnswer

router = Router(tags=["outgoing: lấy ý kiến"])


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


class InviteeIn(Schema):
    kind: Literal["person", "unit"]
    id: int


class RoundIn(Schema):
    invitees: list[InviteeIn] = Field(..., max_length=comments.MAX_INVITEES)
    deadline: datetime
    note: str = Field("", max_length=comments.MAX_NOTE)


class ExtendIn(Schema):
    deadline: datetime
    reason: str = Field(..., max_length=comments.MAX_REASON)


class AnswerFields(Schema):
    verdict: str
    text: str = ""


class AnswerFileOut(Schema):
    id: int
    file_name: str
    sha256: str
    size: int


class AnswerOut(Schema):
    id: int
    sequence: int
    verdict: str
    text: str
    author_name: str
    answered_at: datetime
    deadline: datetime
    late: bool
    files: list[AnswerFileOut]


class RequestOut(Schema):
    id: int
    invitee: str
    kind: str
    user_id: int | None
    unit_id: int | None
    line_id: int
    line_status: str
    deadline: datetime | None
    current: AnswerOut | None
    history: list[AnswerOut]


class RoundOut(Schema):
    id: int
    draft_id: int
    number: int
    version: int
    status: str
    note: str
    deadline: datetime
    requested_by_id: int
    closed_at: datetime | None
    tally: dict[str, int] | None
    requests: list[RequestOut]


def _answer(answer: CommentAnswer) -> dict[str, Any]:
    return {
        "id": answer.pk,
        "sequence": answer.sequence,
        "verdict": answer.verdict,
        "text": answer.text,
        "author_name": answer.author_name,
        "answered_at": answer.answered_at,
        "deadline": answer.deadline,
        "late": answer.late,
        "files": [
            {"id": f.pk, "file_name": f.file_name, "sha256": f.stored_file.sha256, "size": f.stored_file.size}
            for f in answer.files.select_related("stored_file")
        ],
    }


def _request(view: RequestView) -> dict[str, Any]:
    line = view.request.line
    return {
        "id": view.request.pk,
        "invitee": view.invitee,
        "kind": "unit" if view.is_unit else "person",
        "user_id": line.assignee_user_id,
        "unit_id": line.assignee_unit_id,
        "line_id": line.pk,
        "line_status": line.status,
        "deadline": line.deadline,
        "current": _answer(view.current) if view.current else None,
        "history": [_answer(a) for a in view.answers],
    }


def _round(view: RoundView) -> dict[str, Any]:
    found = view.round
    return {
        "id": found.pk,
        "draft_id": found.draft_id,
        "number": found.number,
        "version": found.version.number,
        "status": found.status,
        "note": found.note,
        "deadline": found.deadline,
        "requested_by_id": found.requested_by_id,
        "closed_at": found.closed_at,
        "tally": view.tally if view.sees_all else None,
        "requests": [_request(r) for r in view.requests],
    }


def _view(actor: Actor, round_id: int) -> RoundView:
    found = comments_selectors.round_get(actor=actor, round_id=round_id)
    return comments_selectors.round_view(actor=actor, comment_round=found)


@router.get("/drafts/{int:draft_id}/comment-rounds", response=list[RoundOut], summary="Các đợt lấy ý kiến")
def rounds(request: HttpRequest, draft_id: int) -> Any:
    actor = _actor(request)
    draft = selectors.draft_get(actor=actor, draft_id=draft_id)
    return [_round(v) for v in comments_selectors.rounds_of_draft(actor=actor, draft=draft)]


@router.post("/drafts/{int:draft_id}/comment-rounds", response={201: RoundOut}, summary="Lấy ý kiến dự thảo")
def round_start(request: HttpRequest, draft_id: int, payload: RoundIn) -> Any:
    actor = _actor(request)
    draft = selectors.draft_get(actor=actor, draft_id=draft_id)
    started = comments.comment_round_start(
        actor=actor,
        draft=draft,
        invitees=[comments.Invitee(i.kind, i.id) for i in payload.invitees],
        deadline=payload.deadline,
        note=payload.note,
    )
    return Status(201, _round(_view(actor, started.pk)))


@router.get("/comment-rounds/{int:round_id}", response=RoundOut, summary="Một đợt lấy ý kiến")
def round_detail(request: HttpRequest, round_id: int) -> Any:
    return _round(_view(_actor(request), round_id))


@router.post(
    "/comment-rounds/{int:round_id}/answers", response={201: AnswerOut}, summary="Trả lời xin ý kiến"
)
def round_answer(
    request: HttpRequest,
    round_id: int,
    fields: Form[AnswerFields],
    # Not `| None`: ninja then no longer reads the parts as a list of files.
    attachments: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Any:
    actor = _actor(request)
    found = comments_selectors.round_get(actor=actor, round_id=round_id)
    answer = comments.comment_answer(
        actor=actor,
        comment_round=found,
        verdict=fields.verdict,
        text=fields.text,
        files=read_parts(attachments or [], field="files"),
    )
    return Status(201, _answer(answer))


@router.post("/comment-rounds/{int:round_id}/extend", response=RoundOut, summary="Gia hạn trả lời")
def round_extend(request: HttpRequest, round_id: int, payload: ExtendIn) -> Any:
    actor = _actor(request)
    found = comments_selectors.round_get(actor=actor, round_id=round_id)
    comments.comment_round_extend(
        actor=actor, comment_round=found, new_deadline=payload.deadline, reason=payload.reason
    )
    return _round(_view(actor, round_id))


@router.post("/comment-rounds/{int:round_id}/close", response=RoundOut, summary="Kết thúc lấy ý kiến")
def round_close(request: HttpRequest, round_id: int) -> Any:
    actor = _actor(request)
    found = comments_selectors.round_get(actor=actor, round_id=round_id)
    comments.comment_round_close(actor=actor, comment_round=found)
    return _round(_view(actor, round_id))


@router.get("/comment-rounds/{int:round_id}/export", summary="Tổng hợp ý kiến (XLSX, PDF)")
def round_export(
    request: HttpRequest, round_id: int, format: Query[Literal["xlsx", "pdf"]] = "xlsx"
) -> HttpResponse:
    view = _view(_actor(request), round_id)
    if not view.sees_all:
        raise NotFound(_("Không tìm thấy đợt lấy ý kiến."))
    return comments_export.response(view, format)


@router.get("/comment-rounds/{int:round_id}/files/{int:file_id}", summary="Tải tệp kèm ý kiến")
def round_file(request: HttpRequest, round_id: int, file_id: int) -> FileResponse:
    found = comments_selectors.answer_file_get(actor=_actor(request), round_id=round_id, file_id=file_id)
    return file_response(DocumentFile(stored_file=found.stored_file, file_name=found.file_name))
