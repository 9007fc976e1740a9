"""/api/v1/outgoing: drafts and their versions, numbering, reserved numbers, register export.

Metadata keeps the Decree 30 Phụ lục VI tag names where they exist (Subject, TypeName,
CodeNumber, CodeNotation, IssuedDate, SignerInfo, DueDate, To).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from eoffice.core.actor import Actor
from eoffice.core.errors import NotFound, PermissionDenied, ValidationFailed
from eoffice.documents.downloads import file_response
from eoffice.documents.models import DocumentFile, DocumentType
from eoffice.documents.uploads import read_parts
from eoffice.outgoing import api_chains, approval, exports, numbering, policies, selectors, services
from eoffice.outgoing.models import (
    AdvisoryBody,
    Draft,
    DraftFile,
    DraftVersion,
    OutgoingNumber,
    StepRun,
)

router = Router(tags=["outgoing"])


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


class RecipientOut(Schema):
    agency_id: int
    OrganId: str
    OrganName: str
    kind: str


class FileOut(Schema):
    id: int
    role: str
    file_name: str
    sha256: str
    size: int
    content_type: str


class VersionOut(Schema):
    number: int
    type_id: int
    TypeName: str
    Subject: str
    signer_position_id: int | None
    SignerInfo: dict[str, str]
    urgency: str
    secrecy: str
    DueDate: date | None
    advisory_body_id: int | None
    reply_to_id: int | None
    replaces_id: int | None
    replaces_draft_id: int | None
    corrects_draft_id: int | None
    To: list[RecipientOut]
    recipient_lines: list[str]
    note: str
    files: list[FileOut]


class NumberOut(Schema):
    id: int
    series_id: int
    series_key: str
    year: int
    status: str
    CodeNumber: str
    CodeNotation: str
    IssuedDate: date | None
    reason: str
    draft_id: int | None


class DraftOut(Schema):
    id: int
    agency_id: int
    status: str
    version: VersionOut
    versions: list[int]
    number: NumberOut | None


class DiffRow(Schema):
    label: str
    left: str
    right: str
    changed: bool


class DraftListItem(Schema):
    id: int
    status: str
    Subject: str
    version: int


class ReserveIn(Schema):
    type_id: int
    secret: bool = False
    advisory_body_id: int | None = None
    reason: str = Field("", max_length=300)


class NumberIn(Schema):
    reserved_id: int | None = None
    IssuedDate: date | None = None


class ExportQuery(Schema):
    date_from: date
    date_to: date
    format: Literal["xlsx", "pdf"] = "xlsx"


def _number(number: OutgoingNumber) -> dict[str, Any]:
    return {
        "id": number.pk,
        "series_id": number.series_id,
        "series_key": number.series.key,
        "year": number.series.year,
        "status": number.status,
        "CodeNumber": number.code_number,
        "CodeNotation": number.code_notation,
        "IssuedDate": number.issued_date,
        "reason": number.reason,
        "draft_id": number.draft_id,
    }


def _version(version: DraftVersion) -> dict[str, Any]:
    signer = version.signer
    return {
        "number": version.number,
        "type_id": version.document_type_id,
        "TypeName": version.document_type.name,
        "Subject": version.subject,
        "signer_position_id": version.signer_id,
        "SignerInfo": {
            "Position": signer.title if signer else "",
            "FullName": signer.user.full_name if signer else "",
            "Competence": version.signer_competence,
        },
        "urgency": version.urgency,
        "secrecy": version.secrecy,
        "DueDate": version.due_date,
        "advisory_body_id": version.advisory_body_id,
        "reply_to_id": version.reply_to_id,
        "replaces_id": version.replaces_id,
        "replaces_draft_id": version.replaces_draft_id,
        "corrects_draft_id": version.corrects_draft_id,
        "To": [
            {"agency_id": r.agency_id, "OrganId": r.agency.code, "OrganName": r.agency.name, "kind": r.kind}
            for r in version.recipients.select_related("agency")
        ],
        "recipient_lines": [line for line in version.recipient_lines.splitlines() if line],
        "note": version.note,
        "files": [
            {
                "id": f.pk,
                "role": f.role,
                "file_name": f.file_name,
                "sha256": f.stored_file.sha256,
                "size": f.stored_file.size,
                "content_type": f.stored_file.content_type,
            }
            for f in version.files.select_related("stored_file")
        ],
    }


def _draft(actor: Actor, draft: Draft) -> dict[str, Any]:
    assert draft.current_version is not None
    version = selectors.version_get(actor=actor, draft=draft, number=draft.current_version.number)
    number = OutgoingNumber.objects.filter(draft=draft).select_related("series").first()
    return {
        "id": draft.pk,
        "agency_id": draft.agency_id,
        "status": draft.status,
        "version": _version(version),
        "versions": list(draft.versions.order_by("number").values_list("number", flat=True)),
        "number": _number(number) if number else None,
    }


def _ids(raw: str, field: str) -> list[int]:
    try:
        return [int(part) for part in raw.replace(";", ",").split(",") if part.strip()]
    except ValueError as exc:
        raise ValidationFailed(
            "invalid_ids", _("Danh sách mã cơ quan nhận không hợp lệ."), field=field
        ) from exc


class DraftFields(Schema):
    """The draft's form fields, shared by "create" and "new version" (Phụ lục VI tag names kept)."""

    type_id: int
    Subject: str
    recipient_ids: str = ""
    recipient_lines: str = ""
    signer_position_id: int | None = None
    signer_competence: str = ""
    urgency: str = "thuong"
    secrecy: str = "thuong"
    DueDate: date | None = None
    advisory_body_id: int | None = None
    reply_to_id: int | None = None
    replaces_id: int | None = None
    replaces_draft_id: int | None = None
    corrects_draft_id: int | None = None
    note: str = ""


def _input(
    fields: DraftFields, main_file: UploadedFile | None, attachments: list[UploadedFile] | None
) -> services.DraftInput:
    main = read_parts([main_file], field="main_file") if main_file is not None else []
    return services.DraftInput(
        document_type_id=fields.type_id,
        subject=fields.Subject,
        signer_id=fields.signer_position_id,
        signer_competence=fields.signer_competence,
        urgency=fields.urgency,
        secrecy=fields.secrecy,
        due_date=fields.DueDate,
        advisory_body_id=fields.advisory_body_id,
        reply_to_id=fields.reply_to_id,
        replaces_id=fields.replaces_id,
        replaces_draft_id=fields.replaces_draft_id,
        corrects_draft_id=fields.corrects_draft_id,
        recipient_ids=_ids(fields.recipient_ids, "recipients"),
        recipient_lines=fields.recipient_lines,
        note=fields.note,
        main=main[0] if main else None,
        attachments=read_parts(attachments, field="attachments") if attachments is not None else None,
    )


@router.post("/drafts", response={201: DraftOut}, summary="Soạn dự thảo văn bản đi")
def draft_create(
    request: HttpRequest,
    main_file: File[UploadedFile],
    fields: Form[DraftFields],
    # Inside File[...]: written as `File[...] | None`, ninja takes the field for a query
    # parameter and silently drops the uploaded files.
    attachments: File[list[UploadedFile] | None] = None,
) -> Any:
    actor = _actor(request)
    draft = services.draft_create(actor=actor, data=_input(fields, main_file, attachments))
    return Status(201, _draft(actor, selectors.draft_get(actor=actor, draft_id=draft.pk)))


@router.post(
    "/drafts/{int:draft_id}/versions", response={201: DraftOut}, summary="Lưu phiên bản mới của dự thảo"
)
def draft_revise(
    request: HttpRequest,
    draft_id: int,
    fields: Form[DraftFields],
    main_file: File[UploadedFile | None] = None,
    attachments: File[list[UploadedFile] | None] = None,
) -> Any:
    actor = _actor(request)
    draft = selectors.draft_get(actor=actor, draft_id=draft_id)
    services.draft_revise(actor=actor, draft=draft, data=_input(fields, main_file, attachments))
    return Status(201, _draft(actor, selectors.draft_get(actor=actor, draft_id=draft_id)))


@router.get("/drafts", response=list[DraftListItem], summary="Dự thảo của tôi")
def my_drafts(request: HttpRequest) -> Any:
    return [
        {
            "id": d.pk,
            "status": d.status,
            "Subject": d.current_version.subject,
            "version": d.current_version.number,
        }
        for d in selectors.my_drafts(actor=_actor(request))[:500]
        if d.current_version is not None
    ]


@router.get("/drafts/{int:draft_id}", response=DraftOut, summary="Chi tiết dự thảo")
def draft_detail(request: HttpRequest, draft_id: int) -> Any:
    actor = _actor(request)
    return _draft(actor, selectors.draft_get(actor=actor, draft_id=draft_id))


@router.get("/drafts/{int:draft_id}/versions/{int:number}", response=VersionOut, summary="Một phiên bản")
def version_detail(request: HttpRequest, draft_id: int, number: int) -> Any:
    actor = _actor(request)
    draft = selectors.draft_get(actor=actor, draft_id=draft_id)
    return _version(selectors.version_get(actor=actor, draft=draft, number=number))


@router.get("/drafts/{int:draft_id}/compare", response=list[DiffRow], summary="So sánh hai phiên bản")
def compare(request: HttpRequest, draft_id: int, a: int, b: int) -> Any:
    actor = _actor(request)
    draft = selectors.draft_get(actor=actor, draft_id=draft_id)
    left = selectors.version_get(actor=actor, draft=draft, number=a)
    right = selectors.version_get(actor=actor, draft=draft, number=b)
    diff = services.compare_versions(left, right)
    return [{"label": label, "left": x, "right": y, "changed": c} for label, x, y, c in diff.rows]


@router.get("/drafts/{int:draft_id}/files/{int:file_id}", summary="Tải tệp của một phiên bản")
def draft_file(request: HttpRequest, draft_id: int, file_id: int) -> FileResponse:
    draft = selectors.draft_get(actor=_actor(request), draft_id=draft_id)
    found = DraftFile.objects.select_related("stored_file").filter(pk=file_id, version__draft=draft).first()
    if found is None:
        raise NotFound(_("Không tìm thấy tệp."))
    return file_response(DocumentFile(stored_file=found.stored_file, file_name=found.file_name))


@router.post("/drafts/{int:draft_id}/number", response=NumberOut, summary="Cấp số văn bản đi")
def draft_number(request: HttpRequest, draft_id: int, payload: NumberIn) -> Any:
    actor = _actor(request)
    draft = selectors.draft_get(actor=actor, draft_id=draft_id)
    reserved = None
    if payload.reserved_id is not None:
        reserved = (
            selectors.reserved_numbers(actor=actor, agency=draft.agency)
            .filter(pk=payload.reserved_id)
            .first()
        )
        if reserved is None:
            raise ValidationFailed("unknown_reserved", _("Không tìm thấy số đang giữ."), field="reserved_id")
    number = numbering.draft_number(
        actor=actor, draft=draft, reserved=reserved, issued_date=payload.IssuedDate
    )
    return _number(number)


def _agency(actor: Actor) -> Any:
    if actor.position is None:
        raise PermissionDenied(_("Bạn cần chọn một chức vụ để làm việc với văn bản đi."))
    return actor.position.agency


@router.post("/numbers/reserve", response={201: NumberOut}, summary="Giữ số văn bản đi")
def reserve(request: HttpRequest, payload: ReserveIn) -> Any:
    actor = _actor(request)
    agency = _agency(actor)
    document_type = DocumentType.objects.filter(pk=payload.type_id, is_active=True).first()
    if document_type is None:
        raise ValidationFailed("required", _("Chưa chọn loại văn bản."), field="type_id")
    body = None
    if payload.advisory_body_id is not None:
        body = AdvisoryBody.objects.filter(pk=payload.advisory_body_id, agency=agency).first()
        if body is None:
            raise ValidationFailed(
                "unknown_body", _("Tổ chức tư vấn không thuộc cơ quan."), field="advisory_body_id"
            )
    number = numbering.number_reserve(
        actor=actor,
        agency=agency,
        document_type=document_type,
        secret=payload.secret,
        advisory_body=body,
        reason=payload.reason,
    )
    return Status(201, _number(number))


@router.get("/numbers/reserved", response=list[NumberOut], summary="Số đang giữ")
def reserved(request: HttpRequest) -> Any:
    actor = _actor(request)
    return [_number(n) for n in selectors.reserved_numbers(actor=actor, agency=_agency(actor))]


@router.post("/numbers/{int:number_id}/release", response=NumberOut, summary="Trả lại số đang giữ")
def number_release(request: HttpRequest, number_id: int) -> Any:
    actor = _actor(request)
    number = OutgoingNumber.objects.filter(pk=number_id).select_related("series__agency").first()
    if number is None or not policies.may_configure(actor, number.series.agency):
        raise NotFound(_("Không tìm thấy số đang giữ."))
    return _number(numbering.number_release(actor=actor, number=number))


@router.get("/registers/{int:series_id}/export", summary="In sổ đăng ký văn bản đi (XLSX, PDF)")
def register_export(request: HttpRequest, series_id: int, query: Query[ExportQuery]) -> HttpResponse:
    series = selectors.series_get(actor=_actor(request), series_id=series_id)
    if query.date_from > query.date_to:
        raise ValidationFailed(
            "invalid_range", _("Từ ngày phải trước hoặc bằng đến ngày."), field="date_from"
        )
    entries = list(
        selectors.register_entries(series=series, date_from=query.date_from, date_to=query.date_to)
    )
    return exports.report_response(
        exports.build_report(series, query.date_from, query.date_to, entries), query.format
    )


class StepRunOut(Schema):
    submission: int
    order: int
    kind: str
    version: int
    assignee_user_id: int | None
    line_id: int
    line_status: str
    deadline: datetime | None
    outcome: str
    reason: str


class StepIn(Schema):
    kind: Literal["review", "form_check", "sign"]
    user_id: int
    working_days: int = Field(1, ge=1, le=60)


class ChainIn(Schema):
    type_id: int | None = None
    name: str = Field(..., max_length=200)
    steps: list[StepIn] = Field(..., max_length=10)


class ReturnIn(Schema):
    reason: str = Field(..., max_length=2000)


class ApproveIn(Schema):
    note: str = Field("", max_length=2000)


def _runs(draft: Draft) -> list[dict[str, Any]]:
    runs = StepRun.objects.filter(draft=draft).select_related("line", "version")
    return [
        {
            "submission": r.submission,
            "order": r.order,
            "kind": r.kind,
            "version": r.version.number,
            "assignee_user_id": r.line.assignee_user_id,
            "line_id": r.line_id,
            "line_status": r.line.status,
            "deadline": r.line.deadline,
            "outcome": r.outcome,
            "reason": r.reason,
        }
        for r in runs
    ]


@router.put("/chains", response=dict[str, int], summary="Đặt quy trình trình ký (theo loại văn bản)")
def chain_set(request: HttpRequest, payload: ChainIn) -> Any:
    actor = _actor(request)
    agency = _agency(actor)
    document_type = None
    if payload.type_id is not None:
        document_type = DocumentType.objects.filter(pk=payload.type_id, is_active=True).first()
        if document_type is None:
            raise ValidationFailed("unknown_type", _("Loại văn bản không hợp lệ."), field="type_id")
    steps = [approval.StepInput(s.kind, s.user_id, s.working_days) for s in payload.steps]
    chain = approval.approval_chain_set(
        actor=actor, agency=agency, document_type=document_type, name=payload.name, steps=steps
    )
    return {"id": chain.pk}


@router.get("/chains", response=list[api_chains.ChainOut], summary="Các quy trình trình ký của cơ quan")
def chain_list(request: HttpRequest) -> Any:
    return api_chains.chain_list(request)


@router.get("/drafts/{int:draft_id}/steps", response=list[StepRunOut], summary="Các bước trình ký")
def steps(request: HttpRequest, draft_id: int) -> Any:
    return _runs(selectors.draft_get(actor=_actor(request), draft_id=draft_id))


@router.post("/drafts/{int:draft_id}/submit", response=list[StepRunOut], summary="Trình ký")
def submit(request: HttpRequest, draft_id: int) -> Any:
    actor = _actor(request)
    draft = selectors.draft_get(actor=actor, draft_id=draft_id)
    approval.draft_submit(actor=actor, draft=draft)
    return _runs(draft)


@router.post("/drafts/{int:draft_id}/approve", response=list[StepRunOut], summary="Đồng ý bước trình ký")
def approve(request: HttpRequest, draft_id: int, payload: ApproveIn) -> Any:
    actor = _actor(request)
    draft = selectors.draft_get(actor=actor, draft_id=draft_id)
    approval.draft_step_approve(actor=actor, draft=draft, note=payload.note)
    return _runs(draft)


@router.post("/drafts/{int:draft_id}/return", response=list[StepRunOut], summary="Trả lại dự thảo")
def return_draft(request: HttpRequest, draft_id: int, payload: ReturnIn) -> Any:
    actor = _actor(request)
    draft = selectors.draft_get(actor=actor, draft_id=draft_id)
    approval.draft_step_return(actor=actor, draft=draft, reason=payload.reason)
    return _runs(draft)


# Release, tracking and recall: their own module, mounted on this router.
from eoffice.outgoing.api_release import router as release_router  # noqa: E402

router.add_router("", release_router)
