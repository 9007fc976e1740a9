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


class SigningCertificate(models.Model):
    """A digital-signature certificate registered to a person or to an agency ("đăng ký chứng thư số").

    Signing checks the certificate of the key against these rows: a key whose certificate chains
    to the trust store is not enough, it must be the signer's own (or the agency's, for the
    agency's signature). Only the public certificate is kept. A registration is withdrawn, never
    deleted, so the register can still say whose certificate signed an old document.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signing_certificates",
    )
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="signing_certificates"
    )
    der = models.BinaryField()
    sha256 = models.CharField(_lazy("Dấu vân tay SHA-256"), max_length=64)
    subject = models.CharField(_lazy("Chủ thể"), max_length=500)
    issuer = models.CharField(_lazy("Tổ chức cấp"), max_length=500)
    serial = models.CharField(_lazy("Số hiệu"), max_length=100)
    not_after = models.DateTimeField(_lazy("Hiệu lực đến"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_at = models.DateTimeField()
    is_active = models.BooleanField(_lazy("Đang dùng"), default=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _lazy("Chứng thư số đã đăng ký")
        verbose_name_plural = _lazy("Chứng thư số đã đăng ký")
        ordering = ["-is_active", "-registered_at", "-id"]
        constraints = [
            # A certificate belongs to one person or to one agency, never both (as KeyReference).
            models.CheckConstraint(
                name="signing_certificate_one_owner",
                condition=(Q(user__isnull=False) & Q(agency__isnull=True))
                | (Q(user__isnull=True) & Q(agency__isnull=False)),
            ),
            # One owner at a time: the database refuses a second registration racing the first.
            models.UniqueConstraint(
                fields=["sha256"], condition=Q(is_active=True), name="signing_certificate_in_use_unique"
            ),
            models.CheckConstraint(
                name="signing_certificate_withdrawn_when",
                condition=Q(is_active=True, withdrawn_at__isnull=True)
                | Q(is_active=False, withdrawn_at__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["sha256"], name="signing_cert_sha256")]

    def __str__(self) -> str:
        return f"{self.subject} ({self.sha256[:12]})"


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
