"""Notifications: one row per person and event, delivered on each channel the person chose.

The bell reads `Notification` directly; e-mail goes out from the worker, one `ChannelSend` row per
notification and channel, so a slow or failing SMTP server never holds up the bell and every
failure is on record. The daily digest gathers what arrived since the last one (`DigestRun`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _lazy

from eoffice.directory.models import Agency


class Channel(models.TextChoices):
    BELL = "bell", _lazy("Chuông thông báo")
    EMAIL = "email", _lazy("Thư điện tử")
    DIGEST = "digest", _lazy("Thư tổng hợp hằng ngày")


class Kind(models.TextChoices):
    ASSIGNED = "assigned", _lazy("Được giao xử lý")
    RETURNED = "returned", _lazy("Bị trả lại")
    APPROVAL = "approval", _lazy("Chờ duyệt, ký")
    REMINDER = "reminder", _lazy("Đôn đốc")
    ESCALATION = "escalation", _lazy("Báo cáo quá hạn")
    DEADLINE = "deadline", _lazy("Sắp đến hạn, quá hạn")
    DOCUMENT = "document", _lazy("Văn bản đến")
    OTHER = "other", _lazy("Khác")


class Notification(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(_lazy("Tiêu đề"), max_length=300)
    body = models.TextField(_lazy("Nội dung"), blank=True)
    url = models.CharField(max_length=500, blank=True)
    # Hỏa tốc / Thượng khẩn: e-mailed at once even when the person chose the daily digest.
    urgent = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_recent"),
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_user_unread"),
        ]

    def __str__(self) -> str:
        return self.title


class Preference(models.Model):
    """Whether a person wants a channel; a missing row means the channel's default (DEFAULTS)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    enabled = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "channel"], name="notification_preference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.channel}={self.enabled}"


DEFAULTS: dict[str, bool] = {Channel.BELL: True, Channel.EMAIL: True, Channel.DIGEST: False}


class SendStatus(models.TextChoices):
    PENDING = "pending", _lazy("Đang chờ gửi")
    SENT = "sent", _lazy("Đã gửi")
    FAILED = "failed", _lazy("Gửi thất bại")
    SKIPPED = "skipped", _lazy("Không gửi")


class ChannelSend(models.Model):
    """One attempt series of one notification on one outside channel (e-mail)."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="sends")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    status = models.CharField(max_length=8, choices=SendStatus.choices, default=SendStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="channel_send_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.notification_id} {self.channel} {self.status}"


class DigestRun(models.Model):
    """The digest of one person for one day: the unique row makes a re-run send nothing twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=8, choices=SendStatus.choices, default=SendStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_run_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"
