"""What was signed for an outgoing document; imported by models.py.

One `DraftSignature` per signed draft version: the leader's PAdES-signed PDF (the version's main
file, prepared with the number/date fields and both signature fields) and, after numbering, the
organisation-signed final PDF, plus each attachment the organisation signed. Certificates are
kept by subject, issuer and serial so the register can say who signed with what, after the
certificate itself has expired.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _lazy

from eoffice.documents.models import StoredFile


class KeyKind(models.TextChoices):
    PKCS11 = "pkcs11", _lazy("Thiết bị ký số (PKCS#11)")
    PKCS12 = "pkcs12", _lazy("Tệp khóa (PKCS#12)")


class DraftSignature(models.Model):
    draft = models.ForeignKey("outgoing.Draft", on_delete=models.PROTECT, related_name="signatures")
    version = models.OneToOneField(
        "outgoing.DraftVersion", on_delete=models.PROTECT, related_name="signature"
    )
    step_run = models.OneToOneField(
        "outgoing.StepRun", null=True, blank=True, on_delete=models.PROTECT, related_name="signature"
    )
    # The version's main file as uploaded (DOCX or PDF) and the leader-signed PDF made from it.
    source_file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    signed_file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()
    key_kind = models.CharField(max_length=8, choices=KeyKind.choices)
    certificate_subject = models.CharField(_lazy("Chứng thư số"), max_length=500)
    certificate_issuer = models.CharField(max_length=500)
    certificate_serial = models.CharField(max_length=100)
    # The organisation's signature (Điều 14.3), made by the clerk after numbering.
    final_file = models.ForeignKey(
        StoredFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    org_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    org_signed_at = models.DateTimeField(null=True, blank=True)
    org_key_kind = models.CharField(max_length=8, choices=KeyKind.choices, blank=True)
    org_certificate_subject = models.CharField(max_length=500, blank=True)
    org_certificate_serial = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["draft_id", "id"]
        constraints = [
            models.CheckConstraint(
                name="draft_signature_org_complete",
                condition=Q(final_file__isnull=True, org_signed_at__isnull=True)
                | Q(final_file__isnull=False, org_signed_at__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"signature of {self.draft_id} v{self.version_id}"

    @property
    def org_signed(self) -> bool:
        return self.final_file_id is not None


class SignedAttachment(models.Model):
    """An attachment in its own file, with the organisation's text-block signature (PL I II.8.b)."""

    signature = models.ForeignKey(DraftSignature, on_delete=models.CASCADE, related_name="attachments")
    draft_file = models.ForeignKey("outgoing.DraftFile", on_delete=models.PROTECT, related_name="+")
    signed_file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=255)

    class Meta:
        ordering = ["signature_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["signature", "draft_file"], name="signed_attachment_unique")
        ]

    def __str__(self) -> str:
        return self.file_name
