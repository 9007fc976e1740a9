"""Changes to a released document (Điều 18.3; edXML business types 2 update, 3 replace) and the
per-recipient tracking timeline; imported by models.py.

An `Amendment` is one change made by the sender: an update of the metadata (written as a new
version of the released draft), a replacement by a later document, or a correction (đính chính)
by a công văn. Each hosted recipient whose copy is concerned answers 15 (accepted) or 16
(refused) on its `AmendmentAnswer`; a correction needs no answer, it is shown on both sides.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy


class AmendmentKind(models.TextChoices):
    UPDATE = "update", _lazy("Cập nhật")
    REPLACE = "replace", _lazy("Thay thế")
    CORRECTION = "correction", _lazy("Đính chính")


class AnswerStatus(models.TextChoices):
    PENDING = "pending", _lazy("Chờ xác nhận")
    ACCEPTED = "accepted", _lazy("Đồng ý (15)")
    REFUSED = "refused", pgettext_lazy("trả lời của nơi nhận", "Từ chối (16)")


class Amendment(models.Model):
    draft = models.ForeignKey("outgoing.Draft", on_delete=models.PROTECT, related_name="amendments")
    kind = models.CharField(max_length=12, choices=AmendmentKind.choices)
    # The replacing or correcting document (replace, correction).
    by_draft = models.ForeignKey(
        "outgoing.Draft", null=True, blank=True, on_delete=models.PROTECT, related_name="amends"
    )
    # The version an update wrote: what a recipient's acceptance applies to its copy.
    version = models.ForeignKey(
        "outgoing.DraftVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_lazy("Lý do"), max_length=2000, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()

    class Meta:
        ordering = ["draft_id", "requested_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="amendment_update_has_version",
                condition=~Q(kind="update") | Q(version__isnull=False),
            ),
            models.CheckConstraint(
                name="amendment_link_has_document",
                condition=Q(kind="update") | Q(by_draft__isnull=False),
            ),
            # A document replaces (or corrects) a given document once.
            models.UniqueConstraint(
                fields=["draft", "by_draft", "kind"],
                condition=Q(by_draft__isnull=False),
                name="amendment_link_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.draft_id}"


class AmendmentAnswer(models.Model):
    amendment = models.ForeignKey(Amendment, on_delete=models.PROTECT, related_name="answers")
    delivery = models.ForeignKey("outgoing.Delivery", on_delete=models.PROTECT, related_name="answers")
    status = models.CharField(max_length=10, choices=AnswerStatus.choices, default=AnswerStatus.PENDING)
    reason = models.CharField(_lazy("Lý do từ chối"), max_length=2000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["amendment_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["amendment", "delivery"], name="amendment_answer_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.amendment_id} → {self.delivery_id}: {self.status}"


class DeliveryEventKind(models.TextChoices):
    """What happened to one recipient's copy, in order (the sender's tracking timeline)."""

    ARRIVED = "arrived", _lazy("Đã đến")
    WAITING_EXCHANGE = "waiting_exchange", _lazy("Chờ gửi qua trục liên thông")
    REJECTED = "rejected", pgettext_lazy("trạng thái nơi nhận", "Từ chối")
    RECALL_REQUESTED = "recall_requested", _lazy("Yêu cầu thu hồi (13)")
    RECALL_ACCEPTED = "recall_accepted", _lazy("Đồng ý thu hồi (15)")
    RECALL_REFUSED = "recall_refused", _lazy("Từ chối thu hồi (16)")
    UPDATE_REQUESTED = "update_requested", _lazy("Yêu cầu cập nhật")
    UPDATE_ACCEPTED = "update_accepted", _lazy("Đồng ý cập nhật (15)")
    UPDATE_REFUSED = "update_refused", _lazy("Từ chối cập nhật (16)")
    REPLACE_REQUESTED = "replace_requested", _lazy("Bị thay thế, chờ xác nhận")
    REPLACE_ACCEPTED = "replace_accepted", _lazy("Đồng ý thay thế (15)")
    REPLACE_REFUSED = "replace_refused", _lazy("Từ chối thay thế (16)")
    CORRECTED = "corrected", _lazy("Đã có văn bản đính chính")


class DeliveryEvent(models.Model):
    delivery = models.ForeignKey("outgoing.Delivery", on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=DeliveryEventKind.choices)
    at = models.DateTimeField()
    actor_name = models.CharField(max_length=200, blank=True)
    note = models.CharField(max_length=2000, blank=True)

    class Meta:
        ordering = ["delivery_id", "at", "id"]
        indexes = [models.Index(fields=["delivery", "at"])]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.kind}"
