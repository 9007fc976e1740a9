"""The generic work engine: a work item (a document to handle, later a task, an ISO step, a
petition) and the tree of assignment lines that carries all state, deadlines and timings.

The engine never imports the apps whose things it handles: an item points at its subject with a
(`subject_type` label, `subject_id`) pair, e.g. ("documents.document", 42).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eoffice.core.text import fold
from eoffice.directory.models import Agency, Unit
from eoffice.work.statuses import (
    GONE_STATUSES,
    OPEN_STATUSES,
    ItemKind,
    ItemStatus,
    LineAction,
    LineRole,
    LineStatus,
    TargetKind,
    Urgency,
)

SEARCH_TEXT_MAX = 2000


class WorkItem(models.Model):
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="work_items", verbose_name=_("Cơ quan")
    )
    kind = models.CharField(_("Loại"), max_length=24, choices=ItemKind.choices)
    subject_type = models.CharField(max_length=64, blank=True)
    subject_id = models.BigIntegerField(null=True, blank=True)
    title = models.CharField(_("Trích yếu / tên việc"), max_length=1000)
    # Extra searchable words (number and symbol, issuing agency) given by the subject's app.
    reference = models.CharField(_("Số, ký hiệu"), max_length=200, blank=True)
    search_text = models.CharField(max_length=SEARCH_TEXT_MAX, blank=True, editable=False)
    urgency = models.CharField(_("Độ khẩn"), max_length=20, choices=Urgency.choices, default=Urgency.NORMAL)
    arrived_at = models.DateTimeField(_("Thời điểm đến"))
    # Deadline of the subject itself (e.g. the reply deadline printed on the document), if any.
    deadline = models.DateTimeField(_("Hạn giải quyết"), null=True, blank=True)
    status = models.CharField(
        _("Trạng thái"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.NEW
    )
    direction = models.TextField(_("Ý kiến chỉ đạo"), blank=True)
    presented_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Việc cần xử lý")
        verbose_name_plural = _("Việc cần xử lý")
        ordering = ["-arrived_at", "-id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="work_item_subject"),
            models.Index(fields=["agency", "status", "arrived_at"], name="work_item_agency_status"),
        ]

    def __str__(self) -> str:
        return self.title[:120]

    def refresh_search_text(self) -> None:
        self.search_text = fold(f"{self.reference} {self.title}")[:SEARCH_TEXT_MAX]


class AssignmentLine(models.Model):
    """One receipt line (dòng xử lý): who must do what, by when, and where it stands.

    `box_key` names the work box the line sits in ("u<user>a<agency>" for a person in an agency,
    "n<unit>" for a unit, "a<agency>" for a whole agency). The box pages filter on it through the
    covering index `work_line_box` (box_key, status, role, deadline + kind, assigned_at, item_id,
    id), created by migration 0002 per database, so counting and paging a box of 10,000 lines is
    an index-only scan that never touches other people's lines.
    """

    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="lines")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # parent_id, or 0 at the top level: a column without NULLs lets one unique index say
    # "one live lead per level" on both SQLite and PostgreSQL.
    level_key = models.BigIntegerField(default=0, editable=False)
    depth = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=24, choices=ItemKind.choices)
    role = models.CharField(_("Vai trò"), max_length=8, choices=LineRole.choices)
    target_kind = models.CharField(max_length=8, choices=TargetKind.choices)
    assignee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="work_lines"
    )
    assignee_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="work_lines"
    )
    assignee_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="work_lines")
    box_key = models.CharField(max_length=40, editable=False)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField()
    note = models.CharField(_("Nội dung giao"), max_length=2000, blank=True)
    status = models.CharField(
        _("Trạng thái"), max_length=16, choices=LineStatus.choices, default=LineStatus.CHO_TIEP_NHAN
    )
    # Absolute instant, computed on the working calendar when assigned and never silently moved.
    deadline = models.DateTimeField(_("Hạn xử lý"), null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    first_opened_at = models.DateTimeField(null=True, blank=True)
    acted_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    recalled_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.CharField(_("Lý do trả lại"), max_length=2000, blank=True)
    # Chase counters (đôn đốc) arrive with the follow-up issue; the column is here so reports can rely on it.
    reminder_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Dòng xử lý")
        verbose_name_plural = _("Dòng xử lý")
        ordering = ["item_id", "depth", "id"]
        constraints = [
            models.CheckConstraint(
                name="work_line_one_assignee",
                condition=(
                    Q(target_kind=TargetKind.PERSON, assignee_user__isnull=False, assignee_unit__isnull=True)
                    | Q(target_kind=TargetKind.UNIT, assignee_user__isnull=True, assignee_unit__isnull=False)
                    | Q(target_kind=TargetKind.AGENCY, assignee_user__isnull=True, assignee_unit__isnull=True)
                ),
            ),
            models.UniqueConstraint(
                fields=["item", "level_key"],
                condition=Q(role=LineRole.LEAD) & ~Q(status__in=sorted(GONE_STATUSES)),
                name="work_line_one_lead_per_level",
            ),
        ]
        indexes = [
            models.Index(fields=["item", "level_key"], name="work_line_level"),
            models.Index(fields=["assigned_by", "assigned_at"], name="work_line_assigner"),
            # The automatic reminders scan open lines by deadline every 15 minutes; finished lines
            # (nearly all of a year's millions) stay out of the index.
            models.Index(
                fields=["deadline"],
                condition=Q(status__in=sorted(OPEN_STATUSES)),
                name="work_line_open_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} — {self.assignee_label}"

    @property
    def assignee_label(self) -> str:
        if self.target_kind == TargetKind.PERSON and self.assignee_user is not None:
            return self.assignee_user.get_full_name()
        if self.target_kind == TargetKind.UNIT and self.assignee_unit is not None:
            return self.assignee_unit.name
        return self.assignee_agency.name

    @property
    def is_gone(self) -> bool:
        return self.status in GONE_STATUSES


def box_key_for(target_kind: str, *, user_id: int | None, unit_id: int | None, agency_id: int) -> str:
    if target_kind == TargetKind.PERSON:
        return f"u{user_id}a{agency_id}"
    if target_kind == TargetKind.UNIT:
        return f"n{unit_id}"
    return f"a{agency_id}"


class LineEvent(models.Model):
    """The timeline: one row per state change or noteworthy act on a line."""

    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="events")
    line = models.ForeignKey(AssignmentLine, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    action = models.CharField(max_length=24)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=300)
    note = models.CharField(max_length=2000, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["item", "at"], name="work_event_item")]

    def __str__(self) -> str:
        return f"{self.line_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

    @property
    def action_label(self) -> str:
        extra = {
            "open": _("Mở xem"),
            "assign": _("Giao"),
            "present": _("Trình lãnh đạo"),
            "route": _("Chuyển theo quy tắc"),
            "extend": _("Gia hạn"),
            "extension_requested": _("Xin gia hạn"),
            "extension_rejected": _("Không đồng ý gia hạn"),
            "opinion": _("Ý kiến"),
        }
        if self.action in extra:
            return str(extra[self.action])
        try:
            return str(LineAction(self.action).label)
        except ValueError:
            return self.action


class OpinionKind(models.TextChoices):
    DIRECTION = "direction", _("Ý kiến chỉ đạo")
    OPINION = "opinion", _("Ý kiến xử lý")
    REPLY_PROPOSAL = "reply_proposal", _("Đề xuất văn bản trả lời")


class Opinion(models.Model):
    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="opinions")
    line = models.ForeignKey(
        AssignmentLine, null=True, blank=True, on_delete=models.CASCADE, related_name="opinions"
    )
    kind = models.CharField(max_length=16, choices=OpinionKind.choices, default=OpinionKind.OPINION)
    text = models.TextField(_("Nội dung"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author_name = models.CharField(max_length=300)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"


class OpinionFile(models.Model):
    """A file attached to an opinion, stored once by content (SHA-256) and never changed."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="files")
    sha256 = models.CharField(max_length=64)
    name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    storage_path = models.CharField(max_length=300)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Chờ duyệt")
    APPROVED = "approved", _("Đã đồng ý")
    REJECTED = "rejected", _("Không đồng ý")


class ExtensionRequest(models.Model):
    """A request to move a line's deadline later (gia hạn), decided by whoever assigned the line."""

    line = models.ForeignKey(AssignmentLine, on_delete=models.CASCADE, related_name="extension_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    current_deadline = models.DateTimeField(null=True, blank=True)
    proposed_deadline = models.DateTimeField()
    reason = models.CharField(_("Lý do"), max_length=2000)
    status = models.CharField(max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=2000, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["line"], condition=Q(status="pending"), name="work_extension_one_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line_id} → {self.proposed_deadline:%Y-%m-%d}"


class RoutingRule(models.Model):
    """A standing rule of an agency: items with a matching key go straight to a unit.

    Keys are strings given by the subject's app, e.g. "type:QD" (document type) or
    "field:tổ chức cán bộ" (lĩnh vực); they are folded before matching.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="routing_rules")
    key = models.CharField(_("Điều kiện"), max_length=200)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="routing_rules", verbose_name=_("Đơn vị")
    )
    role = models.CharField(_("Vai trò"), max_length=8, choices=LineRole.choices, default=LineRole.LEAD)
    due_working_days = models.PositiveSmallIntegerField(_("Số ngày làm việc"), null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency_id", "key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "key", "unit"], name="work_routing_rule_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.unit_id}"
