"""What the status board and the processing-time figures read: one fact row per work line.

A fact is written by the work engine's observer (`facts.line_changed`) in the same transaction as
every change of its line, so it is always exact. It holds what SQL cannot compute from the line
itself: the working-calendar durations, measured once when the line finishes (calendar.md: later
calendar edits must not rewrite history), and the unit the line counts for.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _lazy

from eoffice.directory.models import Agency, Unit
from eoffice.work.models import AssignmentLine


class Outcome(models.TextChoices):
    """Where a line stands, for counting: the line statuses folded into the board's columns."""

    WAITING = "waiting", _lazy("Chờ xử lý")
    # "Đã chuyển" counts as not done (processes-and-tasks.md §3: statistics count forwarded as open).
    PROCESSING = "processing", _lazy("Đang xử lý")
    ON_TIME = "on_time", _lazy("Hoàn thành đúng hạn")
    LATE = "late", _lazy("Hoàn thành quá hạn")
    RETURNED = "returned", _lazy("Trả lại")
    RECALLED = "recalled", _lazy("Thu hồi")


OPEN_OUTCOMES = (Outcome.WAITING, Outcome.PROCESSING)
DONE_OUTCOMES = (Outcome.ON_TIME, Outcome.LATE)


class LineFact(models.Model):
    """One acting line (chủ trì or phối hợp); "nhận để biết" lines carry no work and no fact."""

    line = models.OneToOneField(
        AssignmentLine, primary_key=True, on_delete=models.CASCADE, related_name="oversight_fact"
    )
    item_id = models.BigIntegerField()
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    # The unit the line counts for: the unit it was given to, or the unit of the person's post.
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=24)
    urgency = models.CharField(max_length=20)
    document_type_id = models.BigIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    assigned_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    first_opened_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Working time on the calendar, in seconds: assignment → completion, assignment → first
    # opening, and deadline → completion for a line finished late.
    work_seconds = models.PositiveIntegerField(null=True, blank=True)
    open_seconds = models.PositiveIntegerField(null=True, blank=True)
    late_seconds = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _lazy("Số liệu dòng xử lý")
        verbose_name_plural = _lazy("Số liệu dòng xử lý")
        indexes = [
            models.Index(fields=["agency", "assigned_at"], name="oversight_fact_agency"),
            models.Index(fields=["user", "assigned_at"], name="oversight_fact_user"),
            # The open lines are few against a year of finished ones: due-soon and overdue
            # counts read only them.
            models.Index(
                fields=["agency", "deadline"],
                name="oversight_fact_open",
                condition=Q(outcome__in=["waiting", "processing"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line_id} {self.outcome}"
