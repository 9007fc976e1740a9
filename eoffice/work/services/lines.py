"""What the holder of a line does with it, and the recall by whoever assigned it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import NotFound, ValidationFailed
from eoffice.core.policies import require
from eoffice.work import engine, policies
from eoffice.work.models import AssignmentLine, WorkItem
from eoffice.work.services.assign import lock_item
from eoffice.work.statuses import GONE_STATUSES, LineAction

MAX_REASON = 2000
NOT_HOLDER = _lazy("Bạn không giữ dòng xử lý này.")


def locked_line(line_id: int) -> AssignmentLine:
    found = AssignmentLine.objects.filter(pk=line_id).values_list("item_id", flat=True).first()
    if found is None:
        raise NotFound(_("Không tìm thấy dòng xử lý."))
    lock_item(found)
    return AssignmentLine.objects.select_related("item", "parent").get(pk=line_id)


def _audit(actor: Actor, verb: str, line: AssignmentLine, **data: Any) -> None:
    audit.record(
        actor=actor,
        verb=verb,
        target=line,
        agency_id=line.assignee_agency_id,
        data={"item": line.item_id, "status": line.status, **data},
    )


def _simple(line: AssignmentLine, action: str, verb: str, actor: Actor, note: str = "") -> AssignmentLine:
    line = locked_line(line.pk)
    require(policies.holds_line(actor, line), str(NOT_HOLDER))
    line = engine.line_transition(line_id=line.pk, action=action, actor=actor, note=note)
    _audit(actor, verb, line)
    return line


@transaction.atomic
def line_receive(*, line: AssignmentLine, actor: Actor) -> AssignmentLine:
    """Tiếp nhận: the line enters its holder's "chờ xử lý"."""
    return _simple(line, LineAction.RECEIVE, "work.line_received", actor)


@transaction.atomic
def line_start(*, line: AssignmentLine, actor: Actor) -> AssignmentLine:
    return _simple(line, LineAction.START, "work.line_started", actor)


@transaction.atomic
def line_open(*, line: AssignmentLine, actor: Actor) -> AssignmentLine:
    """Remember when the holder first opened the line (for the timeline). No state change; later
    openings and openings by others are not recorded."""
    line = locked_line(line.pk)
    if (
        line.first_opened_at is not None
        or line.status in GONE_STATUSES
        or not policies.holds_line(actor, line)
    ):
        return line
    now = timezone.now()
    line.first_opened_at = now
    line.save(update_fields=["first_opened_at"])
    engine.record_event(line=line, action="open", actor=actor, before=line.status, at=now)
    _audit(actor, "work.line_opened", line)
    return line


def lines_open(*, item: WorkItem, actor: Actor) -> list[AssignmentLine]:
    """Opening an item (or its subject's page) opens every line the actor holds on it that was
    never opened. Each line is stamped in its own transaction, like a single `line_open`."""
    unopened = AssignmentLine.objects.filter(item=item, first_opened_at__isnull=True).exclude(
        status__in=sorted(GONE_STATUSES)
    )
    return [line_open(line=line, actor=actor) for line in unopened if policies.holds_line(actor, line)]


@transaction.atomic
def line_complete(*, line: AssignmentLine, actor: Actor, note: str = "") -> AssignmentLine:
    """Hoàn thành, with the completion rules (engine.after_completion)."""
    line = locked_line(line.pk)
    require(policies.holds_line(actor, line), str(NOT_HOLDER))
    if len(note) > MAX_REASON:
        raise ValidationFailed(
            "note_too_long",
            _("Ghi chú tối đa %(max_reason)s ký tự.") % {"max_reason": MAX_REASON},
            field="note",
        )
    now = timezone.now()
    line = engine.line_transition(line_id=line.pk, action=LineAction.COMPLETE, actor=actor, note=note, at=now)
    cascaded = engine.after_completion(line, actor=actor, at=now)
    engine.sync_item_status(line.item, actor=actor, at=now)
    _audit(actor, "work.line_completed", line, cascaded=cascaded)
    line.refresh_from_db()
    return line


@transaction.atomic
def line_return(*, line: AssignmentLine, reason: str, actor: Actor) -> AssignmentLine:
    """Trả lại, with a reason; the line above is reopened so its holder can assign again."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("reason_required", _("Phải nêu lý do trả lại."), field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationFailed(
            "reason_too_long",
            _("Lý do trả lại tối đa %(max_reason)s ký tự.") % {"max_reason": MAX_REASON},
            field="reason",
        )
    line = locked_line(line.pk)
    require(policies.holds_line(actor, line), str(NOT_HOLDER))
    now = timezone.now()
    line = engine.line_transition(line_id=line.pk, action=LineAction.RETURN, actor=actor, note=reason, at=now)
    cascaded = engine.after_leaving(line, actor=actor, at=now)
    engine.sync_item_status(line.item, actor=actor, at=now)
    _audit(actor, "work.line_returned", line, reason=reason, cascaded=cascaded)
    return line


@transaction.atomic
def line_recall(*, line: AssignmentLine, actor: Actor, note: str = "") -> AssignmentLine:
    """Thu hồi by whoever assigned the line; everything below it is recalled too, history kept."""
    line = locked_line(line.pk)
    require(policies.is_assigner_of(actor, line), _("Chỉ người đã giao dòng xử lý này được thu hồi."))
    if len(note) > MAX_REASON:
        raise ValidationFailed(
            "note_too_long",
            _("Ghi chú tối đa %(max_reason)s ký tự.") % {"max_reason": MAX_REASON},
            field="note",
        )
    now = timezone.now()
    line = engine.line_transition(line_id=line.pk, action=LineAction.RECALL, actor=actor, note=note, at=now)
    cascaded = engine.after_leaving(line, actor=actor, at=now)
    engine.sync_item_status(line.item, actor=actor, at=now)
    _audit(actor, "work.line_recalled", line, cascaded=cascaded)
    return line
