"""The axes this installation is connected to, and which external agency each one reaches.

Imported by `eoffice.exchange.models`, so the rows belong to the exchange app.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _lazy

from eoffice.directory.models import Agency


class AxisStyleChoice(models.TextChoices):
    VXP = "vxp", _lazy("Trục quốc gia (VNPT VXP)")
    LGSP = "lgsp", _lazy("Nền tảng tỉnh (LGSP)")


class AxisAuthChoice(models.TextChoices):
    KEY = "key", "X-SystemId / X-SecretKey"
    TOKEN = "token", "OAuth2 token"


class Axis(models.Model):
    """One system account on one axis (the national VDXP, or a provincial LGSP)."""

    name = models.CharField(_lazy("Tên"), max_length=200)
    style = models.CharField(_lazy("Kiểu trục"), max_length=8, choices=AxisStyleChoice.choices)
    base_url = models.URLField(_lazy("Địa chỉ gốc"), max_length=300)
    system_id = models.CharField(_lazy("Mã hệ thống"), max_length=100)
    # Issued by the axis operator (VXP HMAC key, LGSP X-SecretKey).
    secret = models.CharField(_lazy("Khóa bí mật"), max_length=300, blank=True)
    auth = models.CharField(max_length=8, choices=AxisAuthChoice.choices, default=AxisAuthChoice.KEY)
    consumer_key = models.CharField(max_length=200, blank=True)
    consumer_secret = models.CharField(max_length=300, blank=True)
    api_path = models.CharField(max_length=200, default="/truclienthong/v1.0.0")
    province_path = models.CharField(max_length=50, default="qn")
    is_active = models.BooleanField(_lazy("Đang dùng"), default=True)
    # External agencies no axis directory lists are sent through the default axis.
    is_default = models.BooleanField(_lazy("Trục mặc định"), default=False)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    # Held by the scheduled poller while it polls (a conditional UPDATE claims it), so two workers
    # never poll one axis at once; a worker killed mid-poll frees it when the lease runs out.
    poll_lease_until = models.DateTimeField(null=True, blank=True)
    last_poll_error = models.CharField(max_length=1000, blank=True)
    directory_synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _lazy("Trục liên thông")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["base_url", "system_id"], name="axis_account_once"),
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="axis_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AxisRoute(models.Model):
    """An external agency and the axis whose directory lists it (the last sync wins)."""

    agency = models.OneToOneField(Agency, on_delete=models.PROTECT, related_name="axis_route")
    axis = models.ForeignKey(Axis, on_delete=models.CASCADE, related_name="routes")
    synced_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.agency_id}@{self.axis_id}"
