"""Lấy ý kiến: asking people or units for comments on a draft, run on the work engine.

Each invitee's request is a work item of kind "outgoing_draft" (subject "outgoing.comment_round")
with one lead line for the person or the unit, like a step of the approval chain: the same line
and status machinery gives the work box, the deadline on the working-day calendar and the
processing time. Answering completes the line; a later answer supersedes the earlier one without
touching it. Closing the round recalls the lines still open, so nobody is left with a request
that no longer takes answers.

Rules a Vietnamese office expects (iOffice "Lấy ý kiến", processes-and-tasks.md §4.2):
- an answer after the deadline is accepted (the drafter still wants it) but marked late;
- the requester may extend the deadline, to a later time, with a reason;
- after "kết thúc lấy ý kiến" no answer is taken.

Lock order: round row → work item → line → audit head (the engine locks item before line).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, NotFound, ValidationFailed
from eoffice.core.policies import require
from eoffice.directory.models import Agency, Unit
from eoffice.documents import blobs
from eoffice.documents.services import UploadPart
from eoffice.documents.validation import check_upload
from eoffice.outgoing import comments_policies
from eoffice.outgoing.comment_models import ROUND_TRANSITIONS
from eoffice.outgoing.models import (
    CommentAnswer,
    CommentAnswerFile,
    CommentExtension,
    CommentRequest,
    CommentRound,
    Draft,
    DraftStatus,
    RoundStatus,
    Verdict,
)
from eoffice.people.models import Position, Role
from eoffice.work import engine
from eoffice.work import services as work
from eoffice.work.models import AssignmentLine, WorkItem
from eoffice.work.services.assign import LineSpec, assign_lines, lock_item
from eoffice.work.statuses import UNFINISHED_STATUSES, ItemKind, ItemStatus, LineAction, LineRole, LineStatus

SUBJECT_TYPE = "outgoing.comment_round"
MAX_INVITEES = 50
MAX_NOTE = 2000
# iOffice limits a comment's text to 1,000 characters; files carry anything longer.
MAX_TEXT = 1000
MAX_FILES = 5
MAX_REASON = 2000
ANSWER_FILE_KINDS = ["pdf", "docx", "xlsx", "png", "jpeg"]
# Comments are asked before the draft is signed; afterwards they could change nothing.
COMMENTABLE = frozenset({DraftStatus.DRAFTING, DraftStatus.RETURNED, DraftStatus.IN_REVIEW})
TARGET_KINDS = ("person", "unit")


@dataclass(frozen=True)
class Invitee:
    kind: str  # "person" (a user id) or "unit" (a unit id, answered by its head)
    id: int


def _shown(value: datetime) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y")


def set_round_status(comment_round: CommentRound, target: str) -> None:
    """The one place a round's status changes (ROUND_TRANSITIONS)."""
    if target not in ROUND_TRANSITIONS[comment_round.status]:
        raise Conflict("round_closed", _("Đợt lấy ý kiến đã kết thúc."))
    comment_round.status = target


def _check_deadline(deadline: datetime, now: datetime, field: str = "deadline") -> None:
    if timezone.is_naive(deadline):
        raise ValidationFailed("invalid_deadline", _("Hạn trả lời phải kèm múi giờ."), field=field)
    if deadline <= now:
        raise ValidationFailed(
            "deadline_in_past",
            _("Hạn trả lời (%(shown)s) đã ở quá khứ.") % {"shown": _shown(deadline)},
            field=field,
        )


def _check_invitee(agency: Agency, invitee: Invitee, requester_id: int, field: str) -> None:
    active = Position.objects.filter(agency=agency, is_active=True, user__is_active=True)
    if invitee.kind == "person":
        if invitee.id == requester_id:
            raise ValidationFailed("self_invited", _("Không xin ý kiến chính mình."), field=field)
        if not active.filter(user_id=invitee.id).exists():
            raise ValidationFailed(
                "not_in_agency", _("Người được xin ý kiến phải có chức vụ trong cơ quan."), field=field
            )
    elif invitee.kind == "unit":
        if not Unit.objects.filter(pk=invitee.id, agency=agency, is_active=True).exists():
            raise ValidationFailed("unknown_unit", _("Đơn vị không thuộc cơ quan."), field=field)
        if not active.filter(unit_id=invitee.id, roles__role=Role.LANH_DAO_DON_VI).exists():
            raise ValidationFailed(
                "unit_without_head",
                _("Đơn vị chưa có lãnh đạo đơn vị để trả lời thay đơn vị."),
                field=field,
            )
    else:
        raise ValidationFailed("invalid_invitee", _("Loại người được xin ý kiến không hợp lệ."), field=field)


def _check_invitees(agency: Agency, invitees: list[Invitee], requester_id: int) -> None:
    if not invitees:
        raise ValidationFailed(
            "no_invitees", _("Chưa chọn người hoặc đơn vị được xin ý kiến."), field="invitees"
        )
    if len(invitees) > MAX_INVITEES:
        raise ValidationFailed(
            "too_many_invitees",
            _("Mỗi đợt xin ý kiến tối đa %(max_invitees)s người hoặc đơn vị.")
            % {"max_invitees": MAX_INVITEES},
            field="invitees",
        )
    seen: set[tuple[str, int]] = set()
    for index, invitee in enumerate(invitees):
        field = f"invitees[{index}]"
        if (invitee.kind, invitee.id) in seen:
            raise ValidationFailed("duplicate_invitee", _("Người hoặc đơn vị này đã được chọn."), field=field)
        seen.add((invitee.kind, invitee.id))
        _check_invitee(agency, invitee, requester_id, field)


def _open_request(
    comment_round: CommentRound, draft: Draft, invitee: Invitee, order: int, actor: Actor
) -> None:
    version = comment_round.version
    # The engine's item belongs to the agency; the system opens it, the requester assigns its line.
    item = work.item_create(
        agency=draft.agency,
        kind=ItemKind.OUTGOING_DRAFT,
        title=f"Xin ý kiến: {version.subject}",
        arrived_at=comment_round.requested_at,
        actor=Actor.system("outgoing"),
        subject_type=SUBJECT_TYPE,
        subject_id=comment_round.pk,
        urgency=version.urgency if version.urgency != "thuong" else "normal",
    )
    lock_item(item.pk)
    spec = LineSpec(
        role=LineRole.LEAD,
        target_kind=invitee.kind,
        user_id=invitee.id if invitee.kind == "person" else None,
        unit_id=invitee.id if invitee.kind == "unit" else None,
        note=comment_round.note or "Xin ý kiến dự thảo",
        deadline=work.deadline_input(at=comment_round.deadline),
    )
    (line,) = assign_lines(item=item, parent=None, specs=[spec], direction="", actor=actor)
    CommentRequest.objects.create(round=comment_round, work_item=item, line=line, order=order)


@transaction.atomic
def comment_round_start(
    *, actor: Actor, draft: Draft, invitees: list[Invitee], deadline: datetime, note: str = ""
) -> CommentRound:
    """Lấy ý kiến on the draft's current version: one request (work line) per invitee."""
    # Why the lock: two starts racing must not both open a round (the unique constraint backs it).
    draft = (
        Draft.objects.select_for_update(of=("self",))
        .select_related("agency", "current_version")
        .get(pk=draft.pk)
    )
    require(
        comments_policies.may_request(actor, draft),
        _("Chỉ người soạn thảo hoặc lãnh đạo đơn vị soạn thảo được lấy ý kiến."),
    )
    if draft.status not in COMMENTABLE:
        raise Conflict("not_commentable", _("Chỉ lấy ý kiến khi dự thảo chưa được ký duyệt."))
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise ValidationFailed(
            "note_too_long",
            _("Nội dung xin ý kiến tối đa %(max_note)s ký tự.") % {"max_note": MAX_NOTE},
            field="note",
        )
    now = timezone.now()
    _check_deadline(deadline, now)
    assert actor.user is not None
    _check_invitees(draft.agency, invitees, (actor.on_behalf_of or actor.user).pk)
    if CommentRound.objects.filter(draft=draft, status=RoundStatus.OPEN).exists():
        raise Conflict("round_open", _("Dự thảo đang có một đợt lấy ý kiến chưa kết thúc."))
    number = (CommentRound.objects.filter(draft=draft).aggregate(m=Max("number"))["m"] or 0) + 1
    assert draft.current_version is not None
    comment_round = CommentRound.objects.create(
        draft=draft,
        version=draft.current_version,
        agency=draft.agency,
        number=number,
        note=note,
        deadline=deadline,
        requested_by=actor.on_behalf_of or actor.user,
        requested_at=now,
    )
    for order, invitee in enumerate(invitees, start=1):
        _open_request(comment_round, draft, invitee, order, actor)
    audit.record(
        actor=actor,
        verb="outgoing.comments_requested",
        target=comment_round,
        agency_id=draft.agency_id,
        data={
            "draft": draft.pk,
            "round": number,
            "version": draft.current_version.number,
            "deadline": deadline.isoformat(),
            "invitees": [f"{i.kind}:{i.id}" for i in invitees],
        },
    )
    return comment_round


def _locked_round(comment_round: CommentRound) -> CommentRound:
    # Why the lock: an answer racing "kết thúc" or "gia hạn" must see the round as the other left it.
    found = (
        CommentRound.objects.select_for_update(of=("self",))
        .select_related("draft__agency", "version")
        .filter(pk=comment_round.pk)
        .first()
    )
    if found is None:
        raise NotFound(_("Không tìm thấy đợt lấy ý kiến."))
    return found


def held_request(actor: Actor, comment_round: CommentRound) -> CommentRequest | None:
    requests = CommentRequest.objects.filter(round=comment_round).select_related(
        "line__assignee_user", "line__assignee_unit", "line__assignee_agency"
    )
    return next((r for r in requests if comments_policies.holds_request(actor, r)), None)


def _check_answer_input(verdict: str, text: str, files: list[UploadPart]) -> None:
    if verdict not in Verdict.values:
        raise ValidationFailed(
            "invalid_verdict", _("Hãy chọn Đồng ý, Không đồng ý hoặc Ý kiến khác."), field="verdict"
        )
    if verdict != Verdict.AGREE and not text:
        raise ValidationFailed(
            "text_required", _("Hãy ghi nội dung khi không đồng ý hoặc có ý kiến khác."), field="text"
        )
    if len(text) > MAX_TEXT:
        raise ValidationFailed(
            "text_too_long", _("Nội dung tối đa %(max_text)s ký tự.") % {"max_text": MAX_TEXT}, field="text"
        )
    if len(files) > MAX_FILES:
        raise ValidationFailed(
            "too_many_files",
            _("Tối đa %(max_files)s tệp mỗi ý kiến.") % {"max_files": MAX_FILES},
            field="files",
        )


@transaction.atomic
def comment_answer(
    *,
    actor: Actor,
    comment_round: CommentRound,
    verdict: str,
    text: str = "",
    files: list[UploadPart] | None = None,
) -> CommentAnswer:
    """Trả lời: a new answer of the invitee (person, or the head for a unit); never an edit."""
    files = files or []
    text = text.strip()
    _check_answer_input(verdict, text, files)
    comment_round = _locked_round(comment_round)
    request = held_request(actor, comment_round)
    require(request is not None, _("Bạn không được xin ý kiến trong đợt này."))
    assert request is not None and actor.user is not None
    if not comment_round.is_open:
        raise Conflict("round_closed", _("Đợt lấy ý kiến đã kết thúc, không nhận thêm ý kiến."))
    checked = [check_upload(f.name, f.data, allowed=ANSWER_FILE_KINDS, field="files") for f in files]
    line = AssignmentLine.objects.get(pk=request.line_id)
    now = timezone.now()
    deadline = line.deadline or comment_round.deadline
    answer = CommentAnswer.objects.create(
        request=request,
        sequence=request.answers.count() + 1,
        verdict=verdict,
        text=text,
        author=actor.user,
        on_behalf_of=actor.on_behalf_of,
        author_name=engine.actor_name(actor),
        answered_at=now,
        deadline=deadline,
        late=now > deadline,
    )
    stored = []
    for upload in checked:
        blob = blobs.store_bytes(upload.data, content_type=upload.content_type)
        CommentAnswerFile.objects.create(answer=answer, stored_file=blob, file_name=upload.name)
        stored.append({"name": upload.name, "sha256": blob.sha256, "size": blob.size})
    label = str(Verdict(verdict).label)
    if line.status in UNFINISHED_STATUSES:
        if line.status == LineStatus.CHO_TIEP_NHAN:
            line = work.line_receive(line=line, actor=actor)
        work.line_complete(line=line, actor=actor, note=f"{label}: {text}"[:2000])
    else:
        # A later answer: the line is done already; its timeline still shows the new answer.
        lock_item(line.item_id)
        engine.record_event(line=line, action="opinion", actor=actor, before=line.status, note=label, at=now)
    audit.record(
        actor=actor,
        verb="outgoing.comment_answered",
        target=answer,
        agency_id=comment_round.agency_id,
        data={
            "round": comment_round.pk,
            "request": request.pk,
            "sequence": answer.sequence,
            "verdict": verdict,
            "late": answer.late,
            "files": stored,
        },
    )
    return answer


@transaction.atomic
def comment_round_extend(
    *, actor: Actor, comment_round: CommentRound, new_deadline: datetime, reason: str
) -> CommentExtension:
    """Gia hạn: a later deadline, with a reason, for every invitee who has not answered yet."""
    comment_round = _locked_round(comment_round)
    require(
        comments_policies.may_manage_round(actor, comment_round),
        _("Chỉ người lấy ý kiến hoặc lãnh đạo đơn vị soạn thảo được gia hạn."),
    )
    if not comment_round.is_open:
        raise Conflict("round_closed", _("Đợt lấy ý kiến đã kết thúc."))
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("reason_required", _("Phải nêu lý do gia hạn."), field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationFailed(
            "reason_too_long",
            _("Lý do tối đa %(max_reason)s ký tự.") % {"max_reason": MAX_REASON},
            field="reason",
        )
    now = timezone.now()
    _check_deadline(new_deadline, now)
    old = comment_round.deadline
    if new_deadline <= old:
        raise ValidationFailed(
            "not_later",
            _("Hạn mới phải sau hạn hiện tại (%(shown)s).") % {"shown": _shown(old)},
            field="deadline",
        )
    assert actor.user is not None
    extension = CommentExtension.objects.create(
        round=comment_round,
        old_deadline=old,
        new_deadline=new_deadline,
        reason=reason,
        extended_by=actor.user,
        extended_at=now,
    )
    comment_round.deadline = new_deadline
    comment_round.save(update_fields=["deadline"])
    note = f"Gia hạn đến {_shown(new_deadline)}. {reason}"
    for request in comment_round.requests.select_related("line"):
        line = request.line
        if line.status not in UNFINISHED_STATUSES:
            continue
        lock_item(line.item_id)
        AssignmentLine.objects.filter(pk=line.pk).update(deadline=new_deadline)
        line.deadline = new_deadline
        engine.record_event(line=line, action="extend", actor=actor, before=line.status, note=note, at=now)
    audit.record(
        actor=actor,
        verb="outgoing.comments_extended",
        target=comment_round,
        agency_id=comment_round.agency_id,
        data={"old": old.isoformat(), "new": new_deadline.isoformat(), "reason": reason},
    )
    return extension


@transaction.atomic
def comment_round_close(*, actor: Actor, comment_round: CommentRound) -> CommentRound:
    """Kết thúc lấy ý kiến: no more answers; the requests still open are recalled from the boxes."""
    comment_round = _locked_round(comment_round)
    require(
        comments_policies.may_manage_round(actor, comment_round),
        _("Chỉ người lấy ý kiến hoặc lãnh đạo đơn vị soạn thảo được kết thúc lấy ý kiến."),
    )
    set_round_status(comment_round, RoundStatus.CLOSED)
    now = timezone.now()
    comment_round.closed_by = actor.on_behalf_of or actor.user
    comment_round.closed_at = now
    comment_round.save(update_fields=["status", "closed_by", "closed_at"])
    recalled = []
    for request in comment_round.requests.select_related("line"):
        if request.line.status not in UNFINISHED_STATUSES:
            continue
        item = lock_item(request.line.item_id)
        line = engine.line_transition(
            line_id=request.line_id, action=LineAction.RECALL, actor=actor, note="Kết thúc lấy ý kiến", at=now
        )
        engine.after_leaving(line, actor=actor, at=now)
        engine.sync_item_status(item, actor=actor, at=now)
        recalled.append(line.pk)
    audit.record(
        actor=actor,
        verb="outgoing.comments_closed",
        target=comment_round,
        agency_id=comment_round.agency_id,
        data={"round": comment_round.number, "recalled_lines": recalled},
    )
    return comment_round


def follow_work(item: WorkItem, actor: Actor) -> None:
    """Called by the engine, in its transaction, when a request's item changes status.

    A request is answered on its page (with a verdict), not completed or returned bare from the
    work box: raising here rolls such a change back with a message saying where to answer.
    """
    request = CommentRequest.objects.select_related("round").filter(work_item=item).first()
    if request is None or item.status == ItemStatus.IN_PROGRESS:
        return
    answered = request.answers.exists()
    if (item.status == ItemStatus.DONE and not answered) or (
        item.status == ItemStatus.NEW and request.round.status == RoundStatus.OPEN
    ):
        raise Conflict(
            "answer_on_page",
            _("Hãy trả lời xin ý kiến (Đồng ý, Không đồng ý hoặc Ý kiến khác) trên trang lấy ý kiến."),
        )


def round_url(round_id: int) -> str:
    return reverse("outgoing:comment_round", args=[round_id])


def round_facts(round_id: int) -> list[tuple[str, str]]:
    found = CommentRound.objects.select_related("version").filter(pk=round_id).first()
    if found is None:
        return []
    return [
        (_("Dự thảo"), found.version.subject),
        (_("Phiên bản"), str(found.version.number)),
        (_("Hạn trả lời"), _shown(found.deadline)),
        (_("Trạng thái"), str(RoundStatus(found.status).label)),
    ]
