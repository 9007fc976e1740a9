"""Signing credentials: a person's signature image, an agency's seal, and where keys live.

Secrets are never stored: no PIN, no PKCS#12 file, no password. A key reference names a PKCS#11
token and key (configured by an administrator); the PIN is typed at signing time. A PKCS#12 file
is uploaded with each signing request and forgotten when the request ends.

The images are small (≤ 1 MB) and read on every signature, so they sit in the row itself.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _lazy

from eoffice.directory.models import Agency


class SignatureImage(models.Model):
    """The blue, transparent image of a person's handwritten signature (Decree 30, PL I II.7.d)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signature_image"
    )
    png = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    width_px = models.PositiveIntegerField()
    height_px = models.PositiveIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _lazy("Ảnh chữ ký")
        verbose_name_plural = _lazy("Ảnh chữ ký")

    def __str__(self) -> str:
        return f"signature of {self.user_id}"


class AgencySeal(models.Model):
    """The red, transparent image of the agency's seal, drawn at its real diameter (PL I II.8.a)."""

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="seal")
    png = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    width_px = models.PositiveIntegerField()
    height_px = models.PositiveIntegerField()
    diameter_mm = models.DecimalField(_lazy("Đường kính con dấu (mm)"), max_digits=4, decimal_places=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _lazy("Ảnh con dấu")
        verbose_name_plural = _lazy("Ảnh con dấu")

    def __str__(self) -> str:
        return f"seal of {self.agency_id}"


class KeyReference(models.Model):
    """Where a person's or an agency's signing key is: a PKCS#11 module, token and key label."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="signing_key",
    )
    agency = models.OneToOneField(
        Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="signing_key"
    )
    module_path = models.CharField(_lazy("Thư viện PKCS#11"), max_length=500)
    token_label = models.CharField(_lazy("Nhãn thiết bị ký"), max_length=100)
    key_label = models.CharField(_lazy("Nhãn khóa"), max_length=100)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _lazy("Khóa ký số")
        verbose_name_plural = _lazy("Khóa ký số")
        constraints = [
            # A key belongs to one person or to one agency, never both.
            models.CheckConstraint(
                name="key_reference_one_owner",
                condition=(Q(user__isnull=False) & Q(agency__isnull=True))
                | (Q(user__isnull=True) & Q(agency__isnull=False)),
            )
        ]

    def __str__(self) -> str:
        return f"{self.token_label}/{self.key_label}"


class SignatureCheck(models.Model):
    sha256 = models.CharField(max_length=64)
    trust_fingerprint = models.CharField(max_length=64)
    # {"error": "" or a code, "signatures": [SignatureReport fields, signing_time as ISO text]}
    result = models.JSONField(default=dict)
    checked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sha256", "trust_fingerprint"], name="signature_check_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.sha256[:12]} @ {self.trust_fingerprint[:12]}"
