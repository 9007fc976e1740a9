"""Đôn đốc: reminders on one assignment line, typed as the products and reports count them.

Each reminder keeps its ordinal on the line ("lần đôn đốc thứ n"), taken from the engine's
`AssignmentLine.reminder_count`, raised with F() in the same transaction, so two leaders chasing
the same line at once get numbers 1 and 2, never 1 and 1.

Automatic reminders (type "tự động") follow the agency's `ReminderPolicy`; each one sent is a
`ReminderOccasion` whose (line, kind, key) is unique, so a run repeated or racing another never
sends the same warning twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _lazy

from eoffice.directory.models import Agency
from eoffice.people.models import Position
from eoffice.work.models import AssignmentLine


class ReminderType(models.TextChoices):
    NHAC_NHO = "nhac_nho", _lazy("Nhắc nhở")
    PHE_BINH = "phe_binh", _lazy("Phê bình")
    KIEM_DIEM = "kiem_diem", _lazy("Kiểm điểm")
    # Sent by the system on the agency's schedule; never chosen by a person.
    TU_DONG = "tu_dong", _lazy("Tự động")


# What a person may choose when chasing a line by hand.
MANUAL_TYPES = (ReminderType.NHAC_NHO, ReminderType.PHE_BINH, ReminderType.KIEM_DIEM)


class Reminder(models.Model):
    # The agency of the line's holder: whose figures the reminder counts against.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    line = models.ForeignKey(AssignmentLine, on_delete=models.CASCADE, related_name="reminders")
    type = models.CharField(_lazy("Hình thức"), max_length=10, choices=ReminderType.choices)
    message = models.CharField(_lazy("Nội dung đôn đốc"), max_length=1000)
    ordinal = models.PositiveIntegerField(_lazy("Lần đôn đốc"))
    # Who was chased: the line's person, or the heads of the line's unit (ids, as sent).
    recipient_ids = models.JSONField(default=list)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_by_position = models.ForeignKey(
        Position, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["line", "ordinal"], name="reminder_ordinal_unique")]
        indexes = [models.Index(fields=["agency", "sent_at"], name="reminder_agency_time")]

    def __str__(self) -> str:
        return f"{self.get_type_display()} #{self.ordinal} → line {self.line_id}"


class EscalateTo(models.TextChoices):
    ASSIGNER = "assigner", _lazy("Người giao việc")
    UNIT_HEAD = "unit_head", _lazy("Lãnh đạo đơn vị của người xử lý")
    BOTH = "both", _lazy("Cả người giao việc và lãnh đạo đơn vị")


class ReminderPolicy(models.Model):
    """An agency's automatic reminder schedule; an agency without a row uses `DEFAULT_POLICY`.

    Hours and days are working hours and working days of the installation's calendar.
    """

    agency = models.OneToOneField(Agency, on_delete=models.PROTECT, related_name="+")
    enabled = models.BooleanField(_lazy("Bật đôn đốc tự động"), default=True)
    # 0: no warning before the deadline.
    hours_before = models.PositiveSmallIntegerField(_lazy("Báo trước hạn (giờ làm việc)"), default=8)
    on_due_day = models.BooleanField(_lazy("Nhắc khi hết hạn (trong ngày đến hạn)"), default=True)
    daily_overdue = models.BooleanField(_lazy("Nhắc hằng ngày khi quá hạn"), default=True)
    # 0: never escalate.
    escalate_after_days = models.PositiveSmallIntegerField(
        _lazy("Báo cáo cấp trên sau (ngày làm việc quá hạn)"), default=3
    )
    escalate_to = models.CharField(
        _lazy("Báo cáo cho"), max_length=10, choices=EscalateTo.choices, default=EscalateTo.BOTH
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.agency_id}: {self.hours_before} h / {self.escalate_after_days} d"


class OccasionKind(models.TextChoices):
    BEFORE = "before", _lazy("Sắp đến hạn")
    DUE = "due", _lazy("Hết hạn")
    OVERDUE = "overdue", _lazy("Quá hạn")
    ESCALATION = "escalation", _lazy("Báo cáo quá hạn")


class ReminderOccasion(models.Model):
    """One automatic warning, sent once. `key` names the occasion: the deadline it was about
    (before / due / escalation, so an extended deadline earns new ones) or the day (overdue)."""

    line = models.ForeignKey(AssignmentLine, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=OccasionKind.choices)
    key = models.CharField(max_length=40)
    deadline = models.DateTimeField()
    # The holder's reminder (counted like a manual one); none for an escalation to the bosses.
    reminder = models.OneToOneField(
        Reminder, null=True, blank=True, on_delete=models.CASCADE, related_name="occasion"
    )
    recipient_ids = models.JSONField(default=list)
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["line", "kind", "key"], name="reminder_occasion_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} → line {self.line_id}"
