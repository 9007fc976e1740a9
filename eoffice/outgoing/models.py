"""Outgoing documents (văn bản đi): drafts and their immutable versions, numbering series.

A draft never changes in place: every edit writes a new `DraftVersion` carrying the whole
metadata, its recipients and its files, so any two versions can be compared and what a signer
approved can be told apart from what was changed afterwards.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy

from eoffice.directory.models import Agency, Unit
from eoffice.documents.models import Competence, Document, DocumentType, Secrecy, StoredFile, Urgency
from eoffice.people.models import Position


class DraftStatus(models.TextChoices):
    DRAFTING = "drafting", _lazy("Đang soạn thảo")
    IN_REVIEW = "in_review", _lazy("Đang trình ký")
    RETURNED = "returned", _lazy("Bị trả lại")
    APPROVED = "approved", _lazy("Đã ký duyệt")
    NUMBERED = "numbered", _lazy("Đã cấp số")
    RELEASED = "released", _lazy("Đã phát hành")
    RECALLED = "recalled", pgettext_lazy("trạng thái văn bản đi", "Đã thu hồi")


# Allowed transitions, checked in one place (transitions.apply_transition). A draft with no
# approval chain for its type goes to numbering straight from drafting.
DRAFT_TRANSITIONS: dict[str, set[str]] = {
    DraftStatus.DRAFTING: {DraftStatus.IN_REVIEW, DraftStatus.NUMBERED},
    DraftStatus.IN_REVIEW: {DraftStatus.RETURNED, DraftStatus.APPROVED},
    DraftStatus.RETURNED: {DraftStatus.IN_REVIEW},
    DraftStatus.APPROVED: {DraftStatus.NUMBERED},
    DraftStatus.NUMBERED: {DraftStatus.RELEASED},
    DraftStatus.RELEASED: {DraftStatus.RECALLED},
    DraftStatus.RECALLED: set(),
}
# States in which the drafter may save a new version.
EDITABLE_STATUSES = frozenset({DraftStatus.DRAFTING, DraftStatus.RETURNED})


class AdvisoryBody(models.Model):
    """A Hội đồng, Ban or Tổ that issues under the agency's seal with its own series (PL I II.3.a)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="advisory_bodies")
    name = models.CharField(_lazy("Tên"), max_length=200)
    abbreviation = models.CharField(_lazy("Chữ viết tắt"), max_length=20)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _lazy("Tổ chức tư vấn")
        verbose_name_plural = _lazy("Tổ chức tư vấn")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="advisory_body_name_unique")]

    def __str__(self) -> str:
        return self.name


class NumberingRule(models.Model):
    """The head's choice (Điều 15.1.c): one series for every type, or one series per type."""

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="outgoing_numbering")
    per_type = models.BooleanField(_lazy("Mỗi loại văn bản một dãy số"), default=False)

    def __str__(self) -> str:
        return f"{self.agency_id}: {'per type' if self.per_type else 'single'}"


class Draft(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="outgoing_drafts")
    # The drafting unit: its abbreviation ends a công văn's symbol (45/UBND-VP).
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=DraftStatus.choices, default=DraftStatus.DRAFTING)
    current_version = models.ForeignKey(
        "DraftVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _lazy("Dự thảo văn bản đi")
        verbose_name_plural = _lazy("Dự thảo văn bản đi")
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        version = self.current_version
        return version.subject if version else f"Dự thảo #{self.pk}"


class DraftVersion(models.Model):
    """One immutable state of a draft (metadata, recipients, files)."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_lazy("Phiên bản"))
    document_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, verbose_name=_lazy("Loại văn bản")
    )
    subject = models.CharField(_lazy("Trích yếu"), max_length=500)
    signer = models.ForeignKey(
        Position,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_lazy("Người ký"),
    )
    signer_competence = models.CharField(
        _lazy("Thẩm quyền ký"), max_length=8, choices=Competence.choices, blank=True, default=""
    )
    urgency = models.CharField(
        _lazy("Độ khẩn"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL
    )
    secrecy = models.CharField(
        _lazy("Độ mật"), max_length=10, choices=Secrecy.choices, default=Secrecy.NORMAL
    )
    due_date = models.DateField(_lazy("Hạn trả lời"), null=True, blank=True)
    advisory_body = models.ForeignKey(
        AdvisoryBody, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_lazy("Tổ chức tư vấn")
    )
    reply_to = models.ForeignKey(
        Document,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_lazy("Trả lời"),
    )
    replaces = models.ForeignKey(
        Document,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_lazy("Thay thế"),
    )
    # The sender's own released documents this one replaces or corrects (đính chính), Điều 18.3.
    replaces_draft = models.ForeignKey(
        "Draft",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_lazy("Thay thế văn bản đi"),
    )
    corrects_draft = models.ForeignKey(
        "Draft",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_lazy("Đính chính văn bản đi"),
    )
    # Free-text "Nơi nhận" lines (e.g. "Như trên;", "Lưu: VT, TCBC."), one per line.
    recipient_lines = models.TextField(_lazy("Nơi nhận khác"), blank=True)
    note = models.CharField(_lazy("Ghi chú thay đổi"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["draft_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "number"], name="draft_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.draft_id} v{self.number}"

    @property
    def is_secret(self) -> bool:
        return self.secrecy != Secrecy.NORMAL


class RecipientKind(models.TextChoices):
    HOSTED = "hosted", _lazy("Cơ quan trong hệ thống")
    EXTERNAL = "external", _lazy("Cơ quan ngoài hệ thống")


class DraftRecipient(models.Model):
    version = models.ForeignKey(DraftVersion, on_delete=models.CASCADE, related_name="recipients")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=RecipientKind.choices)

    class Meta:
        ordering = ["version_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "agency"], name="draft_recipient_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.version_id} → {self.agency_id}"


class DraftFileRole(models.TextChoices):
    MAIN = "main", _lazy("Tệp văn bản chính")
    ATTACHMENT = "attachment", _lazy("Tệp đính kèm")


class DraftFile(models.Model):
    version = models.ForeignKey(DraftVersion, on_delete=models.CASCADE, related_name="files")
    stored_file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=12, choices=DraftFileRole.choices)
    file_name = models.CharField(max_length=255)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version_id", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version"], condition=Q(role="main"), name="draft_version_one_main_file"
            ),
        ]

    def __str__(self) -> str:
        return self.file_name


class OutgoingSeries(models.Model):
    """One numbering series of an agency for a calendar year; its row is the lock."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="outgoing_series")
    year = models.PositiveSmallIntegerField(_lazy("Năm"))
    # "all", "type:<code>", "secret" or "advisory:<id>" (see numbering.series_key).
    key = models.CharField(max_length=60)
    name = models.CharField(_lazy("Tên dãy số"), max_length=200)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _lazy("Sổ văn bản đi")
        verbose_name_plural = _lazy("Sổ văn bản đi")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "key"], name="outgoing_series_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class NumberStatus(models.TextChoices):
    RESERVED = "reserved", pgettext_lazy("trạng thái số văn bản đi", "Giữ số")
    ASSIGNED = "assigned", _lazy("Đã cấp")
    RELEASED = "released", _lazy("Đã trả lại")


class OutgoingNumber(models.Model):
    """A number of a series: reserved (giữ số), assigned to a draft, or released for reuse."""

    series = models.ForeignKey(OutgoingSeries, on_delete=models.PROTECT, related_name="numbers")
    number = models.PositiveIntegerField(_lazy("Số"))
    status = models.CharField(max_length=10, choices=NumberStatus.choices)
    draft = models.OneToOneField(
        Draft, null=True, blank=True, on_delete=models.PROTECT, related_name="outgoing_number"
    )
    code_notation = models.CharField(_lazy("Ký hiệu"), max_length=30, blank=True)
    issued_date = models.DateField(_lazy("Ngày văn bản"), null=True, blank=True)
    reason = models.CharField(_lazy("Lý do giữ số"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["series_id", "number"]
        constraints = [
            # The database, not the code, is the last guard against a duplicate number.
            models.UniqueConstraint(fields=["series", "number"], name="outgoing_number_unique"),
            models.CheckConstraint(name="outgoing_number_positive", condition=Q(number__gte=1)),
            models.CheckConstraint(
                name="outgoing_number_assigned_has_draft",
                condition=~Q(status="assigned") | Q(draft__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.code_number

    @property
    def code_number(self) -> str:
        return format_number(self.number)

    @property
    def number_symbol(self) -> str:
        return f"{self.code_number}/{self.code_notation}" if self.code_notation else self.code_number


def format_number(number: int) -> str:
    """Decree 30, PL I II.3: Arabic numerals, a leading zero below 10 (05, 45, 123)."""
    return f"{number:02d}"


# Approval chains live in their own module; imported here so Django finds the models.
from eoffice.outgoing.amend_models import (  # noqa: E402
    Amendment,
    AmendmentAnswer,
    AmendmentKind,
    AnswerStatus,
    DeliveryEvent,
    DeliveryEventKind,
)
from eoffice.outgoing.approval_models import (  # noqa: E402
    ApprovalChain,
    ApprovalStep,
    StepKind,
    StepOutcome,
    StepRun,
)

# Comment rounds (lấy ý kiến): their own module too.
from eoffice.outgoing.comment_models import (  # noqa: E402
    CommentAnswer,
    CommentAnswerFile,
    CommentExtension,
    CommentRequest,
    CommentRound,
    RoundStatus,
    Verdict,
)
from eoffice.outgoing.release_models import Delivery, DeliveryStatus, Recall  # noqa: E402
from eoffice.outgoing.signing_models import DraftSignature, KeyKind, SignedAttachment  # noqa: E402

__all__ = [
    "AdvisoryBody",
    "Amendment",
    "AmendmentAnswer",
    "AmendmentKind",
    "AnswerStatus",
    "ApprovalChain",
    "ApprovalStep",
    "CommentAnswer",
    "CommentAnswerFile",
    "CommentExtension",
    "CommentRequest",
    "CommentRound",
    "Delivery",
    "DeliveryEvent",
    "DeliveryEventKind",
    "DeliveryStatus",
    "Draft",
    "DraftFile",
    "DraftRecipient",
    "DraftSignature",
    "DraftStatus",
    "DraftVersion",
    "KeyKind",
    "NumberStatus",
    "NumberingRule",
    "OutgoingNumber",
    "OutgoingSeries",
    "Recall",
    "RoundStatus",
    "SignedAttachment",
    "StepKind",
    "StepOutcome",
    "StepRun",
    "Verdict",
]
