"""Đôn đốc: send a reminder on a line; the holder (or the unit's heads) hears it in the bell and by
e-mail. Also the agency admin's automatic reminder schedule (`reminder_policy_set`)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core import audit, language
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, ValidationFailed
from eoffice.core.policies import require
from eoffice.directory.models import Agency
from eoffice.directory.rights import administers
from eoffice.notifications.models import Kind
from eoffice.notifications.services import Message, notification_send
from eoffice.reminders.models import MANUAL_TYPES, EscalateTo, Reminder, ReminderPolicy, ReminderType
from eoffice.reminders.policies import may_remind
from eoffice.reminders.schedule import MAX_ESCALATE_DAYS, MAX_HOURS_BEFORE, Schedule
from eoffice.reminders.selectors import line_recipients
from eoffice.work.models import AssignmentLine
from eoffice.work.statuses import LineStatus, Urgency

MAX_MESSAGE = 1000
# A line that is finished, returned or recalled has nobody left to chase.
CHASEABLE = frozenset(
    {LineStatus.CHO_TIEP_NHAN, LineStatus.CHO_XU_LY, LineStatus.DANG_XU_LY, LineStatus.DA_CHUYEN}
)
# Hỏa tốc and Thượng khẩn reach every channel at once (issue #6 §5); "Khẩn" follows preferences.
URGENT = frozenset({Urgency.THUONG_KHAN, Urgency.HOA_TOC, Urgency.HOA_TOC_HEN_GIO})


def _checked(kind: str, message: str) -> str:
    if kind not in MANUAL_TYPES:
        raise ValidationFailed("unknown_type", _("Hình thức đôn đốc không hợp lệ."), field="type")
    message = " ".join(message.split())
    if not message:
        raise ValidationFailed("message_required", _("Phải nhập nội dung đôn đốc."), field="message")
    if len(message) > MAX_MESSAGE:
        raise ValidationFailed(
            "message_too_long",
            _("Nội dung đôn đốc tối đa %(max)s ký tự.") % {"max": MAX_MESSAGE},
            field="message",
        )
    return message


def locked_line(line_id: int) -> AssignmentLine:
    # Why the lock: the ordinal comes from the line's count; two reminders at once must not share
    # one, and an automatic run must see what a concurrent run already sent on this line.
    return (
        AssignmentLine.objects.select_for_update(of=("self",))
        .select_related("item", "assignee_agency", "assignee_user", "assignee_unit")
        .get(pk=line_id)
    )


def chase(
    *, actor: Actor, line: AssignmentLine, type: str, message: str, title: str, kind: str, at: datetime
) -> Reminder:
    """Count and record one reminder on a locked line and notify its holder. Caller checked rights."""
    recipients = line_recipients(line)
    AssignmentLine.objects.filter(pk=line.pk).update(reminder_count=F("reminder_count") + 1)
    line.refresh_from_db(fields=["reminder_count"])
    reminder = Reminder.objects.create(
        agency=line.assignee_agency,
        line=line,
        type=type,
        message=message[:MAX_MESSAGE],
        ordinal=line.reminder_count,
        recipient_ids=[u.pk for u in recipients],
        sent_by=actor.user,
        sent_by_position=actor.position,
        sent_at=at,
    )
    notification_send(
        actor=actor,
        users=recipients,
        agency=line.assignee_agency,
        message=Message(
            kind, title, message, reverse("work:item", args=[line.item_id]), line.item.urgency in URGENT
        ),
    )
    audit.record(
        actor=actor,
        verb="reminder.sent",
        target=reminder,
        agency_id=line.assignee_agency_id,
        data={
            "line": line.pk,
            "type": type,
            "ordinal": reminder.ordinal,
            "recipients": reminder.recipient_ids,
        },
    )
    return reminder


@transaction.atomic
def reminder_send(*, actor: Actor, line: AssignmentLine, type: str, message: str) -> Reminder:
    message = _checked(type, message)
    line = locked_line(line.pk)
    require(may_remind(actor, line), _("Bạn không được đôn đốc dòng xử lý này."))
    if line.status not in CHASEABLE:
        raise Conflict(
            "line_finished",
            _("Dòng xử lý đã kết thúc (%(status)s); không thể đôn đốc.")
            % {"status": line.get_status_display()},
        )
    with language.for_others():
        title = _("%(type)s (lần %(n)s): %(title)s") % {
            "type": ReminderType(type).label,
            "n": line.reminder_count + 1,
            "title": line.item.title,
        }
    return chase(
        actor=actor, line=line, type=type, message=message, title=title, kind=Kind.REMINDER, at=timezone.now()
    )


def _bounded(value: int, top: int, field: str, message: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
        raise ValidationFailed(f"invalid_{field}", message, field=field, details={"min": 0, "max": top})
    return value


def checked_schedule(schedule: Schedule) -> Schedule:
    _bounded(
        schedule.hours_before,
        MAX_HOURS_BEFORE,
        "hours_before",
        _("Số giờ làm việc báo trước hạn phải là số nguyên từ 0 (không báo) đến %(max)s.")
        % {"max": MAX_HOURS_BEFORE},
    )
    _bounded(
        schedule.escalate_after_days,
        MAX_ESCALATE_DAYS,
        "escalate_after_days",
        _("Số ngày quá hạn trước khi báo cáo cấp trên phải là số nguyên từ 0 (không báo) đến %(max)s.")
        % {"max": MAX_ESCALATE_DAYS},
    )
    if schedule.escalate_to not in EscalateTo.values:
        raise ValidationFailed(
            "invalid_escalate_to", _("Người nhận báo cáo quá hạn không hợp lệ."), field="escalate_to"
        )
    return schedule


@transaction.atomic
def reminder_policy_set(*, actor: Actor, agency: Agency, schedule: Schedule) -> ReminderPolicy:
    """The agency admin sets the agency's automatic reminder schedule (replacing the defaults)."""
    require(administers(actor, agency), _("Chỉ quản trị của cơ quan được cấu hình đôn đốc tự động."))
    checked_schedule(schedule)
    values = {
        "enabled": bool(schedule.enabled),
        "hours_before": schedule.hours_before,
        "on_due_day": bool(schedule.on_due_day),
        "daily_overdue": bool(schedule.daily_overdue),
        "escalate_after_days": schedule.escalate_after_days,
        "escalate_to": schedule.escalate_to,
    }
    # Why the lock: two admins saving at once each record the state they replaced, in order.
    before = ReminderPolicy.objects.select_for_update().filter(agency=agency).values(*values).first()
    policy, _created = ReminderPolicy.objects.update_or_create(
        agency=agency, defaults={**values, "updated_by": actor.user}
    )
    audit.record(
        actor=actor,
        verb="reminder.policy_set",
        target=policy,
        agency_id=agency.pk,
        data={"before": before, "after": values},
    )
    return policy
