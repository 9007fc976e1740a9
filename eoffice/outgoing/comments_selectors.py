"""Reads of comment rounds, scoped by the actor: the requester's side sees every answer, an
invitee sees the round and their own answers only, anyone else nothing."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from eoffice.core.actor import Actor
from eoffice.core.errors import NotFound
from eoffice.outgoing import comments, comments_policies
from eoffice.outgoing.models import (
    CommentAnswer,
    CommentAnswerFile,
    CommentRequest,
    CommentRound,
    Draft,
    Verdict,
)


@dataclass
class RequestView:
    request: CommentRequest
    invitee: str
    is_unit: bool
    answers: list[CommentAnswer] = field(default_factory=list)

    @property
    def current(self) -> CommentAnswer | None:
        return self.answers[-1] if self.answers else None

    @property
    def earlier(self) -> list[CommentAnswer]:
        return list(reversed(self.answers[:-1]))


@dataclass
class RoundView:
    round: CommentRound
    requests: list[RequestView]
    sees_all: bool
    mine: RequestView | None

    @property
    def tally(self) -> dict[str, int]:
        counts = Counter(r.current.verdict if r.current else "none" for r in self.requests)
        return {key: counts.get(key, 0) for key in [*Verdict.values, "none"]}


def _visible(actor: Actor, comment_round: CommentRound) -> tuple[bool, CommentRequest | None]:
    sees_all = comments_policies.may_see_all(actor, comment_round)
    mine = comments.held_request(actor, comment_round)
    return sees_all, mine


def round_get(*, actor: Actor, round_id: int) -> CommentRound:
    found = (
        CommentRound.objects.select_related("draft__agency", "version", "requested_by", "closed_by")
        .filter(pk=round_id)
        .first()
    )
    if found is None:
        raise NotFound(_("Không tìm thấy đợt lấy ý kiến."))
    sees_all, mine = _visible(actor, found)
    if not sees_all and mine is None:
        raise NotFound(_("Không tìm thấy đợt lấy ý kiến."))
    return found


def round_visible(round_id: int, actor: Actor) -> bool:
    """For the work engine's item page: link the round only for those who may open it."""
    found = CommentRound.objects.select_related("draft__agency").filter(pk=round_id).first()
    if found is None:
        return False
    sees_all, mine = _visible(actor, found)
    return sees_all or mine is not None


def round_view(*, actor: Actor, comment_round: CommentRound) -> RoundView:
    sees_all, mine = _visible(actor, comment_round)
    requests = CommentRequest.objects.filter(round=comment_round).select_related(
        "line__assignee_user", "line__assignee_unit", "line__assignee_agency"
    )
    if not sees_all:
        requests = requests.filter(pk=mine.pk if mine else 0)
    answers = (
        CommentAnswer.objects.filter(request__in=requests)
        .prefetch_related("files")
        .order_by("request_id", "sequence")
    )
    by_request: dict[int, list[CommentAnswer]] = {}
    for answer in answers:
        by_request.setdefault(answer.request_id, []).append(answer)
    views = [
        RequestView(
            request=r,
            invitee=r.line.assignee_label,
            is_unit=r.line.assignee_unit_id is not None,
            answers=by_request.get(r.pk, []),
        )
        for r in requests
    ]
    mine_view = next((v for v in views if mine is not None and v.request.pk == mine.pk), None)
    return RoundView(comment_round, views, sees_all, mine_view)


def rounds_of_draft(*, actor: Actor, draft: Draft) -> list[RoundView]:
    """The rounds of a draft the actor may see (the draft itself was read through draft_get)."""
    rounds = CommentRound.objects.filter(draft=draft).select_related("version", "requested_by", "closed_by")
    views = []
    for comment_round in rounds:
        sees_all, mine = _visible(actor, comment_round)
        if sees_all or mine is not None:
            views.append(round_view(actor=actor, comment_round=comment_round))
    return views


def answer_file_get(*, actor: Actor, round_id: int, file_id: int) -> CommentAnswerFile:
    comment_round = round_get(actor=actor, round_id=round_id)
    view = round_view(actor=actor, comment_round=comment_round)
    request_ids = [r.request.pk for r in view.requests]
    found = (
        CommentAnswerFile.objects.select_related("stored_file")
        .filter(pk=file_id, answer__request_id__in=request_ids)
        .first()
    )
    if found is None:
        raise NotFound(_("Không tìm thấy tệp."))
    return found
