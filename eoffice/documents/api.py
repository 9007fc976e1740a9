"""/api/v1/documents: receive, confirm, register, list, jobs, registers and their export.

Metadata keeps the Decree 30 Phụ lục VI tag names (CodeNumber, CodeNotation, IssuedDate,
OrganName, Subject, SignerInfo, Priority, DueDate, ArrivalDate, ArrivalNumber…).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any, Literal

from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from eoffice.core.actor import Actor
from eoffice.core.errors import ValidationFailed
from eoffice.documents import selectors, services
from eoffice.documents.downloads import file_response, report_response
from eoffice.documents.models import (
    Document,
    DocumentType,
    ProcessingJob,
    Register,
    Registration,
    Urgency,
)
from eoffice.documents.notices import notices_for
from eoffice.documents.signatures import document_signatures
from eoffice.documents.uploads import read_parts

router = Router(tags=["documents"])


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


class SignerInfoSchema(Schema):
    Position: str = Field("", max_length=100)
    FullName: str = Field("", max_length=50)
    Competence: str = Field("", max_length=8, description="TM. / Q. / KT. / TL. / TUQ. hoặc rỗng")


class FileOut(Schema):
    id: int
    role: str
    file_name: str
    sha256: str
    size: int
    content_type: str
    page_count: int | None
    has_text_layer: bool
    derived_from: int | None


class JobOut(Schema):
    id: int
    document_id: int
    kind: str
    status: str
    progress: int
    step: str
    error: str
    finished: bool


class RegistrationOut(Schema):
    register_id: int
    register_name: str
    year: int
    ArrivalNumber: int
    ArrivalDate: datetime


class DocumentOut(Schema):
    id: int
    direction: str
    status: str
    TypeName: str | None
    type_id: int | None
    CodeNumber: str
    CodeNotation: str
    IssuedDate: date | None
    OrganName: str
    OrganId: str | None
    issuing_agency_id: int | None
    Subject: str
    Language: str
    PageAmount: int | None
    Description: str
    SignerInfo: SignerInfoSchema
    Priority: int
    urgency: str
    secrecy: str
    DueDate: date | None
    field: str
    ToPlaces: str
    received_via: str
    received_at: datetime
    registration: RegistrationOut | None
    proposals: dict[str, Any]


class DocumentDetailOut(DocumentOut):
    files: list[FileOut]
    jobs: list[JobOut]
    warnings: list[dict[str, Any]]
    # Only on GET /{id}: every signature of every PDF file (cached), and what the sender did to it.
    signatures: list[dict[str, Any]] = []
    notices: list[dict[str, str]] = []


class ConfirmIn(Schema):
    type_id: int
    CodeNumber: str = Field("", max_length=11)
    CodeNotation: str = Field("", max_length=30)
    IssuedDate: date | None = None
    OrganName: str = Field(..., max_length=200)
    issuing_agency_id: int | None = None
    Subject: str = Field(..., max_length=500)
    Language: str = Field("Tiếng Việt", max_length=30)
    PageAmount: int | None = None
    Description: str = Field("", max_length=500)
    SignerInfo: SignerInfoSchema = SignerInfoSchema(Position="", FullName="", Competence="")
    Priority: int = Field(
        0, ge=0, le=4, description="0 Thường, 1 Khẩn, 2 Thượng khẩn, 3 Hỏa tốc, 4 Hỏa tốc hẹn giờ"
    )
    urgency_deadline: datetime | None = None
    secrecy: Literal["thuong", "mat", "toi_mat", "tuyet_mat"] = "thuong"
    DueDate: date | None = None
    field: str = Field("", max_length=100, description="Lĩnh vực, cho quy tắc chuyển xử lý")


class RegisterIn(Schema):
    register_id: int | None = None


class BulkRegisterIn(Schema):
    document_ids: list[int] = Field(..., max_length=500)
    register_id: int | None = None


class RegisterOut(Schema):
    id: int
    year: int
    name: str
    is_secret: bool
    is_default: bool
    is_closed: bool
    last_number: int


class RegisterCreateIn(Schema):
    year: int
    name: str = Field("", max_length=200)
    is_secret: bool = False
    is_default: bool = False


class TypeOut(Schema):
    id: int
    code: str
    name: str
    abbreviation: str


class ListFilters(Schema):
    status: Literal["received", "confirmed", "registered", "in_progress", "done"] | None = None
    q: str = Field("", max_length=200)
    page: int = Field(1, ge=1, le=10000)


class DocumentPage(Schema):
    count: int
    page: int
    items: list[DocumentOut]


def _job(job: ProcessingJob) -> dict[str, Any]:
    return {
        "id": job.pk,
        "document_id": job.document_id,
        "kind": job.kind,
        "status": job.status,
        "progress": job.progress,
        "step": _(job.step) if job.step else "",
        "error": _(job.error) if job.error else "",
        "finished": job.is_finished,
    }


def _registration(document: Document) -> dict[str, Any] | None:
    registration: Registration | None = getattr(document, "registration", None)
    if registration is None:
        return None
    return {
        "register_id": registration.register_id,
        "register_name": registration.register.name,
        "year": registration.year,
        "ArrivalNumber": registration.number,
        "ArrivalDate": registration.arrived_at,
    }


def _document(document: Document) -> dict[str, Any]:
    return {
        "id": document.pk,
        "direction": document.direction,
        "status": document.status,
        "TypeName": document.document_type.name if document.document_type else None,
        "type_id": document.document_type_id,
        "CodeNumber": document.code_number,
        "CodeNotation": document.code_notation,
        "IssuedDate": document.issued_date,
        "OrganName": document.organ_name,
        "OrganId": document.issuing_agency.code if document.issuing_agency else None,
        "issuing_agency_id": document.issuing_agency_id,
        "Subject": document.subject,
        "Language": document.language,
        "PageAmount": document.page_amount,
        "Description": document.description,
        "SignerInfo": {
            "Position": document.signer_position,
            "FullName": document.signer_full_name,
            "Competence": document.signer_competence,
        },
        "Priority": document.priority,
        "urgency": document.urgency,
        "secrecy": document.secrecy,
        "DueDate": document.due_date,
        "field": document.field,
        "ToPlaces": document.to_places,
        "received_via": document.received_via,
        "received_at": document.received_at,
        "registration": _registration(document),
        "proposals": document.proposals,
    }


def _detail(document: Document) -> dict[str, Any]:
    data = _document(document)
    data["files"] = [
        {
            "id": f.pk,
            "role": f.role,
            "file_name": f.file_name,
            "sha256": f.stored_file.sha256,
            "size": f.stored_file.size,
            "content_type": f.stored_file.content_type,
            "page_count": f.page_count,
            "has_text_layer": f.has_text_layer,
            "derived_from": f.derived_from_id,
        }
        for f in selectors.document_files(document)
    ]
    data["jobs"] = [_job(job) for job in document.jobs.all()]
    data["warnings"] = selectors.duplicate_warnings(document)
    return data


@router.get("/types", response=list[TypeOut], summary="Danh mục loại văn bản (Nghị định 30)")
def types(request: HttpRequest) -> Any:
    return list(DocumentType.objects.filter(is_active=True))


@router.post("/incoming", response={201: DocumentDetailOut}, summary="Tiếp nhận văn bản đến (tải tệp lên)")
def receive(
    request: HttpRequest,
    main_files: File[list[UploadedFile]],
    attachments: File[list[UploadedFile]] | None = None,
    received_via: Form[str] = "paper_scan",
    secrecy: Form[str] = "thuong",
    urgency: Form[str] = "thuong",
) -> Any:
    document = services.document_receive_upload(
        actor=_actor(request),
        main_files=read_parts(main_files, field="main_files"),
        attachments=read_parts(attachments or [], field="attachments"),
        received_via=received_via,
        secrecy=secrecy,
        urgency=urgency,
    )
    document = selectors.document_get(actor=_actor(request), document_id=document.pk)
    return Status(201, _detail(document))


@router.get("/incoming", response=DocumentPage, summary="Danh sách văn bản đến")
def incoming(request: HttpRequest, filters: Query[ListFilters]) -> Any:
    from django.conf import settings

    documents = selectors.incoming_list(actor=_actor(request), status=filters.status, query=filters.q)
    size = settings.EOFFICE_PAGE_SIZE
    start = (filters.page - 1) * size
    items = documents.select_related("issuing_agency", "registration__register")[start : start + size]
    return {"count": documents.count(), "page": filters.page, "items": [_document(d) for d in items]}


@router.get("/{int:document_id}", response=DocumentDetailOut, summary="Chi tiết văn bản")
def detail(request: HttpRequest, document_id: int) -> Any:
    actor = _actor(request)
    document = selectors.document_get(actor=actor, document_id=document_id)
    return {
        **_detail(document),
        "signatures": [panel.as_dict() for panel in document_signatures(document)],
        "notices": [asdict(notice) for notice in notices_for(actor, document)],
    }


def fields_from_schema(payload: ConfirmIn) -> services.DocumentFields:
    return services.DocumentFields(
        document_type_id=payload.type_id,
        code_number=payload.CodeNumber,
        code_notation=payload.CodeNotation,
        issued_date=payload.IssuedDate,
        organ_name=payload.OrganName,
        issuing_agency_id=payload.issuing_agency_id,
        subject=payload.Subject,
        language=payload.Language,
        page_amount=payload.PageAmount,
        description=payload.Description,
        signer_position=payload.SignerInfo.Position,
        signer_full_name=payload.SignerInfo.FullName,
        signer_competence=payload.SignerInfo.Competence,
        urgency=Urgency.values[payload.Priority],
        urgency_deadline=payload.urgency_deadline,
        secrecy=payload.secrecy,
        due_date=payload.DueDate,
        field=payload.field,
    )


@router.post("/{int:document_id}/confirm", response=DocumentDetailOut, summary="Xác nhận thông tin văn bản")
def confirm(request: HttpRequest, document_id: int, payload: ConfirmIn) -> Any:
    actor = _actor(request)
    document = selectors.document_get(actor=actor, document_id=document_id)
    services.document_confirm_fields(actor=actor, document=document, values=fields_from_schema(payload))
    return _detail(selectors.document_get(actor=actor, document_id=document_id))


def _register_or_none(actor: Actor, register_id: int | None) -> Register | None:
    return None if register_id is None else selectors.register_get(actor=actor, register_id=register_id)


@router.post("/{int:document_id}/register", response=DocumentDetailOut, summary="Vào sổ văn bản đến")
def register(request: HttpRequest, document_id: int, payload: RegisterIn) -> Any:
    actor = _actor(request)
    document = selectors.document_get(actor=actor, document_id=document_id)
    services.document_register(
        actor=actor, document=document, register=_register_or_none(actor, payload.register_id)
    )
    return _detail(selectors.document_get(actor=actor, document_id=document_id))


@router.post("/incoming/register-bulk", response=list[RegistrationOut], summary="Vào sổ nhiều văn bản")
def register_bulk(request: HttpRequest, payload: BulkRegisterIn) -> Any:
    actor = _actor(request)
    registrations = services.document_register_bulk(
        actor=actor, document_ids=payload.document_ids, register=_register_or_none(actor, payload.register_id)
    )
    return [_registration(r.document) for r in registrations]


@router.get("/jobs/{int:job_id}", response=JobOut, summary="Tiến độ xử lý tệp (OCR, chuyển đổi)")
def job(request: HttpRequest, job_id: int) -> Any:
    return _job(selectors.job_get(actor=_actor(request), job_id=job_id))


@router.post("/jobs/{int:job_id}/retry", response=JobOut, summary="Chạy lại tác vụ bị lỗi")
def job_retry(request: HttpRequest, job_id: int) -> Any:
    actor = _actor(request)
    return _job(services.job_retry(actor=actor, job=selectors.job_get(actor=actor, job_id=job_id)))


@router.get("/files/{int:file_id}", summary="Tải tệp của văn bản")
def download(request: HttpRequest, file_id: int) -> FileResponse:
    return file_response(selectors.document_file_get(actor=_actor(request), file_id=file_id))


def _register_out(register: Register) -> dict[str, Any]:
    counter = register.counters.filter(year=register.year).first()
    return {
        "id": register.pk,
        "year": register.year,
        "name": register.name,
        "is_secret": register.is_secret,
        "is_default": register.is_default,
        "is_closed": register.is_closed,
        "last_number": counter.last_number if counter else 0,
    }


@router.get("/registers/", response=list[RegisterOut], summary="Sổ văn bản đến")
def registers(request: HttpRequest, year: int | None = None) -> Any:
    return [_register_out(r) for r in selectors.registers_for(actor=_actor(request), year=year)]


@router.post("/registers/", response={201: RegisterOut}, summary="Lập sổ văn bản đến")
def register_create(request: HttpRequest, payload: RegisterCreateIn) -> Any:
    actor = _actor(request)
    if actor.position is None:
        raise ValidationFailed("no_position", _("Bạn cần chọn chức vụ đang làm việc."))
    created = services.register_create(
        actor=actor,
        agency=actor.position.agency,
        year=payload.year,
        name=payload.name,
        is_secret=payload.is_secret,
        is_default=payload.is_default,
    )
    return Status(201, _register_out(created))


class ExportQuery(Schema):
    format: Literal["xlsx", "pdf"] = "xlsx"
    date_from: date
    date_to: date


@router.get("/registers/{int:register_id}/export", summary="In sổ đăng ký văn bản đến (XLSX, PDF)")
def register_export(request: HttpRequest, register_id: int, query: Query[ExportQuery]) -> HttpResponse:
    actor = _actor(request)
    chosen = selectors.register_get(actor=actor, register_id=register_id)
    report = selectors.register_report(
        actor=actor, register=chosen, date_from=query.date_from, date_to=query.date_to
    )
    return report_response(report, query.format)


# Handing registered documents to the work engine lives in its own module (api_handling).
from eoffice.documents.api_handling import router as handling_router  # noqa: E402

router.add_router("", handling_router)
