"""People in the organisation: positions (chức vụ) with roles, and delegation (ủy quyền)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _lazy

from eoffice.core.roles import Role
from eoffice.directory.models import Agency, Unit

__all__ = ["Delegation", "DelegationScope", "Position", "PositionRole", "Role"]


class Position(models.Model):
    """A post a user holds in an agency (and optionally a unit). Several at once is kiêm nhiệm."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="positions",
        verbose_name=_lazy("Người dùng"),
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="positions", verbose_name=_lazy("Cơ quan")
    )
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="positions",
        verbose_name=_lazy("Đơn vị"),
    )
    title = models.CharField(_lazy("Chức vụ"), max_length=200)
    is_primary = models.BooleanField(_lazy("Chức vụ chính"), default=False)
    is_active = models.BooleanField(_lazy("Đang giữ"), default=True)
    starts_on = models.DateField(_lazy("Từ ngày"), null=True, blank=True)
    ends_on = models.DateField(_lazy("Đến ngày"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _lazy("Chức vụ")
        verbose_name_plural = _lazy("Chức vụ")
        ordering = ["-is_primary", "agency_id", "id"]
        indexes = [models.Index(fields=["agency", "is_active"])]

    def __str__(self) -> str:
        where = self.unit.name if self.unit_id and self.unit else self.agency.short_name or self.agency.name
        return f"{self.title} — {where}"

    @property
    def role_set(self) -> set[str]:
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            cached = {r.role for r in self.roles.all()}
            self._role_cache = cached
        return cached

    def has_role(self, role: str) -> bool:
        return role in self.role_set


class PositionRole(models.Model):
    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["position", "role"], name="position_role_unique")]
        indexes = [models.Index(fields=["role"])]

    def __str__(self) -> str:
        return f"{self.position_id}:{self.role}"


class DelegationScope(models.TextChoices):
    ALL = "all", _lazy("Toàn bộ công việc")
    INCOMING = "incoming", _lazy("Văn bản đến")
    OUTGOING = "outgoing", _lazy("Văn bản đi")
    TASKS = "tasks", _lazy("Công việc")


class Delegation(models.Model):
    """Ủy quyền / thay thế: the delegate does the delegator's work, in one position, for a window."""

    position = models.ForeignKey(
        Position,
        on_delete=models.PROTECT,
        related_name="delegations",
        verbose_name=_lazy("Chức vụ được ủy quyền"),
    )
    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="delegations_given",
        verbose_name=_lazy("Người ủy quyền"),
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="delegations_received",
        verbose_name=_lazy("Người được ủy quyền"),
    )
    scope = models.CharField(
        _lazy("Phạm vi"), max_length=16, choices=DelegationScope.choices, default=DelegationScope.ALL
    )
    starts_at = models.DateTimeField(_lazy("Từ"))
    ends_at = models.DateTimeField(_lazy("Đến"))
    reason = models.CharField(_lazy("Lý do"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _lazy("Ủy quyền")
        verbose_name_plural = _lazy("Ủy quyền")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                name="delegation_window_ordered", condition=Q(ends_at__gt=models.F("starts_at"))
            ),
            models.CheckConstraint(name="delegation_not_self", condition=~Q(delegate=models.F("delegator"))),
        ]
        indexes = [models.Index(fields=["delegate", "starts_at", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.delegator_id} → {self.delegate_id} ({self.scope})"
