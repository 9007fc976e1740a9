"""Comment rounds (lấy ý kiến) on a draft; imported by models.py.

A round asks people or units of the agency for their opinion on one version of a draft, by a
deadline. Each invitee's request is a work item of the engine with one lead line for that person
or unit, so it sits in their work box with the engine's status, deadline and processing time on
the working-day calendar. Answers are never edited: a new answer supersedes the previous one and
both are kept.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy

from eoffice.directory.models import Agency
from eoffice.documents.models import StoredFile
from eoffice.work.models import AssignmentLine, WorkItem


class RoundStatus(models.TextChoices):
    OPEN = "open", _lazy("Đang lấy ý kiến")
    CLOSED = "closed", _lazy("Đã kết thúc lấy ý kiến")


# Allowed transitions, checked in one place (comments.set_round_status).
ROUND_TRANSITIONS: dict[str, set[str]] = {
    RoundStatus.OPEN: {RoundStatus.CLOSED},
    RoundStatus.CLOSED: set(),
}


class Verdict(models.TextChoices):
    AGREE = "agree", pgettext_lazy("ý kiến góp ý", "Đồng ý")
    DISAGREE = "disagree", pgettext_lazy("ý kiến góp ý", "Không đồng ý")
    OTHER = "other", _lazy("Ý kiến khác")


class CommentRound(models.Model):
    draft = models.ForeignKey("outgoing.Draft", on_delete=models.CASCADE, related_name="comment_rounds")
    # The version shown to the invitees: later edits of the draft do not change what they judged.
    version = models.ForeignKey("outgoing.DraftVersion", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(_lazy("Lần lấy ý kiến"))
    note = models.CharField(_lazy("Nội dung xin ý kiến"), max_length=2000, blank=True)
    deadline = models.DateTimeField(_lazy("Hạn trả lời"))
    status = models.CharField(max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["draft_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "number"], name="comment_round_number_unique"),
            # One open round per draft: the drafter consolidates one set of answers at a time.
            models.UniqueConstraint(
                fields=["draft"], condition=Q(status="open"), name="comment_round_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.draft_id} #{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN


class CommentRequest(models.Model):
    """One invitee of a round: a person, or a unit whose head answers for it."""

    round = models.ForeignKey(CommentRound, on_delete=models.CASCADE, related_name="requests")
    work_item = models.OneToOneField(WorkItem, on_delete=models.PROTECT, related_name="+")
    line = models.OneToOneField(AssignmentLine, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["round_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "order"], name="comment_request_order_unique")
        ]

    def __str__(self) -> str:
        return f"{self.round_id}.{self.order}"


class CommentAnswer(models.Model):
    """An answer as sent; never changed. The one with the highest `sequence` is the current one."""

    request = models.ForeignKey(CommentRequest, on_delete=models.CASCADE, related_name="answers")
    sequence = models.PositiveSmallIntegerField()
    verdict = models.CharField(_lazy("Ý kiến"), max_length=10, choices=Verdict.choices)
    text = models.TextField(_lazy("Nội dung"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author_name = models.CharField(max_length=300)
    answered_at = models.DateTimeField()
    deadline = models.DateTimeField()
    # After the deadline: accepted (the drafter still wants it) but shown as late.
    late = models.BooleanField(default=False)

    class Meta:
        ordering = ["request_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["request", "sequence"], name="comment_answer_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.request_id}/{self.sequence}: {self.verdict}"


class CommentAnswerFile(models.Model):
    answer = models.ForeignKey(CommentAnswer, on_delete=models.CASCADE, related_name="files")
    stored_file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=255)

    class Meta:
        ordering = ["answer_id", "id"]

    def __str__(self) -> str:
        return self.file_name


class CommentExtension(models.Model):
    """Gia hạn: the requester moved the round's deadline later, with a reason."""

    round = models.ForeignKey(CommentRound, on_delete=models.CASCADE, related_name="extensions")
    old_deadline = models.DateTimeField()
    new_deadline = models.DateTimeField()
    reason = models.CharField(_lazy("Lý do gia hạn"), max_length=2000)
    extended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    extended_at = models.DateTimeField()

    class Meta:
        ordering = ["round_id", "extended_at", "id"]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.old_deadline:%Y-%m-%d} → {self.new_deadline:%Y-%m-%d}"
