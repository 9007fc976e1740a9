"""Approval chains (trình ký) of an agency and their runs; imported by models.py.

A chain is configured per agency and document type (or for every type). Each step of a run is a
work item of the work engine with one lead line for the step's person: status, deadline and
processing time are the engine's, on the working-day calendar.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy

from eoffice.directory.models import Agency
from eoffice.documents.models import DocumentType
from eoffice.work.models import AssignmentLine, WorkItem


class StepKind(models.TextChoices):
    REVIEW = "review", _lazy("Xem xét nội dung (ký nháy)")
    FORM_CHECK = "form_check", _lazy("Kiểm tra thể thức")
    SIGN = "sign", _lazy("Ký ban hành")


class ApprovalChain(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="approval_chains")
    # None: the chain of every type that has no chain of its own.
    document_type = models.ForeignKey(DocumentType, null=True, blank=True, on_delete=models.PROTECT)
    name = models.CharField(_lazy("Tên quy trình"), max_length=200)

    class Meta:
        ordering = ["agency_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "document_type"],
                condition=Q(document_type__isnull=False),
                name="approval_chain_one_per_type",
            ),
            models.UniqueConstraint(
                fields=["agency"], condition=Q(document_type__isnull=True), name="approval_chain_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ApprovalStep(models.Model):
    chain = models.ForeignKey(ApprovalChain, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=12, choices=StepKind.choices)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    working_days = models.PositiveSmallIntegerField(_lazy("Số ngày làm việc"), default=1)

    class Meta:
        ordering = ["chain_id", "order"]
        constraints = [models.UniqueConstraint(fields=["chain", "order"], name="approval_step_order_unique")]

    def __str__(self) -> str:
        return f"{self.order}. {self.get_kind_display()}"


class StepOutcome(models.TextChoices):
    PENDING = "pending", _lazy("Đang chờ")
    APPROVED = "approved", pgettext_lazy("kết quả bước trình ký", "Đồng ý")
    RETURNED = "returned", pgettext_lazy("kết quả bước trình ký", "Trả lại")


class StepRun(models.Model):
    """One step of one submission: the draft version it judged and the engine's item and line."""

    draft = models.ForeignKey("outgoing.Draft", on_delete=models.CASCADE, related_name="step_runs")
    version = models.ForeignKey("outgoing.DraftVersion", on_delete=models.PROTECT, related_name="+")
    submission = models.PositiveIntegerField(_lazy("Lần trình"))
    order = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=12, choices=StepKind.choices)
    work_item = models.OneToOneField(WorkItem, on_delete=models.PROTECT, related_name="+")
    line = models.OneToOneField(AssignmentLine, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=10, choices=StepOutcome.choices, default=StepOutcome.PENDING)
    reason = models.CharField(_lazy("Lý do trả lại"), max_length=2000, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["draft_id", "submission", "order"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "submission", "order"], name="step_run_unique"),
            # One pending step per draft at a time: the chain is sequential.
            models.UniqueConstraint(
                fields=["draft"], condition=Q(outcome="pending"), name="step_run_one_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.draft_id} #{self.submission}.{self.order}"
