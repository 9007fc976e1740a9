"""Who an outgoing document was released to, and where each copy stands; imported by models.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy

from eoffice.directory.models import Agency
from eoffice.documents.models import Document


class DeliveryStatus(models.TextChoices):
    """The sender's view of one recipient (PL VI III.1: the sender sees the receiver's status).

    Hosted recipients: "arrived" at release; from then on the status follows the recipient's own
    incoming document (see release.delivery_status). External ones wait for the exchange.
    """

    WAITING_EXCHANGE = "waiting_exchange", _lazy("Chờ gửi qua trục liên thông")
    SENT = "sent", _lazy("Đã gửi")
    ARRIVED = "arrived", _lazy("Đã đến")
    ACCEPTED = "accepted", _lazy("Đã tiếp nhận")
    REJECTED = "rejected", pgettext_lazy("trạng thái nơi nhận", "Từ chối")
    ASSIGNED = "assigned", _lazy("Đã phân xử lý")
    PROCESSING = "processing", _lazy("Đang xử lý")
    DONE = "done", _lazy("Đã xử lý xong")
    # Thu hồi (edXML status 15 accepted / 16 refused by the recipient).
    RECALL_PENDING = "recall_pending", _lazy("Chờ xác nhận thu hồi")
    RECALLED = "recalled", pgettext_lazy("trạng thái văn bản đi", "Đã thu hồi")
    RECALL_REFUSED = "recall_refused", pgettext_lazy("trạng thái nơi nhận", "Từ chối thu hồi")


class Delivery(models.Model):
    draft = models.ForeignKey("outgoing.Draft", on_delete=models.PROTECT, related_name="deliveries")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    hosted = models.BooleanField()
    status = models.CharField(max_length=20, choices=DeliveryStatus.choices)
    # The recipient's own incoming copy (hosted recipients only).
    incoming = models.OneToOneField(
        Document, null=True, blank=True, on_delete=models.PROTECT, related_name="outgoing_delivery"
    )
    reason = models.CharField(_lazy("Lý do từ chối"), max_length=2000, blank=True)
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["draft_id", "id"]
        constraints = [models.UniqueConstraint(fields=["draft", "agency"], name="delivery_unique")]

    def __str__(self) -> str:
        return f"{self.draft_id} → {self.agency_id}"


class Recall(models.Model):
    """Thu hồi (Điều 18.4.b; PL VI III.8): the outgoing document is frozen; its metadata stays."""

    draft = models.OneToOneField("outgoing.Draft", on_delete=models.PROTECT, related_name="recall")
    reason = models.CharField(_lazy("Lý do thu hồi"), max_length=2000)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"recall {self.draft_id}"
