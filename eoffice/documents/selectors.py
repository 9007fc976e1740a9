"""Reads, always scoped to what the actor may see.

`VISIBILITY_HOOKS` lets a later app (the work engine) widen visibility without this app
importing it: each hook takes the actor and returns a Q over Document (e.g. "holds a line on
it"), or None. The base rule: the owning agency's văn thư and leadership see its documents;
secret ones only they see, and other agencies' users never see them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core.actor import Actor
from eoffice.core.errors import NotFound, ValidationFailed
from eoffice.core.policies import require
from eoffice.core.text import fold, search_terms
from eoffice.directory.selectors import agency_lineage_ids
from eoffice.documents import exports, handling, policies
from eoffice.documents.exports import RegisterReport
from eoffice.documents.models import (
    Direction,
    Document,
    DocumentFile,
    DocumentStatus,
    ProcessingJob,
    Register,
    Registration,
)
from eoffice.work import candidates, timeline
from eoffice.work import policies as work_policies
from eoffice.work import selectors as work_selectors
from eoffice.work.candidates import Option
from eoffice.work.models import Opinion, RoutingRule, WorkItem
from eoffice.work.statuses import UNFINISHED_STATUSES
from eoffice.work.timeline import LineRow

VisibilityHook = Callable[[Actor], Q | None]
VISIBILITY_HOOKS: list[VisibilityHook] = []


def register_visibility_hook(hook: VisibilityHook) -> None:
    if hook not in VISIBILITY_HOOKS:
        VISIBILITY_HOOKS.append(hook)


def _visibility(actor: Actor) -> Q:
    position = actor.position
    if actor.user is None or position is None:
        return Q(pk__in=[])
    agency = position.agency
    visible = Q(pk__in=[])
    if policies.is_clerk(actor, agency) or policies.is_agency_leader(actor, agency):
        # Documents filed under agencies merged into this one stay with their successor.
        visible |= Q(agency_id__in=agency_lineage_ids(agency))
    for hook in VISIBILITY_HOOKS:
        extra = hook(actor)
        if extra is not None:
            # A line gives sight of an ordinary document only; secret ones stay with văn thư and leaders.
            visible |= extra & Q(secrecy="thuong")
    return visible


def documents_visible_to(actor: Actor) -> QuerySet[Document]:
    return Document.objects.filter(_visibility(actor)).distinct()


def document_visible(document_id: int, actor: Actor) -> bool:
    """For the work engine's item page: link the document only for those who may open it."""
    return Document.objects.filter(_visibility(actor), pk=document_id).exists()


def document_get(*, actor: Actor, document_id: int) -> Document:
    document = (
        documents_visible_to(actor)
        .select_related("agency", "document_type", "issuing_agency", "registration__register")
        .filter(pk=document_id)
        .first()
    )
    if document is None:
        raise NotFound(_("Không tìm thấy văn bản, hoặc bạn không có quyền xem văn bản này."))
    return document


def incoming_list(
    *, actor: Actor, status: str | None = None, query: str = "", secret: bool | None = None
) -> QuerySet[Document]:
    documents = documents_visible_to(actor).filter(direction=Direction.INCOMING)
    if status:
        documents = documents.filter(status=status)
    else:
        # A copy withdrawn at the sender's recall leaves the queue; it is found by its status.
        documents = documents.exclude(status=DocumentStatus.RECALLED)
    if secret is not None:
        documents = documents.exclude(secrecy="thuong") if secret else documents.filter(secrecy="thuong")
    for term in search_terms(query):
        documents = documents.filter(search_text__contains=term)
    return documents.select_related("document_type", "registration__register").order_by("-received_at", "-id")


def awaiting_registration(*, actor: Actor) -> QuerySet[Document]:
    return incoming_list(actor=actor, status=DocumentStatus.CONFIRMED).order_by("received_at", "id")


def document_files(document: Document) -> list[DocumentFile]:
    return list(document.files.select_related("stored_file").order_by("sort_order", "id"))


def viewing_file(document: Document) -> DocumentFile | None:
    """The PDF to show: the newest rendition of the main file, else the main file if it is a PDF."""
    main = document.files.select_related("stored_file").filter(role="main").first()
    if main is None:
        return None
    rendition = main.renditions.select_related("stored_file").order_by("-id").first()
    if rendition is not None:
        return rendition
    return main if main.stored_file.content_type == "application/pdf" else None


def document_file_get(*, actor: Actor, file_id: int) -> DocumentFile:
    found = (
        DocumentFile.objects.select_related("stored_file", "document")
        .filter(pk=file_id, document__in=documents_visible_to(actor))
        .first()
    )
    if found is None:
        raise NotFound(_("Không tìm thấy tệp, hoặc bạn không có quyền xem tệp này."))
    return found


def job_get(*, actor: Actor, job_id: int) -> ProcessingJob:
    job = ProcessingJob.objects.filter(pk=job_id, document__in=documents_visible_to(actor)).first()
    if job is None:
        raise NotFound(_("Không tìm thấy tác vụ xử lý."))
    return job


def registers_for(*, actor: Actor, year: int | None = None) -> QuerySet[Register]:
    position = actor.position
    if position is None or not (
        policies.may_manage_registers(actor, position.agency)
        or policies.may_print_register(actor, position.agency)
    ):
        return Register.objects.none()
    registers = Register.objects.filter(agency_id__in=agency_lineage_ids(position.agency))
    if not policies.is_clerk(actor, position.agency) and not policies.is_agency_leader(
        actor, position.agency
    ):
        registers = registers.filter(is_secret=False)
    if year is not None:
        registers = registers.filter(year=year)
    return registers


def register_get(*, actor: Actor, register_id: int) -> Register:
    register = registers_for(actor=actor).filter(pk=register_id).first()
    if register is None:
        raise NotFound(_("Không tìm thấy sổ văn bản, hoặc bạn không có quyền xem sổ này."))
    return register


def register_entries(*, register: Register, date_from: date, date_to: date) -> QuerySet[Registration]:
    """Entries of a register whose arrival falls in [date_from, date_to], local dates, in number order."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(date_from, time.min), zone)
    end = timezone.make_aware(datetime.combine(date_to, time.max), zone)
    return (
        Registration.objects.filter(register=register, arrived_at__gte=start, arrived_at__lte=end)
        .select_related("document", "document__document_type")
        .order_by("year", "number")
    )


def duplicate_warnings(document: Document) -> list[dict[str, Any]]:
    """Probable duplicates in the same agency (Phụ lục VI III.1): same number+symbol+issuer, or same file."""
    others = Document.objects.filter(agency_id=document.agency_id, direction=document.direction).exclude(
        pk=document.pk
    )
    warnings: list[dict[str, Any]] = []
    if document.code_number and document.code_notation:
        issuer = (
            Q(issuing_agency_id=document.issuing_agency_id)
            if document.issuing_agency_id
            else Q(organ_name__iexact=document.organ_name)
        )
        same_number = others.filter(
            issuer,
            code_number__iexact=document.code_number,
            code_notation__iexact=document.code_notation,
        ).order_by("id")[:5]
        warnings += [_warning("same_number", other) for other in same_number]
    hashes = list(document.files.exclude(role="rendition").values_list("stored_file__sha256", flat=True))
    if hashes:
        same_content = (
            others.filter(files__stored_file__sha256__in=hashes, files__role__in=["main", "attachment"])
            .distinct()
            .order_by("id")[:5]
        )
        warnings += [_warning("same_file", other) for other in same_content]
    return warnings


def _warning(kind: str, other: Document) -> dict[str, Any]:
    messages = {
        "same_number": _("Có thể trùng: đã có văn bản cùng số, ký hiệu và cơ quan ban hành."),
        "same_file": _("Có thể trùng: đã có văn bản với tệp có nội dung giống hệt."),
    }
    return {
        "kind": kind,
        "message": messages[kind],
        "document_id": other.pk,
        "label": str(other)[:200],
        "status": other.status,
    }


@dataclass
class Handling:
    """The document's work, as the document page shows it."""

    item: WorkItem
    rows: list[LineRow]
    opinions: list[Opinion]
    # The văn thư or a leader, while nobody holds the top lead line: present or route now.
    can_present: bool
    leaders: list[Option]
    rules: list[RoutingRule]
    # The actor holds a live lead line: they may propose a reply.
    can_propose_reply: bool


def handling_for(*, actor: Actor, document: Document) -> Handling | None:
    """The work item of a document the actor may see, with its tree, timeline and what the actor
    may do; None before registration (or when the actor sees the document but not its work)."""
    item = (
        work_selectors.items_for_subject(actor, handling.SUBJECT_TYPE, document.pk)
        .select_related("agency", "presented_to")
        .first()
    )
    if item is None:
        return None
    rows = timeline.timeline(item, actor)
    top_lead = any(r.line.level_key == 0 and r.line.role == "lead" and not r.line.is_gone for r in rows)
    can_present = not top_lead and item.status != "done" and work_policies.manages_item(actor, item)
    keys = {fold(key) for key in handling.routing_keys(document)}
    agency_rules = work_selectors.routing_rules(actor).filter(is_active=True)
    rules = [rule for rule in agency_rules if fold(rule.key) in keys]
    return Handling(
        item=item,
        rows=rows,
        opinions=timeline.opinions(item),
        can_present=can_present,
        leaders=candidates.leaders(item) if can_present else [],
        rules=rules if can_present else [],
        can_propose_reply=any(
            r.line.role == "lead" and r.actions and r.line.status in UNFINISHED_STATUSES for r in rows
        ),
    )


MAX_REPORT_DAYS = 366


def register_report(*, actor: Actor, register: Register, date_from: date, date_to: date) -> RegisterReport:
    """The register's entries for printing, for a date range of at most a year."""
    require(policies.may_print_register(actor, register.agency), _("Bạn không có quyền in sổ văn bản này."))
    if date_from > date_to:
        raise ValidationFailed(
            "invalid_range", _("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."), field="date_from"
        )
    if (date_to - date_from).days > MAX_REPORT_DAYS:
        raise ValidationFailed("range_too_long", _("Mỗi lần in tối đa một năm."), field="date_to")
    entries = list(register_entries(register=register, date_from=date_from, date_to=date_to))
    # "Đơn vị hoặc người nhận", "Ngày chuyển": from the document's work.
    handed = handling.handed_to([entry.document_id for entry in entries])
    for entry in entries:
        if not entry.document.to_places and entry.document_id in handed:
            entry.document.to_places = handed[entry.document_id].names
    on = {key: value.on for key, value in handed.items()}
    return exports.build_report(register, date_from, date_to, entries, on)
