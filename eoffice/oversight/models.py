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
            # Exact medians and p90 (`summaries`): the histograms name the bucket holding the
            # rank, and these walk one agency's durations inside that bucket, in order.
            models.Index(
                fields=["agency", "work_seconds"],
                include=["assigned_at"],
                name="oversight_fact_work",
                condition=Q(outcome__in=["late", "on_time"]),
            ),
            models.Index(
                fields=["agency", "open_seconds"],
                include=["assigned_at"],
                name="oversight_fact_opened",
                condition=Q(open_seconds__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line_id} {self.outcome}"


# ---------------------------------------------------------------------------------------------
# Rollups of the facts, kept exact by the observer in the line's transaction (`rollup`), so that a
# province-wide board or ranking reads a few rows per agency and month instead of every fact.
# Key columns hold 0 for "none" (no unit, no person, no document type): NULLs never compare equal,
# so a unique key with NULLs could not make two writers of the same counter meet on one row.


SUMMARY_KEY = ("agency_id", "unit_id", "user_id", "month", "kind", "urgency", "document_type_id")
SUMMARY_COUNTS = (
    "waiting", "processing", "open_with_deadline", "on_time", "late", "returned", "recalled", "late_seconds",
)  # fmt: skip
HISTOGRAM_KEY = ("agency_id", "month", "kind", "urgency", "document_type_id", "measure")


class MonthSummary(models.Model):
    """Counts of the facts assigned in one local month, per agency, unit, person, kind of work,
    urgency and document type: the board's columns that do not depend on "now", plus the open
    lines that have a deadline (overdue = those − the open lines whose deadline is still ahead)."""

    agency_id = models.BigIntegerField()
    unit_id = models.BigIntegerField()
    user_id = models.BigIntegerField()
    month = models.DateField()
    kind = models.CharField(max_length=24)
    urgency = models.CharField(max_length=20)
    document_type_id = models.BigIntegerField()
    waiting = models.IntegerField(default=0)
    processing = models.IntegerField(default=0)
    open_with_deadline = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    late = models.IntegerField(default=0)
    returned = models.IntegerField(default=0)
    recalled = models.IntegerField(default=0)
    late_seconds = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _lazy("Số liệu tổng hợp theo tháng")
        verbose_name_plural = _lazy("Số liệu tổng hợp theo tháng")
        constraints = [
            models.UniqueConstraint(
                fields=["agency_id", "month", "unit_id", "user_id", "kind", "urgency", "document_type_id"],
                name="oversight_summary_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.month:%m/%Y}"


def _bucket_edges() -> tuple[int, ...]:
    """Lower bounds (working seconds) of the duration buckets: 5 minutes up to an hour, then
    15 minutes up to a working day, an hour up to 5 days, 4 hours up to 20 days, 4 days up to
    80 days, and one open bucket beyond. Fine where durations crowd, so the exact value inside the
    bucket holding a median is found by reading few rows."""
    edges: list[int] = []
    start = 0
    steps = ((300, 3600), (900, 8 * 3600), (3600, 40 * 3600), (14400, 160 * 3600), (115200, 640 * 3600))
    for step, until in steps:
        edges.extend(range(start, until, step))
        start = until
    edges.append(start)
    return tuple(edges)


BUCKET_EDGES = _bucket_edges()
BUCKET_FIELDS = tuple(f"b{index:03d}" for index in range(len(BUCKET_EDGES)))


class Measure(models.TextChoices):
    WORK = "work", _lazy("Thời gian xử lý")
    OPEN = "open", _lazy("Thời gian đến lần mở đầu")


class DurationHistogram(models.Model):
    """How many durations of one measure fall in each bucket, for the facts assigned in one local
    month, per agency, kind of work, urgency and document type. One row holds every bucket
    (`b000`…), so a year of a province is a few rows per agency."""

    agency_id = models.BigIntegerField()
    month = models.DateField()
    kind = models.CharField(max_length=24)
    urgency = models.CharField(max_length=20)
    document_type_id = models.BigIntegerField()
    measure = models.CharField(max_length=8, choices=Measure.choices)

    class Meta:
        verbose_name = _lazy("Phân bố thời gian xử lý")
        verbose_name_plural = _lazy("Phân bố thời gian xử lý")
        constraints = [
            models.UniqueConstraint(
                fields=["agency_id", "month", "kind", "urgency", "document_type_id", "measure"],
                name="oversight_histogram_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.month:%m/%Y} {self.measure}"


for _name in BUCKET_FIELDS:
    DurationHistogram.add_to_class(_name, models.IntegerField(default=0))
