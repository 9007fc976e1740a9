from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _lazy

from eoffice.core.text import fold


class User(AbstractUser):
    """A person who signs in. Vietnamese names are kept whole ("Nguyễn Văn An"), not split."""

    full_name = models.CharField(_lazy("Họ và tên"), max_length=200, blank=True)
    phone = models.CharField(_lazy("Điện thoại"), max_length=32, blank=True)
    search_text = models.CharField(max_length=600, blank=True, db_index=True, editable=False)

    class Meta:
        verbose_name = _lazy("Người dùng")
        verbose_name_plural = _lazy("Người dùng")

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    def refresh_search_text(self) -> None:
        self.search_text = fold(f"{self.full_name} {self.username} {self.email}")[:600]


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the key is shown once."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", _lazy("Cá nhân")
        SERVICE = "service", _lazy("Dịch vụ")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    name = models.CharField(_lazy("Tên"), max_length=100)
    # Personal tokens act as their user; service tokens act as the system for one agency.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="api_tokens"
    )
    agency = models.ForeignKey(
        "directory.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="service_tokens"
    )
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="apitoken_kind_owner",
                condition=(
                    models.Q(kind="personal", user__isnull=False, agency__isnull=True)
                    | models.Q(kind="service", user__isnull=True, agency__isnull=False)
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
