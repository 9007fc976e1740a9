"""Đôn đốc: send a reminder on a line; the holder (or the unit's heads) hears it in the bell and by e-mail."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, ValidationFailed
from eoffice.core.policies import require
from eoffice.notifications.models import Kind
from eoffice.notifications.services import Message, notification_send
from eoffice.reminders.models import Reminder, ReminderType
from eoffice.reminders.policies import may_remind
from eoffice.reminders.selectors import line_recipients
from eoffice.work.models import AssignmentLine
from eoffice.work.statuses import LineStatus

MAX_MESSAGE = 1000
# A line that is finished, returned or recalled has nobody left to chase.
CHASEABLE = frozenset(
    {LineStatus.CHO_TIEP_NHAN, LineStatus.CHO_XU_LY, LineStatus.DANG_XU_LY, LineStatus.DA_CHUYEN}
)


def _checked(kind: str, message: str) -> str:
    if kind not in ReminderType.values:
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


@transaction.atomic
def reminder_send(*, actor: Actor, line: AssignmentLine, type: str, message: str) -> Reminder:
    message = _checked(type, message)
    # Why the lock: the ordinal comes from the line's count; two reminders at once must not share one.
    line = (
        AssignmentLine.objects.select_for_update(of=("self",))
        .select_related("item", "assignee_agency", "assignee_user", "assignee_unit")
        .get(pk=line.pk)
    )
    require(may_remind(actor, line), _("Bạn không được đôn đốc dòng xử lý này."))
    if line.status not in CHASEABLE:
        raise Conflict(
            "line_finished",
            _("Dòng xử lý đã kết thúc (%(status)s); không thể đôn đốc.")
            % {"status": line.get_status_display()},
        )
    recipients = line_recipients(line)
    AssignmentLine.objects.filter(pk=line.pk).update(reminder_count=F("reminder_count") + 1)
    line.refresh_from_db(fields=["reminder_count"])
    reminder = Reminder.objects.create(
        agency=line.assignee_agency,
        line=line,
        type=type,
        message=message,
        ordinal=line.reminder_count,
        recipient_ids=[u.pk for u in recipients],
        sent_by=actor.user,
        sent_by_position=actor.position,
        sent_at=timezone.now(),
    )
    label = ReminderType(type).label
    notification_send(
        actor=actor,
        users=recipients,
        agency=line.assignee_agency,
        message=Message(
            Kind.REMINDER,
            _("%(type)s (lần %(n)s): %(title)s")
            % {"type": label, "n": reminder.ordinal, "title": line.item.title},
            message,
            reverse("work:item", args=[line.item_id]),
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
