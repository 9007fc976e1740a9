"""Incoming documents handed to the work engine (trình, chuyển xử lý), and followed back.

Documents import the work engine; the engine never imports documents. A registered document gets
one work item (`subject_type="documents.document"`) in the same transaction as its arrival
number. The văn thư then presents it to a leader or routes it by the agency's standing rules
(type or field → unit); from there the work engine carries the lines. When the item's status
changes, the engine calls `follow_work` (registered in `DocumentsConfig.ready`) and the document's
status follows, so "the document is done when its top lead line is done" holds.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, PermissionDenied, ValidationFailed
from eoffice.documents import followers
from eoffice.documents.models import Document, Registration, Urgency
from eoffice.documents.transitions import apply_transition
from eoffice.work import deadlines as work_deadlines
from eoffice.work import selectors as work_selectors
from eoffice.work import services as work_services
from eoffice.work.models import AssignmentLine, Opinion, OpinionKind, WorkItem
from eoffice.work.statuses import GONE_STATUSES, ItemKind, ItemStatus, LineRole

SUBJECT_TYPE = "documents.document"
# "Holds a line on it", as a Q over Document (registered once in DocumentsConfig.ready).
visible_through_lines = work_selectors.subject_visibility_hook(SUBJECT_TYPE)

# Document urgency values → work item urgency values (only "Thường" is spelled differently).
WORK_URGENCY: dict[str, str] = {Urgency.NORMAL: "normal"}

# Item status → the document action that follows it (documents.transitions).
_FOLLOW = {
    ItemStatus.NEW: "work_reset",
    ItemStatus.IN_PROGRESS: "work_started",
    ItemStatus.DONE: "work_done",
}


def item_of(document: Document) -> WorkItem | None:
    """The work item of a document, if it was registered. Not scoped: callers checked the document."""
    return (
        WorkItem.objects.filter(subject_type=SUBJECT_TYPE, subject_id=document.pk)
        .select_related("agency", "presented_to")
        .first()
    )


def lock_work_item(document: Document) -> None:
    """Lock the document's item, if any (lock order everywhere: work item → document)."""
    list(
        WorkItem.objects.select_for_update()
        .filter(subject_type=SUBJECT_TYPE, subject_id=document.pk)
        .values_list("pk", flat=True)
    )


def _reference(document: Document) -> str:
    return " · ".join(part for part in (document.number_symbol, document.organ_name) if part)[:200]


def _deadline(document: Document, arrived_at: datetime) -> datetime | None:
    if document.due_date is None:
        return None
    # The reply deadline is a date: it ends with the last working session of that day. A document
    # that arrives after hours on its due date is due at once (and shows as overdue).
    return max(work_deadlines.end_of_date(document.due_date), arrived_at)


def check_due_date(document: Document, arrived_at: datetime) -> None:
    """A reply deadline before the arrival date is a typing error: refuse it, register nothing."""
    arrival_day = timezone.localtime(arrived_at).date()
    if document.due_date is not None and document.due_date < arrival_day:
        raise ValidationFailed(
            "deadline_before_arrival",
            _(
                "Hạn trả lời (%(due_date)s) không được trước ngày đến (%(arrival_day)s). "
                "Hãy sửa hạn trả lời rồi vào sổ lại."
            )
            % {"due_date": f"{document.due_date:%d/%m/%Y}", "arrival_day": f"{arrival_day:%d/%m/%Y}"},
            field="due_date",
        )


def open_work_item(*, actor: Actor, document: Document, registration: Registration) -> WorkItem:
    """Create the document's work item. Runs inside the registration's transaction."""
    return work_services.item_create(
        agency=document.agency,
        kind=ItemKind.INCOMING_DOCUMENT,
        title=document.subject or str(document),
        arrived_at=registration.arrived_at,
        actor=actor,
        subject_type=SUBJECT_TYPE,
        subject_id=document.pk,
        reference=_reference(document),
        urgency=WORK_URGENCY.get(document.urgency, document.urgency),
        deadline=_deadline(document, registration.arrived_at),
    )


def describe_work_item(*, actor: Actor, document: Document) -> None:
    """After the văn thư corrects a registered document, the item shows the corrected data."""
    item = item_of(document)
    if item is None:
        return
    work_services.item_describe(
        item=item,
        title=document.subject or str(document),
        reference=_reference(document),
        urgency=WORK_URGENCY.get(document.urgency, document.urgency),
        deadline=_deadline(document, item.arrived_at),
        actor=actor,
    )


def follow_work(item: WorkItem, actor: Actor) -> None:
    """Called by the work engine, in its transaction, when the document's item changed status."""
    action = _FOLLOW[ItemStatus(item.status)]
    if item.subject_id is None:
        return
    # Lock the document: a concurrent correction by the văn thư must not overwrite the status.
    document = Document.objects.select_for_update().filter(pk=item.subject_id).first()
    if document is None:
        return
    before = document.status
    apply_transition(document, action)
    document.save(update_fields=["status", "updated_at"])
    followers.status_changed(document, actor)
    audit.record(
        actor=actor,
        verb="document.handling_status",
        target=document,
        agency_id=document.agency_id,
        data={"from": before, "to": document.status, "item": item.pk},
    )


def document_url(document_id: int) -> str:
    return reverse("documents:detail", args=[document_id])


def document_facts(document_id: int) -> list[tuple[str, str]]:
    """What the item page and the handling slip print about the document (Phụ lục VI fields)."""
    document = (
        Document.objects.select_related("document_type", "registration__register")
        .filter(pk=document_id)
        .first()
    )
    if document is None:
        return []
    facts = [
        (_("Loại văn bản"), document.document_type.name if document.document_type else "—"),
        (_("Số, ký hiệu"), document.number_symbol or "—"),
        (_("Ngày văn bản"), f"{document.issued_date:%d/%m/%Y}" if document.issued_date else "—"),
        (_("Cơ quan ban hành"), document.organ_name or "—"),
    ]
    registration = getattr(document, "registration", None)
    if registration is not None:
        arrived = timezone.localtime(registration.arrived_at)
        facts.append((_("Số đến"), f"{registration.number} — {registration.register.name}"))
        facts.append((_("Ngày đến"), f"{arrived:%H:%M %d/%m/%Y}"))
    if document.signer_full_name:
        signer = " ".join(
            p for p in (document.signer_competence, document.signer_position, document.signer_full_name) if p
        )
        facts.append((_("Người ký"), signer))
    if document.due_date:
        facts.append((_("Hạn trả lời"), f"{document.due_date:%d/%m/%Y}"))
    if document.is_secret:
        facts.append((_("Độ mật"), document.get_secrecy_display()))
    return facts


def routing_keys(document: Document) -> list[str]:
    """The keys standing rules match: "type:<code>" for the document type, "field:<lĩnh vực>"."""
    keys = []
    if document.document_type is not None:
        keys.append(f"type:{document.document_type.code}")
    if document.field:
        # The engine folds keys before matching, so "Tổ chức" finds a rule written "to chuc".
        keys.append(f"field:{document.field}")
    return keys


@dataclass(frozen=True)
class HandedTo:
    names: str
    on: date


def handed_to(document_ids: list[int]) -> dict[int, HandedTo]:
    """Who each document was handed to, and when first (register columns "Đơn vị hoặc người
    nhận", "Ngày chuyển"): the live lead and co-processing lines of the first two levels — the
    leader it was presented to, the units assigned."""
    lines = (
        AssignmentLine.objects.filter(
            item__subject_type=SUBJECT_TYPE,
            item__subject_id__in=document_ids,
            depth__lte=1,
            role__in=[LineRole.LEAD, LineRole.CO],
        )
        .exclude(status__in=sorted(GONE_STATUSES))
        .select_related("item", "assignee_user", "assignee_unit", "assignee_agency")
        .order_by("depth", "assigned_at", "id")
    )
    names: dict[int, list[str]] = defaultdict(list)
    first: dict[int, datetime] = {}
    for line in lines:
        subject_id = line.item.subject_id
        if subject_id is None:
            continue
        if line.assignee_label not in names[subject_id]:
            names[subject_id].append(line.assignee_label)
        first[subject_id] = min(first.get(subject_id, line.assigned_at), line.assigned_at)
    return {
        key: HandedTo("; ".join(value)[:1000], timezone.localtime(first[key]).date())
        for key, value in names.items()
    }


def _registered_item(document: Document) -> WorkItem:
    item = item_of(document)
    if item is None:
        raise Conflict("not_registered", _("Văn bản chưa vào sổ nên chưa thể trình hoặc chuyển xử lý."))
    return item


@transaction.atomic
def document_present(
    *,
    actor: Actor,
    document: Document,
    leader_id: int,
    note: str = "",
    deadline: work_deadlines.DeadlineInput | None = None,
) -> WorkItem:
    """Trình: the văn thư presents the registered document to a leader (Điều 23.1)."""
    item = _registered_item(document)
    item = work_services.item_present(
        item=item, leader_id=leader_id, note=note, deadline=deadline, actor=actor
    )
    followers.status_changed(document, actor)
    return item


@transaction.atomic
def document_route(*, actor: Actor, document: Document) -> list[AssignmentLine]:
    """Chuyển theo quy tắc: the agency's standing rules for the document's type or field."""
    item = _registered_item(document)
    keys = routing_keys(document)
    if not keys:
        raise ValidationFailed(
            "no_rule", _("Văn bản chưa có loại hoặc lĩnh vực để chọn quy tắc chuyển xử lý."), field="keys"
        )
    return work_services.item_route(item=item, keys=keys, actor=actor)


@transaction.atomic
def document_propose_reply(*, actor: Actor, document: Document, text: str) -> Opinion:
    """Đề xuất văn bản trả lời, by the holder of a lead line on the document.

    It is recorded as an opinion of its own kind. The outgoing draft linked to this document is
    made by the outgoing-documents feature (next issue); nothing here pretends to be a draft.
    """
    item = _registered_item(document)
    from eoffice.work import policies as work_policies

    held = [
        line
        for line in AssignmentLine.objects.filter(item=item, role=LineRole.LEAD).exclude(
            status__in=sorted(GONE_STATUSES)
        )
        if work_policies.holds_line(actor, line)
    ]
    if not held:
        raise PermissionDenied(_("Chỉ người chủ trì xử lý văn bản này mới đề xuất văn bản trả lời."))
    # The deepest lead the actor holds: the one whose work the reply answers.
    line = max(held, key=lambda x: (x.depth, x.pk))
    return work_services.opinion_add(line=line, text=text, kind=OpinionKind.REPLY_PROPOSAL, actor=actor)
