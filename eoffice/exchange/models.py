"""Liên thông: peers, the outbox, the status timeline, receipts and the quarantine.

- `Peer`: another eOffice installation, registered by an admin (base URL, certificate), with the
  agencies it hosts (`PeerAgency`, synced from the peer).
- `OutboxLine`: one package (an edoc or a status) for one receiver. Written in the transaction of
  the change that caused it; the worker only drains it. A hosted receiver's line is written already
  delivered, so clerks see one picture whatever the route.
- `StatusEvent`: every status a recipient reported for one outgoing delivery (01 … 06, 02, 15, 16),
  the sender's timeline. `Delivery.status` follows the latest.
- `Receipt`: a package this installation received, unique by (DocumentId, receiver, business type),
  which makes delivery idempotent; it remembers the last status we reported back.
- `QuarantinedPackage`: a package that failed a check, kept raw for the admin.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy

from eoffice.directory.models import Agency
from eoffice.documents.models import Document
from eoffice.exchange.edxml import codes
from eoffice.outgoing.models import Delivery, Draft

# QCVN 102 status codes (edxml.md §5): only these are evidenced; others are stored verbatim.
STATUS_LABELS: dict[str, object] = {str(code): label for code, label in codes.STATUS_LABELS.items()}


class Peer(models.Model):
    """Another eOffice installation this one pushes packages to and accepts packages from."""

    # The peer's own EOFFICE_INSTALLATION_ID: it names itself with it in every request.
    code = models.CharField(_lazy("Mã hệ thống"), max_length=64, unique=True)
    name = models.CharField(_lazy("Tên"), max_length=200)
    base_url = models.URLField(_lazy("Địa chỉ gốc"), max_length=300)
    # Verifies the peer's request signatures and envelope signatures (PEM, X.509).
    certificate_pem = models.TextField(_lazy("Chứng thư số (PEM)"))
    is_active = models.BooleanField(_lazy("Đang kết nối"), default=True)
    agencies_synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _lazy("Hệ thống liên thông")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PeerAgency(models.Model):
    """An external agency and the peer that hosts it. One peer per agency at a time."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="agencies")
    agency = models.OneToOneField(Agency, on_delete=models.PROTECT, related_name="exchange_peer")
    synced_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.agency_id}@{self.peer_id}"


class MessageKind(models.TextChoices):
    EDOC = "edoc", _lazy("Văn bản")
    STATUS = "status", _lazy("Trạng thái")


class Route(models.TextChoices):
    HOSTED = "hosted", _lazy("Trong hệ thống")
    PEER = "peer", _lazy("Hệ thống liên thông")
    AXIS = "axis", _lazy("Trục liên thông")


class LineState(models.TextChoices):
    PENDING = "pending", _lazy("Chờ gửi")
    DELIVERED = "delivered", _lazy("Đã chuyển đến")
    REJECTED = "rejected", pgettext_lazy("trạng thái liên thông", "Bị từ chối")
    FAILED = "failed", pgettext_lazy("trạng thái liên thông", "Gửi lỗi")
    CANCELLED = "cancelled", _lazy("Đã hủy")


# (state now, action) → state after; only outbox.transition reads it.
LINE_TRANSITIONS: dict[tuple[str, str], str] = {
    (LineState.PENDING, "delivered"): LineState.DELIVERED,
    (LineState.PENDING, "rejected"): LineState.REJECTED,
    (LineState.PENDING, "retry_later"): LineState.PENDING,
    (LineState.PENDING, "give_up"): LineState.FAILED,
    (LineState.PENDING, "cancel"): LineState.CANCELLED,
    (LineState.FAILED, "resend"): LineState.PENDING,
    (LineState.FAILED, "cancel"): LineState.CANCELLED,
    (LineState.REJECTED, "resend"): LineState.PENDING,
}


class OutboxLine(models.Model):
    kind = models.CharField(max_length=8, choices=MessageKind.choices)
    # edXML BussinessDocType for an edoc (0 new, 1 recall, 2 update, 3 replace).
    business_type = models.PositiveSmallIntegerField(default=0)
    status_code = models.CharField(max_length=4, blank=True)
    # edXML DocumentId: "<OrganId>,<yyyy/MM/dd>,<number>/<symbol>", the key shared with the peer.
    document_key = models.CharField(max_length=300, db_index=True)
    sender = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    receiver = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    draft = models.ForeignKey(Draft, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    delivery = models.ForeignKey(
        Delivery, null=True, blank=True, on_delete=models.PROTECT, related_name="exchange_lines"
    )
    receipt = models.ForeignKey(
        "exchange.Receipt", null=True, blank=True, on_delete=models.PROTECT, related_name="status_lines"
    )
    route = models.CharField(max_length=8, choices=Route.choices)
    peer = models.ForeignKey(Peer, null=True, blank=True, on_delete=models.PROTECT, related_name="lines")
    state = models.CharField(max_length=10, choices=LineState.choices, default=LineState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=1000, blank=True)
    # Status lines: description, staff, timestamp; edoc lines: the recall/update reason, the
    # DocumentId a replacement replaces.
    payload = models.JSONField(default=dict, blank=True)
    # Tells apart the packages of one kind for one document and receiver: an update's version
    # ("v2", "v3": a document may be updated more than once). Empty for every other package.
    revision = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            # The drain's query: due pending lines, oldest first.
            models.Index(fields=["state", "next_attempt_at"], name="outbox_due_idx"),
            models.Index(fields=["sender", "state"], name="outbox_sender_state_idx"),
        ]
        constraints = [
            # A package goes once per receiver; a second release of it cannot queue a second copy.
            models.UniqueConstraint(
                fields=["document_key", "receiver", "business_type", "revision"],
                condition=Q(kind="edoc"),
                name="outbox_edoc_once_per_receiver",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.document_key} → {self.receiver_id} ({self.state})"


class StatusEvent(models.Model):
    """One status a recipient reported for one delivery (or the transport's own 01/02)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="status_events")
    code = models.CharField(max_length=4)
    description = models.CharField(max_length=2000, blank=True)
    staff = models.CharField(max_length=200, blank=True)
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["delivery_id", "occurred_at", "id"]
        constraints = [
            # A status package delivered twice is one event.
            models.UniqueConstraint(fields=["delivery", "code", "occurred_at"], name="status_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id}: {self.code}"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS.get(self.code, self.code))


class Receipt(models.Model):
    """A package received from another installation (or axis) for one of our hosted agencies."""

    document_key = models.CharField(max_length=300)
    receiver = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    business_type = models.PositiveSmallIntegerField(default=0)
    # The sending agency's OrganId, as given in the package (it may not be in our directory).
    sender_code = models.CharField(max_length=64)
    sender = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    peer = models.ForeignKey(Peer, null=True, blank=True, on_delete=models.PROTECT, related_name="receipts")
    # The axis it was pulled from: our answers (01, 03 … 06, 02) go back through the same account.
    axis = models.ForeignKey(
        "exchange.Axis", null=True, blank=True, on_delete=models.SET_NULL, related_name="receipts"
    )
    document = models.OneToOneField(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="exchange_receipt"
    )
    # The PAdES report of each attached PDF, shown to the clerk.
    signatures = models.JSONField(default=list, blank=True)
    # Fields of the package we do not model, as (path, text) pairs (edXML "other information").
    other_info = models.JSONField(default=list, blank=True)
    last_status_sent = models.CharField(max_length=4, blank=True)
    received_at = models.DateTimeField()
    # Tells apart packages of one kind for one document: an update's fingerprint (a document may
    # be updated many times), "replace:<DocumentId>" for a replacement's request about the copy
    # it replaces. Empty for the document itself and for a recall.
    revision = models.CharField(max_length=64, blank=True, default="")
    # A request the văn thư answers (15/16): the update's new values and files, the replaced
    # copy, the recall's reason.
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            # Idempotent receipt: the same package POSTed twice is acknowledged, stored once.
            models.UniqueConstraint(
                fields=["document_key", "receiver", "business_type", "revision"],
                name="receipt_once_per_receiver",
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_key} → {self.receiver_id}"


class QuarantineState(models.TextChoices):
    OPEN = "open", _lazy("Chờ xem xét")
    DISMISSED = "dismissed", _lazy("Đã xem xét")


class QuarantinedPackage(models.Model):
    """A package that failed a receipt check: answered 02, kept raw, never stored as a document."""

    peer = models.ForeignKey(Peer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    via = models.CharField(max_length=16)
    code = models.CharField(max_length=64)
    message = models.CharField(max_length=1000)
    detail = models.CharField(max_length=2000, blank=True)
    document_key = models.CharField(max_length=300, blank=True)
    # Relative to MEDIA_ROOT; the bytes exactly as received.
    raw_path = models.CharField(max_length=300)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=QuarantineState.choices, default=QuarantineState.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.code} {self.received_at:%Y-%m-%d %H:%M}"


# The axes (national VDXP / provincial LGSP) and the external agencies each reaches.
from eoffice.exchange.axis.models import Axis, AxisRoute  # noqa: E402, F401
