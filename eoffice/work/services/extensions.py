"""Deadline extension (gia hạn): the holder asks, whoever assigned the line decides."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, NotFound, ValidationFailed
from eoffice.core.policies import require
from eoffice.work import engine, policies
from eoffice.work.models import AssignmentLine, ExtensionRequest, ExtensionStatus
from eoffice.work.services.assign import lock_item
from eoffice.work.services.lines import MAX_REASON, locked_line
from eoffice.work.statuses import UNFINISHED_STATUSES, LineRole


@transaction.atomic
def extension_request(
    *, line: AssignmentLine, proposed_deadline: datetime, reason: str, actor: Actor
) -> ExtensionRequest:
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("reason_required", _("Phải nêu lý do xin gia hạn."), field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationFailed(
            "reason_too_long",
            _("Lý do tối đa %(max_reason)s ký tự.") % {"max_reason": MAX_REASON},
            field="reason",
        )
    if timezone.is_naive(proposed_deadline):
        raise ValidationFailed(
            "invalid_deadline", _("Hạn đề nghị phải kèm múi giờ."), field="proposed_deadline"
        )
    line = locked_line(line.pk)
    require(policies.holds_line(actor, line), _("Bạn không giữ dòng xử lý này."))
    if line.status not in UNFINISHED_STATUSES:
        raise engine.refusal(line, "extend")
    if line.role == LineRole.INFO or line.deadline is None:
        raise ValidationFailed(
            "no_deadline", _("Dòng xử lý này không có hạn để gia hạn."), field="proposed_deadline"
        )
    now = timezone.now()
    if proposed_deadline <= line.deadline:
        raise ValidationFailed(
            "not_later", _("Hạn đề nghị phải sau hạn xử lý hiện tại."), field="proposed_deadline"
        )
    if proposed_deadline < now:
        raise ValidationFailed("deadline_in_past", _("Hạn đề nghị đã ở quá khứ."), field="proposed_deadline")
    try:
        with transaction.atomic():
            request = ExtensionRequest.objects.create(
                line=line,
                requested_by=actor.user,
                on_behalf_of=actor.on_behalf_of,
                requested_at=now,
                current_deadline=line.deadline,
                proposed_deadline=proposed_deadline,
                reason=reason,
            )
    except IntegrityError as exc:
        raise Conflict(
            "extension_pending", _("Dòng xử lý này đang có một đề nghị gia hạn chờ duyệt.")
        ) from exc
    engine.record_event(
        line=line, action="extension_requested", actor=actor, before=line.status, note=reason, at=now
    )
    audit.record(
        actor=actor,
        verb="work.extension_requested",
        target=request,
        agency_id=line.assignee_agency_id,
        data={"line": line.pk, "proposed": proposed_deadline.isoformat(), "reason": reason},
    )
    return request


@transaction.atomic
def extension_decide(
    *, request: ExtensionRequest, approve: bool, actor: Actor, note: str = ""
) -> ExtensionRequest:
    if len(note) > MAX_REASON:
        raise ValidationFailed(
            "note_too_long",
            _("Ghi chú tối đa %(max_reason)s ký tự.") % {"max_reason": MAX_REASON},
            field="note",
        )
    item_id = AssignmentLine.objects.filter(pk=request.line_id).values_list("item_id", flat=True).first()
    if item_id is None:
        raise NotFound(_("Không tìm thấy dòng xử lý."))
    lock_item(item_id)
    request = ExtensionRequest.objects.select_related("line__parent", "line__item").get(pk=request.pk)
    line = request.line
    require(policies.is_assigner_of(actor, line), _("Chỉ người giao dòng xử lý này được duyệt gia hạn."))
    if request.status != ExtensionStatus.PENDING:
        raise Conflict("already_decided", _("Đề nghị gia hạn này đã được xử lý."))
    if line.status not in UNFINISHED_STATUSES:
        raise engine.refusal(line, "extend")
    now = timezone.now()
    request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    request.decided_by = actor.user
    request.decided_at = now
    request.decision_note = note.strip()
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if approve:
        line.deadline = request.proposed_deadline
        line.save(update_fields=["deadline"])
    shown = timezone.localtime(request.proposed_deadline).strftime("%H:%M %d/%m/%Y")
    text = f"Đồng ý gia hạn đến {shown}" if approve else f"Không đồng ý gia hạn đến {shown}"
    engine.record_event(
        line=line,
        action="extend" if approve else "extension_rejected",
        actor=actor,
        before=line.status,
        note=f"{text}. {note}".strip(),
        at=now,
    )
    audit.record(
        actor=actor,
        verb="work.extension_decided",
        target=request,
        agency_id=line.assignee_agency_id,
        data={
            "line": line.pk,
            "approved": approve,
            "deadline": line.deadline.isoformat() if line.deadline else None,
        },
    )
    return request
