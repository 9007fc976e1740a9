"""Drafts of outgoing documents: create, and revise into a new immutable version (Điều 10).

Numbering and the series live in `numbering.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as _noop

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, PermissionDenied, ValidationFailed
from eoffice.directory.models import Agency, AgencyStatus
from eoffice.documents import blobs
from eoffice.documents import selectors as document_selectors
from eoffice.documents.models import Competence, Document, DocumentType, Secrecy, Urgency
from eoffice.documents.services import MAX_FILES_PER_UPLOAD, UploadPart
from eoffice.documents.validation import check_upload
from eoffice.outgoing import amend_links, policies
from eoffice.outgoing.models import (
    EDITABLE_STATUSES,
    AdvisoryBody,
    Draft,
    DraftFile,
    DraftFileRole,
    DraftRecipient,
    DraftVersion,
    RecipientKind,
)
from eoffice.people.models import Position

MAX_RECIPIENTS = 5000
MAX_RECIPIENT_LINES = 4000


@dataclass
class DraftInput:
    """What the drafter fills in; `attachments=None` on a revision keeps the previous ones."""

    document_type_id: int | None
    subject: str
    signer_id: int | None = None
    signer_competence: str = ""
    urgency: str = Urgency.NORMAL
    secrecy: str = Secrecy.NORMAL
    due_date: date | None = None
    advisory_body_id: int | None = None
    reply_to_id: int | None = None
    replaces_id: int | None = None
    # Earlier released documents of the agency this one replaces or corrects (amend_links).
    replaces_draft_id: int | None = None
    corrects_draft_id: int | None = None
    recipient_ids: list[int] = field(default_factory=list)
    recipient_lines: str = ""
    note: str = ""
    main: UploadPart | None = None
    attachments: list[UploadPart] | None = None


@dataclass(frozen=True)
class _Checked:
    document_type: DocumentType
    subject: str
    signer: Position | None
    advisory_body: AdvisoryBody | None
    reply_to: Document | None
    replaces: Document | None
    replaces_draft: Draft | None
    corrects_draft: Draft | None
    recipients: list[tuple[Agency, str]]
    recipient_lines: str


def _choice(value: str, allowed: list[str], name: str, message: str) -> None:
    if value not in allowed:
        raise ValidationFailed("invalid_choice", message, field=name)


def _linked_document(actor: Actor, document_id: int | None, name: str) -> Document | None:
    if document_id is None:
        return None
    # Only a document the drafter may read can be answered or replaced.
    document = document_selectors.documents_visible_to(actor).filter(pk=document_id).first()
    if document is None:
        raise ValidationFailed("unknown_document", _("Không tìm thấy văn bản được liên kết."), field=name)
    return document


def check_recipients(agency: Agency, ids: list[int]) -> list[tuple[Agency, str]]:
    unique = list(dict.fromkeys(ids))
    if len(unique) > MAX_RECIPIENTS:
        raise ValidationFailed(
            "too_many",
            _("Tối đa %(max_recipients)s nơi nhận.") % {"max_recipients": MAX_RECIPIENTS},
            field="recipients",
        )
    found = {a.pk: a for a in Agency.objects.filter(pk__in=unique)}
    missing = [pk for pk in unique if pk not in found]
    if missing:
        raise ValidationFailed(
            "unknown_agency",
            _("Có nơi nhận không có trong danh bạ cơ quan."),
            field="recipients",
            details={"ids": missing},
        )
    result: list[tuple[Agency, str]] = []
    for pk in unique:
        recipient = found[pk]
        if recipient.status != AgencyStatus.ACTIVE:
            raise ValidationFailed(
                "inactive_agency",
                _("Cơ quan «%(name)s» đã sáp nhập hoặc giải thể, không thể gửi văn bản.")
                % {"name": recipient.name},
                field="recipients",
            )
        if recipient.pk == agency.pk:
            raise ValidationFailed(
                "self_recipient", _("Không gửi văn bản cho chính cơ quan ban hành."), field="recipients"
            )
        result.append((recipient, RecipientKind.HOSTED if recipient.hosted else RecipientKind.EXTERNAL))
    return result


def _check(actor: Actor, agency: Agency, data: DraftInput) -> _Checked:
    subject = " ".join(data.subject.split())
    if not subject:
        raise ValidationFailed("required", _("Chưa nhập trích yếu nội dung."), field="subject")
    if len(subject) > 500:
        raise ValidationFailed("too_long", _("Trích yếu dài quá 500 ký tự."), field="subject")
    document_type = (
        DocumentType.objects.filter(pk=data.document_type_id, is_active=True).first()
        if data.document_type_id is not None
        else None
    )
    if document_type is None:
        raise ValidationFailed("required", _("Chưa chọn loại văn bản."), field="document_type")
    _choice(data.signer_competence, Competence.values, "signer_competence", _("Thẩm quyền ký không hợp lệ."))
    _choice(data.urgency, Urgency.values, "urgency", _("Độ khẩn không hợp lệ."))
    _choice(data.secrecy, Secrecy.values, "secrecy", _("Độ mật không hợp lệ."))
    signer = None
    if data.signer_id is not None:
        signer = Position.objects.filter(pk=data.signer_id, agency=agency, is_active=True).first()
        if signer is None:
            raise ValidationFailed(
                "unknown_signer", _("Người ký phải có chức vụ trong cơ quan."), field="signer"
            )
    advisory_body = None
    if data.advisory_body_id is not None:
        advisory_body = AdvisoryBody.objects.filter(
            pk=data.advisory_body_id, agency=agency, is_active=True
        ).first()
        if advisory_body is None:
            raise ValidationFailed(
                "unknown_body", _("Tổ chức tư vấn không thuộc cơ quan."), field="advisory_body"
            )
    lines = "\n".join(line.strip() for line in data.recipient_lines.splitlines() if line.strip())
    if len(lines) > MAX_RECIPIENT_LINES:
        raise ValidationFailed(
            "too_long",
            _("Nơi nhận dài quá %(max_recipient_lines)s ký tự.")
            % {"max_recipient_lines": MAX_RECIPIENT_LINES},
            field="recipient_lines",
        )
    return _Checked(
        document_type=document_type,
        subject=subject,
        signer=signer,
        advisory_body=advisory_body,
        reply_to=_linked_document(actor, data.reply_to_id, "reply_to"),
        replaces=_linked_document(actor, data.replaces_id, "replaces"),
        replaces_draft=amend_links.linked_draft(agency, data.replaces_draft_id, "replaces_draft"),
        corrects_draft=amend_links.linked_draft(agency, data.corrects_draft_id, "corrects_draft"),
        recipients=check_recipients(agency, data.recipient_ids),
        recipient_lines=lines,
    )


def check_files(main: UploadPart | None, attachments: list[UploadPart]) -> list[tuple[str, UploadPart, str]]:
    """Validate every file before anything is stored; returns (role, part, content type)."""
    if len(attachments) + 1 > MAX_FILES_PER_UPLOAD:
        raise ValidationFailed(
            "too_many_files",
            _("Mỗi lần chỉ gửi tối đa %(max_files_per_upload)s tệp.")
            % {"max_files_per_upload": MAX_FILES_PER_UPLOAD},
        )
    checked: list[tuple[str, UploadPart, str]] = []
    if main is not None:
        main_file = check_upload(main.name, main.data, allowed=["docx", "pdf"], field="main_file")
        checked.append((DraftFileRole.MAIN, UploadPart(main_file.name, main.data), main_file.content_type))
    for part in attachments:
        ok = check_upload(
            part.name, part.data, allowed=["pdf", "docx", "xlsx", "png", "jpeg"], field="attachments"
        )
        checked.append((DraftFileRole.ATTACHMENT, UploadPart(ok.name, part.data), ok.content_type))
    return checked


def _write_version(
    draft: Draft, number: int, checked: _Checked, data: DraftInput, actor: Actor
) -> DraftVersion:
    assert actor.user is not None
    version = DraftVersion.objects.create(
        draft=draft,
        number=number,
        document_type=checked.document_type,
        subject=checked.subject,
        signer=checked.signer,
        signer_competence=data.signer_competence,
        urgency=data.urgency,
        secrecy=data.secrecy,
        due_date=data.due_date,
        advisory_body=checked.advisory_body,
        reply_to=checked.reply_to,
        replaces=checked.replaces,
        replaces_draft=checked.replaces_draft,
        corrects_draft=checked.corrects_draft,
        recipient_lines=checked.recipient_lines,
        note=" ".join(data.note.split())[:500],
        created_by=actor.user,
    )
    DraftRecipient.objects.bulk_create(
        [DraftRecipient(version=version, agency=agency, kind=kind) for agency, kind in checked.recipients]
    )
    return version


def store_files(version: DraftVersion, files: list[tuple[str, UploadPart, str]], *, start: int = 0) -> None:
    rows = []
    for order, (role, part, content_type) in enumerate(files, start=start):
        stored = blobs.store_bytes(part.data, content_type=content_type)
        rows.append(
            DraftFile(version=version, stored_file=stored, role=role, file_name=part.name, sort_order=order)
        )
    DraftFile.objects.bulk_create(rows)


def copy_files(files: list[DraftFile], version: DraftVersion, *, roles: set[str] | None = None) -> None:
    """Link `files` (of an earlier version) to `version`: the same blobs, content-addressed, so
    nothing is copied. `roles` limits which are kept (None: all)."""
    DraftFile.objects.bulk_create(
        [
            DraftFile(
                version=version,
                stored_file_id=f.stored_file_id,
                role=f.role,
                file_name=f.file_name,
                sort_order=f.sort_order,
            )
            for f in files
            if roles is None or f.role in roles
        ]
    )


@transaction.atomic
def draft_create(*, actor: Actor, data: DraftInput) -> Draft:
    position = actor.position
    if position is None or actor.user is None:
        raise PermissionDenied(_("Chỉ người có chức vụ trong cơ quan mới được soạn văn bản đi."))
    agency = position.agency
    policies.require_draft(actor, agency)
    checked = _check(actor, agency, data)
    if data.main is None:
        raise ValidationFailed(
            "required", _("Chưa chọn tệp văn bản chính (DOCX hoặc PDF)."), field="main_file"
        )
    files = check_files(data.main, data.attachments or [])
    draft = Draft.objects.create(
        agency=agency,
        unit=position.unit,
        created_by=actor.on_behalf_of or actor.user,
        created_position=position,
    )
    version = _write_version(draft, 1, checked, data, actor)
    store_files(version, files)
    draft.current_version = version
    draft.save(update_fields=["current_version", "updated_at"])
    audit.record(
        actor=actor,
        verb="outgoing.draft_created",
        target=draft,
        agency_id=agency.pk,
        data={"version": 1, "subject": checked.subject, "type": checked.document_type.code},
    )
    return draft


@transaction.atomic
def draft_revise(*, actor: Actor, draft: Draft, data: DraftInput) -> DraftVersion:
    """Write the next version; the earlier ones stay as they were."""
    # Why the lock: two saves of the same draft must not both write version n+1.
    draft = Draft.objects.select_for_update(of=("self",)).select_related("agency").get(pk=draft.pk)
    policies.require_revise(actor, draft)
    if draft.status not in EDITABLE_STATUSES:
        raise Conflict("not_editable", _("Dự thảo đang trình ký, đã duyệt hoặc đã cấp số, không thể sửa."))
    previous = draft.current_version
    assert previous is not None
    checked = _check(actor, draft.agency, data)
    files = check_files(data.main, data.attachments or [])
    kept = list(previous.files.all())
    version = _write_version(draft, previous.number + 1, checked, data, actor)
    keep_roles: set[str] = set()
    if data.main is None:
        keep_roles.add(DraftFileRole.MAIN)
    if data.attachments is None:
        keep_roles.add(DraftFileRole.ATTACHMENT)
    copy_files(kept, version, roles=keep_roles)
    store_files(version, files)
    if compare_versions(previous, version).unchanged:
        raise ValidationFailed("no_change", _("Dự thảo không có thay đổi nào so với phiên bản trước."))
    draft.current_version = version
    draft.save(update_fields=["current_version", "updated_at"])
    audit.record(
        actor=actor,
        verb="outgoing.draft_revised",
        target=draft,
        agency_id=draft.agency_id,
        data={"version": version.number, "note": version.note},
    )
    return version


@dataclass(frozen=True)
class VersionDiff:
    rows: list[tuple[str, str, str, bool]]

    @property
    def unchanged(self) -> bool:
        return not any(changed for *_values, changed in self.rows)


def version_facts(version: DraftVersion) -> list[tuple[str, str]]:
    """The metadata of a version as (label, text) pairs, in the order the pages show them."""
    recipients = "; ".join(r.agency.name for r in version.recipients.select_related("agency"))
    files = version.files.select_related("stored_file")
    main = "; ".join(
        f"{f.file_name} ({f.stored_file.sha256[:12]})" for f in files if f.role == DraftFileRole.MAIN
    )
    attachments = "; ".join(
        f"{f.file_name} ({f.stored_file.sha256[:12]})" for f in files if f.role == DraftFileRole.ATTACHMENT
    )
    return [
        (_noop("Loại văn bản"), version.document_type.name),
        (_noop("Trích yếu"), version.subject),
        (_noop("Người ký"), str(version.signer.user.full_name if version.signer else "")),
        (_noop("Thẩm quyền ký"), version.signer_competence),
        (_noop("Độ khẩn"), version.get_urgency_display()),
        (_noop("Độ mật"), version.get_secrecy_display()),
        (_noop("Hạn trả lời"), version.due_date.strftime("%d/%m/%Y") if version.due_date else ""),
        (_noop("Tổ chức tư vấn"), version.advisory_body.name if version.advisory_body else ""),
        (_noop("Trả lời văn bản"), str(version.reply_to) if version.reply_to else ""),
        (_noop("Thay thế văn bản"), str(version.replaces) if version.replaces else ""),
        (_noop("Thay thế văn bản đi"), str(version.replaces_draft) if version.replaces_draft else ""),
        (_noop("Đính chính văn bản đi"), str(version.corrects_draft) if version.corrects_draft else ""),
        (_noop("Nơi nhận"), recipients),
        (_noop("Nơi nhận khác"), version.recipient_lines),
        (_noop("Tệp chính"), main),
        (_noop("Tệp đính kèm"), attachments),
    ]


def compare_versions(left: DraftVersion, right: DraftVersion) -> VersionDiff:
    pairs = zip(version_facts(left), version_facts(right), strict=True)
    return VersionDiff(rows=[(label, a, b, a != b) for (label, a), (_label, b) in pairs])
