"""Đôn đốc: reminders on one assignment line, typed as the products and reports count them.

Each reminder keeps its ordinal on the line ("lần đôn đốc thứ n"), taken from the engine's
`AssignmentLine.reminder_count`, raised with F() in the same transaction, so two leaders chasing
the same line at once get numbers 1 and 2, never 1 and 1.
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
