"""Decree 30 reports (Phụ lục VI mục V; Phụ lục IV), printed through the one export path
(`documents.exports`): the incoming-processing report, the outgoing-processing report, and the
"sổ theo dõi giải quyết văn bản đến"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core.actor import Actor
from eoffice.core.errors import ValidationFailed
from eoffice.directory.models import Agency
from eoffice.documents.models import Document, Registration
from eoffice.oversight import policies, selectors
from eoffice.oversight.filters import Filters
from eoffice.work.models import AssignmentLine, WorkItem
from eoffice.work.statuses import GONE_STATUSES, ItemKind, ItemStatus, LineRole

PROCESSING_COLUMNS = [
    "Đơn vị, cá nhân",
    "Tổng số",
    "Chờ xử lý",
    "Đang xử lý",
    "Quá hạn chưa xử lý xong",
    "Hoàn thành đúng hạn",
    "Hoàn thành quá hạn",
    "Trả lại",
    "Tỷ lệ đúng hạn",
]
PROCESSING_WIDTHS = [28, 8, 8, 8, 10, 10, 10, 8, 10]
PROCESSING_NUMERIC = frozenset(range(2, 10))
FOLLOW_UP_COLUMNS = [
    "Số đến",
    "Tên loại, số, ký hiệu, ngày tháng và cơ quan ban hành văn bản",
    "Đơn vị hoặc người nhận",
    "Thời hạn giải quyết",
    "Tiến độ giải quyết",
    "Số, ký hiệu văn bản trả lời",
    "Ghi chú",
]
FOLLOW_UP_WIDTHS = [7, 30, 18, 11, 16, 10, 8]
FOLLOW_UP_NUMERIC = frozenset({1, 4})
MAX_FOLLOW_UP_ROWS = 20000


@dataclass(frozen=True)
class Sheet:
    """What the export path prints in the header: the agency and the year."""

    agency: Agency
    year: int
    pk: int = 0


@dataclass(frozen=True)
class Report:
    slug: str
    register: Sheet
    title: str
    filters: Filters
    columns: list[str]
    widths: list[int]
    numeric_columns: frozenset[int]
    rows: list[list[str]]

    @property
    def period(self) -> str:
        return f"Từ ngày {self.filters.date_from:%d/%m/%Y} đến ngày {self.filters.date_to:%d/%m/%Y}"

    @property
    def date_from(self) -> Any:
        return self.filters.date_from

    @property
    def date_to(self) -> Any:
        return self.filters.date_to


def _rate(on_time: int, late: int) -> str:
    done = on_time + late
    return f"{100 * on_time / done:.1f}%" if done else "—"


def _processing_row(label: str, counts: dict[str, int]) -> list[str]:
    total = sum(counts.get(k, 0) for k in ("waiting", "processing", "on_time", "late", "returned"))
    return [
        label,
        str(total),
        str(counts["waiting"]),
        str(counts["processing"]),
        str(counts["overdue"]),
        str(counts["on_time"]),
        str(counts["late"]),
        str(counts["returned"]),
        _rate(counts["on_time"], counts["late"]),
    ]


def report_agency(actor: Actor, filters: Filters) -> Agency:
    scope = policies.board_scope(actor)
    if filters.agency_id:
        return Agency.objects.get(pk=filters.agency_id)
    assert actor.position is not None
    return scope.root if scope.province_wide else actor.position.agency


def processing_report(actor: Actor, filters: Filters, *, kind: str, now: datetime) -> Report:
    """Báo cáo tình hình xử lý văn bản đến / đi: the board's figures for one kind of work,
    per unit, then per person, then the total."""
    board = selectors.board(actor, filters.with_kind(kind), now=now)
    rows = [_processing_row(row.label, row.counts) for row in board.agencies]
    rows += [
        _processing_row(f"{row.label} ({row.note})" if board.agencies else row.label, row.counts)
        for row in board.units
    ]
    rows += [
        _processing_row(f"{row.label} ({row.note})" if board.agencies else row.label, row.counts)
        for row in board.people
    ]
    rows.append(_processing_row("Tổng cộng", board.total.counts))
    incoming = kind == ItemKind.INCOMING_DOCUMENT
    title = "BÁO CÁO TÌNH HÌNH XỬ LÝ VĂN BẢN " + ("ĐẾN" if incoming else "ĐI")
    agency = report_agency(actor, filters)
    return Report(
        slug="xu-ly-van-ban-den" if incoming else "xu-ly-van-ban-di",
        register=Sheet(agency, filters.date_to.year),
        title=title,
        filters=filters,
        columns=PROCESSING_COLUMNS,
        widths=PROCESSING_WIDTHS,
        numeric_columns=PROCESSING_NUMERIC,
        rows=rows,
    )


def _date(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y")
    return str(value.strftime("%d/%m/%Y"))


def _progress(item: WorkItem, deadline: datetime | None, now: datetime) -> str:
    if item.status == ItemStatus.DONE and item.done_at is not None:
        late = deadline is not None and item.done_at > deadline
        return f"Đã giải quyết ngày {_date(item.done_at)}" + (" (quá hạn)" if late else " (đúng hạn)")
    if item.status == ItemStatus.NEW:
        return "Chưa phân xử lý"
    overdue = deadline is not None and deadline < now
    return "Đang giải quyết" + (" (quá hạn)" if overdue else "")


def _handlers(lines: list[AssignmentLine]) -> tuple[str, datetime | None]:
    """Who handles it: the lead and co-handlers of the level below the leadership, if any."""
    live = [line for line in lines if line.status not in GONE_STATUSES and line.role != LineRole.INFO]
    depth = 1 if any(line.depth == 1 for line in live) else 0
    level = [line for line in live if line.depth == depth]
    lead = next((line for line in level if line.role == LineRole.LEAD), None)
    parts = [f"Chủ trì: {lead.assignee_label}"] if lead else []
    co = [line.assignee_label for line in level if line.role == LineRole.CO]
    if co:
        parts.append("Phối hợp: " + ", ".join(co))
    return "; ".join(parts), lead.deadline if lead else None


def follow_up_report(actor: Actor, filters: Filters, *, now: datetime) -> Report:
    """Sổ theo dõi giải quyết văn bản đến (Phụ lục IV, 7 columns) of one agency, by arrival."""
    agency = report_agency(actor, filters)
    items = list(
        WorkItem.objects.filter(
            agency=agency,
            kind=ItemKind.INCOMING_DOCUMENT,
            arrived_at__gte=filters.start,
            arrived_at__lt=filters.end,
        ).order_by("arrived_at", "pk")[: MAX_FOLLOW_UP_ROWS + 1]
    )
    if len(items) > MAX_FOLLOW_UP_ROWS:
        raise ValidationFailed(
            "too_many_rows",
            _("Khoảng thời gian có quá %(max)s văn bản đến; hãy chọn khoảng ngắn hơn.")
            % {"max": MAX_FOLLOW_UP_ROWS},
            field="from",
        )
    doc_ids = [
        item.subject_id for item in items if item.subject_type == "documents.document" and item.subject_id
    ]
    documents = Document.objects.filter(pk__in=doc_ids).select_related("document_type").in_bulk()
    numbers = dict(Registration.objects.filter(document_id__in=doc_ids).values_list("document_id", "number"))
    lines: dict[int, list[AssignmentLine]] = {}
    related = AssignmentLine.objects.filter(item__in=items, depth__lte=1).select_related(
        "assignee_user", "assignee_unit", "assignee_agency"
    )
    for line in related:
        lines.setdefault(line.item_id, []).append(line)
    rows = []
    for item in items:
        document = documents.get(item.subject_id or 0)
        handlers, lead_deadline = _handlers(lines.get(item.pk, []))
        deadline = item.deadline or lead_deadline
        if document is not None:
            type_name = document.document_type.name if document.document_type else ""
            issued = f"ngày {document.issued_date:%d/%m/%Y}" if document.issued_date else ""
            described = ", ".join(
                p for p in [type_name, document.number_symbol, issued, document.organ_name] if p
            )
            number = str(numbers.get(document.pk, ""))
        else:
            described, number = item.reference, ""
        rows.append(
            [
                number,
                f"{described} — {item.title}",
                handlers,
                _date(deadline),
                _progress(item, deadline, now),
                "",
                "",
            ]
        )
    return Report(
        slug="so-theo-doi-giai-quyet",
        register=Sheet(agency, filters.date_to.year),
        title="SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN",
        filters=filters,
        columns=FOLLOW_UP_COLUMNS,
        widths=FOLLOW_UP_WIDTHS,
        numeric_columns=FOLLOW_UP_NUMERIC,
        rows=rows,
    )
