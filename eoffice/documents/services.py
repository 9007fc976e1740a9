"""Writes on documents: receive an upload, confirm its metadata.

Registers and numbering live in `registering.py`, background-job bookkeeping in `jobs.py`;
both are re-exported here so callers have one place to look.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import PermissionDenied, ValidationFailed
from eoffice.core.text import fold
from eoffice.directory.models import Agency
from eoffice.documents import blobs, handling, policies, processing
from eoffice.documents.models import (
    Competence,
    Direction,
    Document,
    DocumentFile,
    DocumentStatus,
    DocumentType,
    FileRole,
    JobKind,
    ProcessingJob,
    ReceivedVia,
    Secrecy,
    Urgency,
)
from eoffice.documents.transitions import apply_transition
from eoffice.documents.validation import CheckedFile, check_upload

MAX_FILES_PER_UPLOAD = 50


@dataclass(frozen=True)
class UploadPart:
    name: str
    data: bytes


def _acting_agency(actor: Actor) -> Agency:
    if actor.position is None:
        raise PermissionDenied(_("Bạn cần chọn chức vụ đang làm việc trước khi tiếp nhận văn bản."))
    return actor.position.agency


def _check_main(parts: list[UploadPart]) -> CheckedFile | list[CheckedFile]:
    """One PDF or DOCX, or the page images of one paper scan."""
    if not parts:
        raise ValidationFailed("main_file_missing", _("Cần chọn tệp văn bản chính."), field="main_files")
    allowed = list(settings.EOFFICE_DOCUMENT_MAIN_TYPES)
    checked = [check_upload(p.name, p.data, allowed=allowed, field="main_files") for p in parts]
    if all(c.is_image for c in checked):
        return checked
    if len(checked) > 1:
        raise ValidationFailed(
            "main_file_multiple",
            _("Văn bản chính chỉ gồm một tệp PDF/DOCX, hoặc nhiều ảnh trang của một bản quét."),
            field="main_files",
        )
    return checked[0]


def _scan_to_pdf(images: list[CheckedFile]) -> CheckedFile:
    pdf = processing.images_to_pdf([image.data for image in images])
    name = images[0].name.rsplit(".", 1)[0] + ".pdf"
    return check_upload(name, pdf, allowed=["pdf"], field="main_files")


def _job_kind(main: CheckedFile) -> str:
    if main.kind == "docx":
        return JobKind.CONVERT
    if main.kind == "pdf" and not processing.has_text_layer(main.data):
        return JobKind.OCR
    return JobKind.ANALYSE


@transaction.atomic
def document_receive_upload(
    *,
    actor: Actor,
    main_files: list[UploadPart],
    attachments: list[UploadPart] | None = None,
    received_via: str = ReceivedVia.PAPER_SCAN,
    secrecy: str = Secrecy.NORMAL,
    urgency: str = Urgency.NORMAL,
) -> Document:
    """Receive an incoming document uploaded by the văn thư (Điều 21): check, store, queue OCR."""
    agency = _acting_agency(actor)
    policies.require_clerk(actor, agency)
    attachments = attachments or []
    if len(main_files) + len(attachments) > MAX_FILES_PER_UPLOAD:
        raise ValidationFailed(
            "too_many_files",
            _("Mỗi lần chỉ gửi tối đa %(max_files_per_upload)s tệp.")
            % {"max_files_per_upload": MAX_FILES_PER_UPLOAD},
        )
    _check_choice(received_via, ReceivedVia.values, "received_via", _("Nguồn tiếp nhận không hợp lệ."))
    _check_choice(secrecy, Secrecy.values, "secrecy", _("Độ mật không hợp lệ."))
    _check_choice(urgency, Urgency.values, "urgency", _("Độ khẩn không hợp lệ."))
    checked_main = _check_main(main_files)
    main = _scan_to_pdf(checked_main) if isinstance(checked_main, list) else checked_main
    allowed = list(settings.EOFFICE_DOCUMENT_ATTACHMENT_TYPES)
    extra = [check_upload(p.name, p.data, allowed=allowed, field="attachments") for p in attachments]

    document = Document.objects.create(
        agency=agency,
        direction=Direction.INCOMING,
        received_via=received_via,
        received_at=timezone.now(),
        received_by=actor.user,
        secrecy=secrecy,
        urgency=urgency,
        page_amount=main.page_count,
    )
    main_row = _attach(document, main, FileRole.MAIN, 0)
    jobs = [ProcessingJob.objects.create(document=document, source=main_row, kind=_job_kind(main))]
    for order, part in enumerate(extra, start=1):
        row = _attach(document, part, FileRole.ATTACHMENT, order)
        if part.kind == "docx":
            jobs.append(ProcessingJob.objects.create(document=document, source=row, kind=JobKind.CONVERT))
    refresh_search_text(document)
    audit.record(
        actor=actor,
        verb="document.received",
        target=document,
        agency_id=agency.pk,
        data={
            "via": received_via,
            "main": {"name": main.name, "sha256": main_row.stored_file.sha256},
            "attachments": [p.name for p in extra],
            "secrecy": secrecy,
            "urgency": urgency,
        },
    )
    _enqueue_jobs([job.pk for job in jobs])
    return document


def _enqueue_jobs(job_ids: list[int]) -> None:
    from eoffice.documents import tasks

    for job_id in job_ids:
        transaction.on_commit(lambda job_id=job_id: tasks.run_job(job_id))  # type: ignore[misc]


def _check_choice(value: str, allowed: list[str], field: str, message: str) -> None:
    if value not in allowed:
        raise ValidationFailed("invalid_choice", message, field=field, details={"allowed": allowed})


def _attach(document: Document, part: CheckedFile, role: str, order: int) -> DocumentFile:
    stored = blobs.store_bytes(part.data, content_type=part.content_type)
    return DocumentFile.objects.create(
        document=document,
        stored_file=stored,
        role=role,
        file_name=part.name,
        page_count=part.page_count,
        has_text_layer=part.kind == "pdf" and processing.has_text_layer(part.data),
        sort_order=order,
    )


def refresh_search_text(document: Document) -> None:
    registration = getattr(document, "registration", None) if document.pk else None
    parts = [
        document.number_symbol,
        document.subject,
        document.organ_name,
        document.document_type.name if document.document_type_id and document.document_type else "",
        document.signer_full_name,
        str(registration.number) if registration is not None else "",
    ]
    document.search_text = fold(" ".join(p for p in parts if p))[:4000]
    Document.objects.filter(pk=document.pk).update(search_text=document.search_text)


@dataclass(frozen=True)
class DocumentFields:
    """Phụ lục VI fields the clerk confirms (tag names in comments)."""

    document_type_id: int | None  # TypeName
    code_number: str  # CodeNumber
    code_notation: str  # CodeNotation
    issued_date: date | None  # IssuedDate
    organ_name: str  # OrganName
    issuing_agency_id: int | None  # OrganId (directory link)
    subject: str  # Subject
    language: str = "Tiếng Việt"  # Language
    page_amount: int | None = None  # PageAmount
    description: str = ""  # Description
    signer_position: str = ""  # SignerInfo/Position
    signer_full_name: str = ""  # SignerInfo/FullName
    signer_competence: str = ""  # SignerInfo/Competence
    urgency: str = Urgency.NORMAL  # Priority
    urgency_deadline: datetime | None = None
    secrecy: str = Secrecy.NORMAL
    due_date: date | None = None  # DueDate
    field: str = ""  # Lĩnh vực (routing rules)


_LIMITS = {
    "code_number": 11,
    "code_notation": 30,
    "organ_name": 200,
    "subject": 500,
    "language": 30,
    "description": 500,
    "signer_position": 100,
    "signer_full_name": 50,
    "field": 100,
}


def _clean_fields(values: DocumentFields, document: Document) -> dict[str, Any]:
    data = {f.name: getattr(values, f.name) for f in fields(values)}
    for name, limit in _LIMITS.items():
        text = " ".join(str(data[name] or "").split())
        if len(text) > limit:
            raise ValidationFailed(
                "too_long", _("Trường này dài quá %(limit)s ký tự.") % {"limit": limit}, field=name
            )
        data[name] = text
    data["code_notation"] = data["code_notation"].replace(" ", "")
    required = {
        "subject": _("Cần nhập trích yếu nội dung."),
        "organ_name": _("Cần nhập tên cơ quan ban hành."),
    }
    for name, message in required.items():
        if not data[name]:
            raise ValidationFailed("required", message, field=name)
    if data["code_number"] and not data["code_number"].isdigit():
        raise ValidationFailed("invalid_number", _("Số văn bản chỉ gồm chữ số."), field="code_number")
    if data["issued_date"] is not None and data["issued_date"] > timezone.localdate():
        raise ValidationFailed("future_date", _("Ngày văn bản không thể sau hôm nay."), field="issued_date")
    if data["page_amount"] is not None and not 0 < data["page_amount"] < 100000:
        raise ValidationFailed("invalid_pages", _("Số trang không hợp lệ."), field="page_amount")
    _check_choice(data["urgency"], Urgency.values, "urgency", _("Độ khẩn không hợp lệ."))
    _check_choice(data["secrecy"], Secrecy.values, "secrecy", _("Độ mật không hợp lệ."))
    _check_choice(
        data["signer_competence"], Competence.values, "signer_competence", _("Thẩm quyền ký không hợp lệ.")
    )
    if data["urgency"] == Urgency.FLASH_TIMED and data["urgency_deadline"] is None:
        raise ValidationFailed(
            "required", _("Văn bản hỏa tốc hẹn giờ cần có giờ hẹn."), field="urgency_deadline"
        )
    if data["urgency"] != Urgency.FLASH_TIMED:
        data["urgency_deadline"] = None
    if (
        data["document_type_id"] is None
        or not DocumentType.objects.filter(pk=data["document_type_id"]).exists()
    ):
        raise ValidationFailed("required", _("Cần chọn loại văn bản."), field="document_type_id")
    agency_id = data["issuing_agency_id"]
    if agency_id is not None and not Agency.objects.filter(pk=agency_id).exists():
        raise ValidationFailed(
            "unknown_agency", _("Cơ quan ban hành không có trong danh bạ."), field="issuing_agency_id"
        )
    registration = getattr(document, "registration", None)
    arrival = registration.arrived_at if registration is not None else document.received_at
    arrival_day = timezone.localtime(arrival).date()
    if data["due_date"] is not None and data["due_date"] < arrival_day:
        raise ValidationFailed(
            "deadline_before_arrival",
            _("Hạn trả lời không được trước ngày đến (%(arrival_day)s).")
            % {"arrival_day": f"{arrival_day:%d/%m/%Y}"},
            field="due_date",
        )
    if registration is not None and registration.register.is_secret != (data["secrecy"] != Secrecy.NORMAL):
        raise ValidationFailed(
            "secrecy_register_mismatch",
            _("Văn bản đã vào sổ; không thể đổi giữa văn bản mật và văn bản thường."),
            field="secrecy",
        )
    return data


@transaction.atomic
def document_confirm_fields(*, actor: Actor, document: Document, values: DocumentFields) -> Document:
    """The văn thư confirms or corrects the proposed metadata (Điều 22; Phụ lục VI Phần II)."""
    # The work engine locks a document's item before the document (handling.follow_work); lock in
    # the same order here, so a correction racing a leader's action waits instead of deadlocking.
    handling.lock_work_item(document)
    # Lock the row so a concurrent confirmation or registration sees one consistent version.
    document = Document.objects.select_for_update().select_related("agency").get(pk=document.pk)
    policies.require_can_edit(actor, document)
    data = _clean_fields(values, document)
    changes = {
        name: [_jsonable(getattr(document, name)), _jsonable(value)]
        for name, value in data.items()
        if getattr(document, name) != value
    }
    for name, value in data.items():
        setattr(document, name, value)
    apply_transition(document, "confirm")
    document.confirmed_at = timezone.now()
    document.save()
    refresh_search_text(document)
    if registration_of(document) is not None:
        handling.describe_work_item(actor=actor, document=document)
    audit.record(
        actor=actor,
        verb="document.fields_confirmed",
        target=document,
        agency_id=document.agency_id,
        data=changes,
    )
    return document


def registration_of(document: Document) -> Any:
    return getattr(document, "registration", None)


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


# Re-exported so callers import every write from services.
from eoffice.documents.handling import (  # noqa: E402
    document_present,
    document_propose_reply,
    document_route,
)
from eoffice.documents.jobs import job_retry  # noqa: E402
from eoffice.documents.registering import (  # noqa: E402
    document_register,
    document_register_bulk,
    register_create,
)

__all__ = [
    "DocumentFields",
    "DocumentStatus",
    "UploadPart",
    "document_confirm_fields",
    "document_present",
    "document_propose_reply",
    "document_receive_upload",
    "document_register",
    "document_register_bulk",
    "document_route",
    "job_retry",
    "register_create",
]
