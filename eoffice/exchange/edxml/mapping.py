"""Between our models and edXML packages (the only module of the codec that touches Django models).

- `edoc_from_draft`: a numbered/released outgoing draft (current version, number, the files its
  recipients get — signed PDFs when it was signed —, recipients) → EdocPackage, for sending.
- `edoc_from_incoming`: an incoming Document → EdocPackage (forwarding, re-export).
- `incoming_fields`: an EdocPackage → the fields of an incoming Document plus "other information":
  every value our model has no place for, as ordered (path, text) pairs a page can show.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django.utils import timezone

from eoffice.directory.models import Agency
from eoffice.documents.models import (
    PRIORITY_CODES,
    Competence,
    Direction,
    Document,
    DocumentType,
    Secrecy,
    StoredFile,
    Urgency,
)
from eoffice.outgoing.models import Draft, DraftFileRole, DraftStatus, DraftVersion, OutgoingNumber
from eoffice.outgoing.signing import delivered_files

from .codes import BussinessDocType
from .dates import format_date, format_datetime
from .errors import EdxmlError
from .model import (
    Attachment,
    Bussiness,
    Code,
    EdocPackage,
    ManifestReference,
    MessageHeader,
    Organization,
    OtherInfo,
    OtherInfoItems,
    PromulgationInfo,
    ReplacementInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    TraceHeader,
)
from .model import (
    DocumentType as EdxmlDocumentType,
)

BUSSINESS_REASONS = {
    BussinessDocType.NEW: "Văn bản điện tử mới",
    BussinessDocType.REVOKE: "Thu hồi văn bản điện tử",
    BussinessDocType.UPDATE: "Cập nhật văn bản điện tử",
    BussinessDocType.REPLACE: "Văn bản thay thế",
}
SENDABLE = {DraftStatus.NUMBERED, DraftStatus.RELEASED, DraftStatus.RECALLED}
URGENCY_BY_PRIORITY = {index: value for value, index in PRIORITY_CODES.items()}


def document_id(organ_id: str, issued: dt.date | None, number_symbol: str) -> str:
    """`<OrganId>,<yyyy/MM/dd>,<số>/<ký hiệu>` (edxml.md §6)."""
    return f"{organ_id},{format_date(issued) if issued else ''},{number_symbol}"


def organization_of(agency: Agency) -> Organization:
    return Organization(
        organ_id=agency.code,
        organization_in_charge=agency.parent.name if agency.parent_id and agency.parent else "",
        organ_name=agency.name,
        organ_add=agency.address,
        email=agency.email,
        telephone=agency.phone,
        fax=agency.fax,
        website=agency.website,
    )


def _attachment(
    stored: StoredFile, *, name: str, description: str, index: int, directory: Path | None
) -> Attachment:
    with default_storage.open(stored.storage_path, "rb") as source:
        if directory is None:
            attachment = Attachment.from_bytes(source.read())
        else:
            with tempfile.NamedTemporaryFile(
                dir=directory, prefix=f"out{index:03d}-", delete=False
            ) as handle:
                shutil.copyfileobj(source, handle, 1 << 20)
            attachment = Attachment.from_path(Path(handle.name))
    if attachment.sha256 != stored.sha256:
        raise EdxmlError("build_invalid", f"stored file {stored.sha256} does not match its content")
    attachment.content_id = f"{index + 1}-{stored.sha256[:16]}"
    attachment.attachment_name = name
    attachment.description = description
    attachment.content_type = stored.content_type
    return attachment


def _add_files(package: EdocPackage, files: list[Any], directory: Path | None) -> None:
    """DraftFile or DocumentFile rows → attachments with their manifest references."""
    for index, row in enumerate(files):
        description = row.get_role_display()
        attachment = _attachment(
            row.stored_file, name=row.file_name, description=description, index=index, directory=directory
        )
        package.attachments.append(attachment)
        package.manifest.append(
            ManifestReference(attachment.content_id, attachment.content_type, description, row.file_name)
        )


def _response_for(document: Document) -> ResponseFor:
    organ_id = document.issuing_agency.code if document.issuing_agency_id and document.issuing_agency else ""
    symbol = document.number_symbol
    return ResponseFor(
        organ_id=organ_id,
        code=symbol,
        promulgation_date=document.issued_date,
        document_id=document_id(organ_id, document.issued_date, symbol),
    )


def edoc_from_draft(
    draft: Draft,
    *,
    attachments_dir: Path | None = None,
    doc_type: BussinessDocType | None = None,
    recipients: list[Agency] | None = None,
    staff: StaffInfo | None = None,
    now: dt.datetime | None = None,
) -> EdocPackage:
    """The package for a numbered/released draft. Recipients default to those outside this system."""
    if draft.status not in SENDABLE:
        raise EdxmlError("draft_not_numbered", f"draft {draft.pk} is {draft.status}")
    version = DraftVersion.objects.select_related(
        "document_type", "signer__user", "reply_to__issuing_agency", "replaces__issuing_agency"
    ).get(pk=draft.current_version_id or 0)
    if version.secrecy != Secrecy.NORMAL:
        raise EdxmlError("secret_document", f"draft {draft.pk} is {version.secrecy}")
    number = OutgoingNumber.objects.get(draft=draft)
    agency = Agency.objects.select_related("parent").get(pk=draft.agency_id)
    if recipients is None:
        recipients = [r.agency for r in version.recipients.select_related("agency") if not r.agency.hosted]
    moment = timezone.localtime(now or timezone.now()).replace(tzinfo=None, microsecond=0)
    header = MessageHeader(
        from_=organization_of(agency),
        to=[organization_of(recipient) for recipient in recipients],
        code=Code(number.code_number, number.code_notation),
        promulgation_info=PromulgationInfo("", number.issued_date),
        document_type=EdxmlDocumentType(version.document_type.code, "", version.document_type.name),
        subject=version.subject,
        content=version.subject,
        signer_info=SignerInfo(
            competence=version.signer_competence,
            position=version.signer.title if version.signer else "",
            full_name=version.signer.user.full_name if version.signer else "",
        ),
        due_date=version.due_date,
        to_places=[line.strip() for line in version.recipient_lines.splitlines() if line.strip()],
        other_info=OtherInfo(priority=PRIORITY_CODES.get(version.urgency, 0)),
        response_for=[_response_for(version.reply_to)] if version.reply_to else [],
        document_id=document_id(agency.code, number.issued_date, number.number_symbol),
    )
    if doc_type is None:
        doc_type = BussinessDocType.REPLACE if version.replaces_id else BussinessDocType.NEW
    bussiness = Bussiness(doc_type, BUSSINESS_REASONS[doc_type], paper="0", staff_info=staff)
    if doc_type is not BussinessDocType.NEW:
        bussiness.document_id = header.document_id
    if doc_type is BussinessDocType.REPLACE and version.replaces:
        replaced = _response_for(version.replaces).document_id
        bussiness.document_id = replaced
        bussiness.replacement_info_list = [ReplacementInfo(replaced, [r.organ_id for r in header.to])]
    package = EdocPackage(
        header=header, trace_headers=[TraceHeader(agency.code, moment)], bussiness=bussiness
    )
    _add_files(package, _delivered(draft, version), attachments_dir)
    return package


@dataclass(frozen=True)
class _FileRow:
    stored_file: StoredFile
    file_name: str
    role: str

    def get_role_display(self) -> str:
        return str(DraftFileRole(self.role).label)


def _delivered(draft: Draft, version: DraftVersion) -> list[_FileRow]:
    """The files recipients get: the organisation-signed PDFs of a signed document, exactly as a
    hosted recipient receives them (`outgoing.signing.delivered_files`), never the unsigned source."""
    files = sorted(delivered_files(draft, version), key=lambda f: f.sort_order)
    stored = StoredFile.objects.in_bulk([f.stored_file_id for f in files])
    return [_FileRow(stored[f.stored_file_id], f.file_name, f.role) for f in files]


def edoc_from_incoming(document: Document, *, attachments_dir: Path | None = None) -> EdocPackage:
    """A package carrying an incoming document as we registered it (for forwarding or export)."""
    if document.direction != Direction.INCOMING:
        raise EdxmlError("invalid_value", f"document {document.pk} is not incoming")
    if document.secrecy != Secrecy.NORMAL:
        raise EdxmlError("secret_document", f"document {document.pk} is {document.secrecy}")
    issuer = document.issuing_agency
    sender = organization_of(issuer) if issuer else Organization(organ_name=document.organ_name)
    if not sender.organ_name:
        sender.organ_name = document.organ_name
    doc_type = document.document_type
    header = MessageHeader(
        from_=sender,
        code=Code(document.code_number, document.code_notation),
        promulgation_info=PromulgationInfo("", document.issued_date),
        document_type=EdxmlDocumentType(
            doc_type.code if doc_type else "", "", doc_type.name if doc_type else ""
        ),
        subject=document.subject,
        content=document.subject,
        signer_info=SignerInfo(
            document.signer_competence, document.signer_position, document.signer_full_name
        ),
        due_date=document.due_date,
        to_places=[line.strip() for line in document.to_places.splitlines() if line.strip()],
        other_info=OtherInfo(
            priority=PRIORITY_CODES.get(document.urgency, 0), page_amount=document.page_amount
        ),
        document_id=document_id(sender.organ_id, document.issued_date, document.number_symbol),
    )
    package = EdocPackage(
        header=header,
        bussiness=Bussiness(BussinessDocType.NEW, BUSSINESS_REASONS[BussinessDocType.NEW], paper="0"),
    )
    files = document.files.filter(role__in=["main", "attachment"]).select_related("stored_file")
    _add_files(package, list(files), attachments_dir)
    return package


@dataclass
class IncomingFields:
    """What an edoc package gives an incoming Document.

    `fields` are Document field values (without agency, direction, status and received_*);
    `other_information` lists, in order, every value that has no Document field.
    """

    fields: dict[str, Any]
    other_information: OtherInfoItems = field(default_factory=list)
    document_id: str = ""
    issuer_code: str = ""


def _competence(text: str) -> str:
    upper = text.strip().upper()
    for value in sorted((c for c in Competence.values if c), key=len, reverse=True):
        if upper.startswith(value):
            return value
    return ""


class _Fitter:
    """Puts a value in a field of limited length; what does not fit is kept in full, never cut silently."""

    def __init__(self) -> None:
        self.other: OtherInfoItems = []

    def fit(self, name: str, value: str, path: str) -> str:
        limit = getattr(Document._meta.get_field(name), "max_length", None) or len(value)
        if len(value) > limit:
            self.other.append((path, value))
            return value[:limit]
        return value

    def keep(self, path: str, value: object) -> None:
        if value not in (None, "", []):
            if isinstance(value, dt.datetime):
                value = format_datetime(value)
            elif isinstance(value, dt.date):
                value = format_date(value)
            self.other.append((path, str(value)))


def incoming_fields(package: EdocPackage) -> IncomingFields:
    """Map a received edoc package onto Document fields; nothing is dropped."""
    header = package.header
    info = header.other_info
    fit = _Fitter()
    urgency = (
        URGENCY_BY_PRIORITY.get(info.priority, Urgency.NORMAL)
        if info.priority is not None
        else Urgency.NORMAL
    )
    competence = _competence(header.signer_info.competence)
    type_name = header.document_type.type_name
    fields: dict[str, Any] = {
        "document_type": match_document_type(type_name),
        "code_number": fit.fit("code_number", header.code.code_number, "MessageHeader/Code/CodeNumber"),
        "code_notation": fit.fit(
            "code_notation", header.code.code_notation, "MessageHeader/Code/CodeNotation"
        ),
        "issued_date": header.promulgation_info.promulgation_date,
        "issuing_agency": Agency.objects.filter(code=header.from_.organ_id).first()
        if header.from_.organ_id
        else None,
        "organ_name": fit.fit("organ_name", header.from_.organ_name, "MessageHeader/From/OrganName"),
        "subject": fit.fit("subject", header.subject, "MessageHeader/Subject"),
        "page_amount": info.page_amount,
        "signer_position": fit.fit(
            "signer_position", header.signer_info.position, "MessageHeader/SignerInfo/Position"
        ),
        "signer_full_name": fit.fit(
            "signer_full_name", header.signer_info.full_name, "MessageHeader/SignerInfo/FullName"
        ),
        "signer_competence": competence,
        "urgency": urgency,
        "secrecy": Secrecy.NORMAL,  # secret documents never travel over the axis (edxml.md §12)
        "due_date": header.due_date,
        "to_places": fit.fit("to_places", "\n".join(header.to_places), "MessageHeader/ToPlaces/Place"),
    }
    _keep_unmodelled(fit, package, competence=competence, type_matched=fields["document_type"] is not None)
    if info.priority is not None and info.priority not in URGENCY_BY_PRIORITY:
        fit.keep("MessageHeader/OtherInfo/Priority", info.priority)
    return IncomingFields(
        fields=fields,
        other_information=fit.other + list(package.other),
        document_id=header.document_id,
        issuer_code=header.from_.organ_id,
    )


def _keep_unmodelled(fit: _Fitter, package: EdocPackage, *, competence: str, type_matched: bool) -> None:
    header = package.header
    for key, value in vars(header.from_).items():
        if key not in ("organ_name",):
            fit.keep(f"MessageHeader/From/{_tag(key)}", value)
    for receiver in header.to:
        fit.keep("MessageHeader/To/OrganId", receiver.organ_id)
        fit.keep("MessageHeader/To/OrganName", receiver.organ_name)
    fit.keep("MessageHeader/PromulgationInfo/Place", header.promulgation_info.place)
    fit.keep("MessageHeader/DocumentType/Type", header.document_type.type)
    fit.keep("MessageHeader/DocumentType/TypeDetail", header.document_type.type_detail)
    if not type_matched:
        fit.keep("MessageHeader/DocumentType/TypeName", header.document_type.type_name)
    if header.content != header.subject:
        fit.keep("MessageHeader/Content", header.content)
    if header.signer_info.competence.strip() != competence:
        fit.keep("MessageHeader/SignerInfo/Competence", header.signer_info.competence)
    info = header.other_info
    fit.keep("MessageHeader/OtherInfo/SphereOfPromulgation", info.sphere_of_promulgation)
    fit.keep("MessageHeader/OtherInfo/TyperNotation", info.typer_notation)
    fit.keep("MessageHeader/OtherInfo/PromulgationAmount", info.promulgation_amount)
    if info.direction is not None:
        fit.keep("MessageHeader/OtherInfo/Direction", "true" if info.direction else "false")
    for appendix in info.appendixes:
        fit.keep("MessageHeader/OtherInfo/Appendixes/Appendix", appendix)
    for response in header.response_for:
        fit.keep("MessageHeader/ResponseFor/DocumentId", response.document_id)
        fit.keep("MessageHeader/ResponseFor/Code", response.code)
    fit.keep("MessageHeader/SteeringType", header.steering_type)
    fit.keep("MessageHeader/DocumentId", header.document_id)
    for trace in package.trace_headers:
        fit.keep("TraceHeaderList/TraceHeader/OrganId", trace.organ_id)
        fit.keep("TraceHeaderList/TraceHeader/Timestamp", trace.timestamp)
    _keep_bussiness(fit, package.bussiness)


def _keep_bussiness(fit: _Fitter, bussiness: Bussiness | None) -> None:
    if bussiness is None:
        return
    path = "TraceHeaderList/Bussiness"
    fit.keep(
        f"{path}/BussinessDocType",
        f"{int(bussiness.bussiness_doc_type)} ({bussiness.bussiness_doc_type.label})",
    )
    fit.keep(f"{path}/BussinessDocReason", bussiness.bussiness_doc_reason)
    fit.keep(f"{path}/DocumentId", bussiness.document_id)
    fit.keep(f"{path}/Paper", bussiness.paper)
    if bussiness.staff_info:
        for key, value in vars(bussiness.staff_info).items():
            fit.keep(f"{path}/StaffInfo/{_tag(key)}", value)
    if bussiness.bussiness_document_info:
        info = bussiness.bussiness_document_info
        fit.keep(f"{path}/BussinessDocumentInfo/DocumentInfo", info.document_info)
        fit.keep(f"{path}/BussinessDocumentInfo/DocumentReceiver", info.document_receiver)
        for receiver in info.receiver_list:
            fit.keep(
                f"{path}/BussinessDocumentInfo/ReceiverList/Receiver",
                f"{receiver.organ_id} ({receiver.receiver_type})",
            )
    for replacement in bussiness.replacement_info_list:
        fit.keep(
            f"{path}/ReplacementInfoList/ReplacementInfo",
            f"{replacement.document_id}: {', '.join(replacement.organ_id_list)}",
        )


def _tag(attribute: str) -> str:
    return "".join(part.capitalize() for part in attribute.rstrip("_").split("_"))


def match_document_type(type_name: str) -> DocumentType | None:
    """The Type code differs between implementations (1 vs 18 for công văn): match on the name."""
    name = type_name.strip()
    if not name:
        return None
    return DocumentType.objects.filter(name__iexact=name).first() or next(
        (t for t in DocumentType.objects.all() if t.name.casefold() == name.casefold()), None
    )
