"""The agency directory and organisation units.

Agencies form a tree of any depth kept with a parent link plus a materialised path
(`tree_path`, "/1/5/23/") so "every agency under the province" is one indexed prefix query.
An agency is never deleted: it is renamed, merged into a successor or dissolved, and each
change is an AgencyEvent, so history and everything filed under the old agency stay reachable.
"""

from __future__ import annotations

from functools import lru_cache

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _lazy

from eoffice.core.text import fold


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    return fold(word)


def fold_words(text: str) -> str:
    """`fold(text)`, word by word through a cache: agency names repeat the same few hundred
    words, so a 100,000-row import folds each word once instead of 100,000 times."""
    return " ".join(folded for folded in map(_fold_word, text.split()) if folded)


class AgencyKind(models.TextChoices):
    PROVINCE = "province", _lazy("UBND tỉnh / cơ quan cấp tỉnh")
    PROVINCE_OFFICE = "province_office", _lazy("Văn phòng (cấp tỉnh)")
    DEPARTMENT = "department", _lazy("Sở, ban, ngành")
    DISTRICT = "district", _lazy("Cấp huyện (trước 2025)")
    COMMUNE = "commune", _lazy("Xã, phường, đặc khu")
    PARTY = "party", _lazy("Cơ quan Đảng")
    COUNCIL = "council", _lazy("HĐND, Đoàn ĐBQH")
    CENTRAL = "central", _lazy("Bộ, ngành trung ương")
    OTHER = "other", _lazy("Khác")


class AgencyStatus(models.TextChoices):
    ACTIVE = "active", _lazy("Đang hoạt động")
    MERGED = "merged", _lazy("Đã sáp nhập")
    DISSOLVED = "dissolved", _lazy("Đã giải thể")


class Agency(models.Model):
    # Unique through Meta.constraints, not unique=True: on PostgreSQL that would add a second,
    # pattern-ops index nobody queries, and every index costs time on a 100,000-row import.
    code = models.CharField(_lazy("Mã định danh (QCVN 102)"), max_length=32)
    code_conforms = models.BooleanField(
        default=True, help_text="False for legacy axis codes that do not follow NNN.NN.NN.Xnn"
    )
    code_qd20 = models.CharField(_lazy("Mã định danh (QĐ 20/2020)"), max_length=64, blank=True)
    name = models.CharField(_lazy("Tên đầy đủ"), max_length=500)
    short_name = models.CharField(_lazy("Tên viết tắt"), max_length=200, blank=True)
    abbreviation = models.CharField(_lazy("Chữ viết tắt trong ký hiệu"), max_length=30, blank=True)
    kind = models.CharField(
        _lazy("Loại"), max_length=20, choices=AgencyKind.choices, default=AgencyKind.OTHER
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_lazy("Cấp trên"),
    )
    tree_path = models.CharField(max_length=2000, editable=False, default="/")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    address = models.CharField(_lazy("Địa chỉ"), max_length=500, blank=True)
    email = models.CharField(_lazy("Thư điện tử"), max_length=254, blank=True)
    phone = models.CharField(_lazy("Điện thoại"), max_length=64, blank=True)
    fax = models.CharField("Fax", max_length=64, blank=True)
    website = models.CharField(_lazy("Trang thông tin"), max_length=300, blank=True)
    hosted = models.BooleanField(_lazy("Dùng hệ thống này"), default=False)
    status = models.CharField(
        _lazy("Trạng thái"), max_length=16, choices=AgencyStatus.choices, default=AgencyStatus.ACTIVE
    )
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
        verbose_name=_lazy("Cơ quan kế thừa"),
    )
    status_changed_on = models.DateField(null=True, blank=True)
    # Folded copy of names and codes for accent-insensitive search (core.text.fold). No b-tree
    # index: LIKE '%x%' cannot use one; PostgreSQL gets a pg_trgm GIN index (migration 0003).
    search_text = models.CharField(max_length=1200, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _lazy("Cơ quan")
        verbose_name_plural = _lazy("Cơ quan")
        ordering = ["tree_path"]
        indexes = [
            # Search results and keyset pages are ordered (depth, name, id) among active agencies.
            models.Index(fields=["status", "depth", "name", "id"], name="agency_browse_idx"),
            # Sub-tree queries are `tree_path LIKE '/1/5/%'`; pattern ops make that an index
            # range scan on PostgreSQL whatever the database collation (ignored elsewhere).
            models.Index(
                fields=["tree_path"], name="agency_tree_path_idx", opclasses=["varchar_pattern_ops"]
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="agency_code_unique"),
            models.UniqueConstraint(
                fields=["code_qd20"], condition=~Q(code_qd20=""), name="agency_code_qd20_unique"
            ),
            models.CheckConstraint(
                name="agency_successor_only_when_merged",
                condition=Q(status="merged", successor__isnull=False)
                | (~Q(status="merged") & Q(successor__isnull=True)),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def refresh_search_text(self) -> None:
        self.search_text = fold_words(
            f"{self.name} {self.short_name} {self.abbreviation} {self.code} {self.code_qd20}"
        )[:1200]

    @property
    def is_active(self) -> bool:
        return self.status == AgencyStatus.ACTIVE


class AgencyEvent(models.Model):
    """Lifecycle history of an agency: what changed, when it took effect, and the values before."""

    class Kind(models.TextChoices):
        CREATED = "created", _lazy("Thành lập / nhập danh bạ")
        UPDATED = "updated", _lazy("Cập nhật thông tin")
        RENAMED = "renamed", _lazy("Đổi tên")
        MOVED = "moved", _lazy("Đổi cơ quan cấp trên")
        MERGED = "merged", _lazy("Sáp nhập vào cơ quan khác")
        ABSORBED = "absorbed", _lazy("Tiếp nhận cơ quan sáp nhập")
        DISSOLVED = "dissolved", _lazy("Giải thể")
        HOSTING_CHANGED = "hosting_changed", _lazy("Đổi nơi sử dụng hệ thống")

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    effective_on = models.DateField()
    related_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="related_events"
    )
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    note = models.CharField(max_length=500, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency_id", "effective_on", "id"]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.kind} {self.effective_on}"


class Unit(models.Model):
    """A unit inside an agency (phòng, ban, trung tâm), itself a tree."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="units", verbose_name=_lazy("Cơ quan")
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_lazy("Đơn vị cha"),
    )
    code = models.CharField(_lazy("Mã đơn vị"), max_length=40, blank=True)
    name = models.CharField(_lazy("Tên đơn vị"), max_length=300)
    abbreviation = models.CharField(_lazy("Chữ viết tắt"), max_length=30, blank=True)
    is_active = models.BooleanField(_lazy("Đang hoạt động"), default=True)
    sort_order = models.PositiveIntegerField(default=0)
    search_text = models.CharField(max_length=600, blank=True, db_index=True, editable=False)

    class Meta:
        verbose_name = _lazy("Đơn vị")
        verbose_name_plural = _lazy("Đơn vị")
        ordering = ["agency_id", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "code"], condition=~Q(code=""), name="unit_code_per_agency"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def refresh_search_text(self) -> None:
        self.search_text = fold(f"{self.name} {self.abbreviation} {self.code}")[:600]
