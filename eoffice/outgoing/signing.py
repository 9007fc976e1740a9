"""Ký số văn bản đi: the signer's PAdES signature and, after numbering, the organisation's.

1. `draft_sign` — the person holding the chain's SIGN step signs the version every earlier step
   judged. The PDF (the main file, DOCX converted by LibreOffice) gets the number/date fields and
   both signature fields (`pades.prepare_for_signing`), then the signer's certification signature
   with their blue signature image. The signed bytes are made before any transaction (a token or
   a conversion may take seconds and must hold no lock); then, in one transaction, the version is
   checked again, the signed PDF is stored and the step is completed through the work engine.
2. `drafts_sign` — batch signing: one key, one PIN, each draft signed or refused on its own.
3. `draft_org_sign` — the clerk, after numbering (Điều 14: cấp số → ký số của cơ quan), writes
   number and date into the fields and applies the organisation's signature with the seal, and
   signs each attachment file with the text block; the signer's signature stays intact.

Every path first checks that the key's certificate is registered to the person who signs, or to
the draft's agency for its signature (`eoffice.signing.certificates.require_registered`), and
checks it again, locked, in the transaction that records the signature; its fingerprint goes in
the audit event.

Release delivers these signed files (`delivered_files`). Lock order as in approval.py:
work item → draft row → signature row → registered certificate row → audit chain head.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core import audit, language
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from eoffice.core.rowids import row_ids
from eoffice.directory.models import Agency
from eoffice.documents import blobs
from eoffice.documents.convert import CONVERTIBLE, pdf_of
from eoffice.documents.models import StoredFile
from eoffice.outgoing import approval, policies
from eoffice.outgoing.models import (
    Draft,
    DraftFile,
    DraftFileRole,
    DraftSignature,
    DraftStatus,
    DraftVersion,
    OutgoingNumber,
    SignedAttachment,
    StepKind,
    StepRun,
)
from eoffice.signing import certificates, keys, pades
from eoffice.signing.signers import DocumentSigner, Pkcs11Signer
from eoffice.signing.validation import ValidationResult, validate_pdf
from eoffice.work import services as work
from eoffice.work.services.assign import lock_item
from eoffice.work.statuses import LineStatus

PDF = "application/pdf"
MAX_BATCH = 50


@dataclass(frozen=True)
class SignOutcome:
    """One draft of a batch: signed, or refused with its own code and message."""

    draft_id: int
    ok: bool
    code: str = ""
    message: str = ""


@dataclass(frozen=True)
class _Certificate:
    subject: str
    issuer: str
    serial: str
    sha256: str


def _certificate(signer: DocumentSigner, *, user: Any = None, agency: Agency | None = None) -> _Certificate:
    """The signing certificate, once more checked to be registered to the signer (user) or to the
    agency, under the registration's row lock (we are inside the recording transaction)."""
    cert = signer.certificate
    return _Certificate(
        subject=cert.subject.human_friendly[:500],
        issuer=cert.issuer.human_friendly[:500],
        serial=format(cert.serial_number, "x"),
        sha256=certificates.require_registered(cert, user=user, agency=agency, lock=True),
    )


def require_own_certificate(actor: Actor, signer: DocumentSigner) -> None:
    """The personal signature is made with a certificate registered to the person who signs
    (actor.user: one's own key, also when acting for the step's holder). Checked before any work,
    so a batch with someone else's key is refused as a whole and nothing is stored."""
    certificates.require_registered(signer.certificate, user=actor.user)


def _key_kind(signer: DocumentSigner) -> str:
    return "pkcs11" if isinstance(signer, Pkcs11Signer) else "pkcs12"


def _sign_run(actor: Actor, draft: Draft) -> StepRun:
    """The pending SIGN step the actor holds, on an unchanged version; refuses otherwise."""
    run = approval.require_holder(actor, approval.pending_step(draft))
    if run.kind != StepKind.SIGN:
        raise Conflict("not_sign_step", _("Dự thảo chưa đến bước ký ban hành."))
    approval.require_unchanged(draft, run)
    return run


def _main_file(version: DraftVersion) -> DraftFile:
    main = version.files.select_related("stored_file").filter(role=DraftFileRole.MAIN).first()
    if main is None:
        raise ValidationFailed("no_main_file", _("Dự thảo không có tệp văn bản chính."), field="file")
    return main


def _layout(agency: Agency) -> pades.FieldLayout:
    seal = keys.seal_or_none(agency)
    size = float(seal.diameter_mm) * pades.MM if seal is not None else pades.SEAL_MM * pades.MM
    base = pades.DEFAULT_LAYOUT
    return pades.FieldLayout(number=base.number, date=base.date, signature=base.signature, seal_size=size)


def draft_sign(*, actor: Actor, draft: Draft, signer: DocumentSigner) -> DraftSignature:
    """The signer's digital signature on the version the chain approved; completes the SIGN step."""
    draft = Draft.objects.select_related("agency").get(pk=draft.pk)
    run = _sign_run(actor, draft)
    signer_user = actor.user  # one's own key and image, also when acting for the step's holder
    assert signer_user is not None
    main = _main_file(run.version)
    image = keys.signature_image_of(signer_user.pk)
    require_own_certificate(actor, signer)
    pdf = blobs.read_bytes(pdf_of(main.stored_file))
    prepared = pades.prepare_for_signing(pdf, _layout(draft.agency))
    signed = pades.sign_personal(prepared, signer=signer, signature_image=image)
    return _record_signature(actor, draft, run, main, signed, signer)


@transaction.atomic
def _record_signature(
    actor: Actor, draft: Draft, run: StepRun, main: DraftFile, signed: bytes, signer: DocumentSigner
) -> DraftSignature:
    lock_item(run.work_item_id)
    # Why the lock: a return or a second signature racing this one must see the step as it is now.
    draft = Draft.objects.select_for_update(of=("self",)).select_related("agency").get(pk=draft.pk)
    current = _sign_run(actor, draft)
    if current.pk != run.pk:
        raise Conflict("changed_after_approval", _("Bước ký đã thay đổi trong lúc ký; hãy ký lại."))
    signer_user = actor.user
    assert signer_user is not None
    cert = _certificate(signer, user=signer_user)
    signature = DraftSignature.objects.create(
        draft=draft,
        version=run.version,
        step_run=run,
        source_file=main.stored_file,
        signed_file=blobs.store_bytes(signed, content_type=PDF),
        signed_by=signer_user,
        signed_at=timezone.now(),
        key_kind=_key_kind(signer),
        certificate_subject=cert.subject,
        certificate_issuer=cert.issuer,
        certificate_serial=cert.serial,
    )
    audit.record(
        actor=actor,
        verb="outgoing.signed",
        target=draft,
        agency_id=draft.agency_id,
        data={
            "version": run.version.number,
            "certificate": cert.subject,
            "serial": cert.serial,
            "fingerprint": cert.sha256,
        },
    )
    line = run.line
    if line.status == LineStatus.CHO_TIEP_NHAN:
        line = work.line_receive(line=line, actor=actor)
    # The engine calls approval.follow_work, which finds this signature and approves the draft.
    with language.for_others():  # the line's history is read by everyone on the draft
        note = _("Đã ký số")
    work.line_complete(line=line, actor=actor, note=note)
    return signature


def nothing_chosen() -> ValidationFailed:
    return ValidationFailed("nothing_chosen", _("Hãy chọn ít nhất một văn bản để ký."), field="drafts")


def drafts_sign(*, actor: Actor, draft_ids: list[int], signer: DocumentSigner) -> list[SignOutcome]:
    """Batch signing with one opened key: each draft in its own transaction, refused on its own."""
    chosen = list(dict.fromkeys(draft_ids))
    if not chosen:
        raise nothing_chosen()
    if len(chosen) > MAX_BATCH:
        raise ValidationFailed(
            "batch_too_large",
            _("Mỗi lần ký tối đa %(max)s văn bản.") % {"max": MAX_BATCH},
            field="drafts",
        )
    require_own_certificate(actor, signer)
    found = Draft.objects.in_bulk(row_ids(chosen))  # a forged 25-digit id is "not found"
    outcomes: list[SignOutcome] = []
    for pk in chosen:
        try:
            if pk not in found:
                raise NotFound(_("Không tìm thấy dự thảo."))
            draft_sign(actor=actor, draft=found[pk], signer=signer)
        except DomainError as error:
            outcomes.append(SignOutcome(pk, False, error.code, error.message))
        else:
            outcomes.append(SignOutcome(pk, True))
    return outcomes


def current_signature(draft: Draft) -> DraftSignature | None:
    if draft.current_version_id is None:
        return None
    return DraftSignature.objects.filter(version_id=draft.current_version_id).first()


def date_line(agency: Agency, issued: date) -> str:
    """ "Hà Giang, ngày 05 tháng 3 năm 2026" (Decree 30, PL I II.4: zero before days < 10 and
    before months 1 and 2)."""
    month = f"{issued.month:02d}" if issued.month < 3 else str(issued.month)
    when = f"ngày {issued.day:02d} tháng {month} năm {issued.year}"
    place = place_name(agency)
    return f"{place}, {when}" if place else when


def place_name(agency: Agency) -> str:
    """The địa danh: the installation's setting, else the province's name without its organ."""
    if settings.EOFFICE_PLACE_NAME:
        return str(settings.EOFFICE_PLACE_NAME)
    root_id = next((part for part in agency.tree_path.split("/") if part), None)
    root = Agency.objects.filter(pk=root_id).first() if root_id else None
    name = (root or agency).name
    for prefix in ("Ủy ban nhân dân tỉnh ", "Ủy ban nhân dân thành phố ", "UBND tỉnh ", "UBND thành phố "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return ""


def _pdf_name(file_name: str) -> str:
    return str(PurePosixPath(file_name).with_suffix(".pdf"))


def _signed_attachments(
    version: DraftVersion, signer: DocumentSigner, symbol: str
) -> list[tuple[DraftFile, bytes]]:
    """PDF and DOCX attachments get the organisation's text-block signature; images and sheets
    travel as they are (the decree's rule is for document files)."""
    signed: list[tuple[DraftFile, bytes]] = []
    for attachment in version.files.select_related("stored_file").filter(role=DraftFileRole.ATTACHMENT):
        if attachment.stored_file.content_type not in (PDF, *CONVERTIBLE):
            continue
        pdf = blobs.read_bytes(pdf_of(attachment.stored_file))
        signed.append((attachment, pades.sign_attachment(pdf, signer=signer, number_symbol=symbol)))
    return signed


def draft_org_sign(*, actor: Actor, draft: Draft, signer: DocumentSigner) -> DraftSignature:
    """The organisation's signature (văn thư), on a numbered document its signer has signed."""
    draft = Draft.objects.select_related("agency").get(pk=draft.pk)
    policies.require_clerk(actor, draft.agency)
    signature = _org_signable(draft)
    number = OutgoingNumber.objects.select_related("series").get(draft=draft)
    assert number.issued_date is not None
    seal = keys.seal_of(draft.agency)
    # The agency's signature is made with a certificate registered to this agency, not any key.
    certificates.require_registered(signer.certificate, agency=draft.agency)
    final = pades.sign_organisation(
        blobs.read_bytes(signature.signed_file),
        signer=signer,
        seal_image=bytes(seal.png),
        number_text=f"Số: {number.number_symbol}",
        date_text=date_line(draft.agency, number.issued_date),
    )
    attachments = _signed_attachments(signature.version, signer, number.number_symbol)
    return _record_org_signature(actor, draft, signature, final, attachments, signer)


def _org_signable(draft: Draft) -> DraftSignature:
    if draft.status != DraftStatus.NUMBERED:
        raise Conflict(
            "not_numbered", _("Văn bản chưa được cấp số hoặc đã phát hành; chưa thể ký số cơ quan.")
        )
    signature = current_signature(draft)
    if signature is None:
        # Điều 32.2.d: the organisation signs only what the competent person has signed.
        raise Conflict("not_signed", _("Văn bản chưa có chữ ký số của người có thẩm quyền."))
    if signature.org_signed:
        raise Conflict("already_org_signed", _("Văn bản đã được ký số cơ quan."))
    return signature


@transaction.atomic
def _record_org_signature(
    actor: Actor,
    draft: Draft,
    signature: DraftSignature,
    final: bytes,
    attachments: list[tuple[DraftFile, bytes]],
    signer: DocumentSigner,
) -> DraftSignature:
    # Why the lock: two clerks signing at once, or a release racing the signature.
    draft = Draft.objects.select_for_update(of=("self",)).select_related("agency").get(pk=draft.pk)
    policies.require_clerk(actor, draft.agency)
    locked = DraftSignature.objects.select_for_update().get(pk=signature.pk)
    if _org_signable(draft).pk != locked.pk:
        raise Conflict("changed_after_approval", _("Dự thảo đã thay đổi trong lúc ký; hãy ký lại."))
    cert = _certificate(signer, agency=draft.agency)
    locked.final_file = blobs.store_bytes(final, content_type=PDF)
    locked.org_signed_by = actor.user
    locked.org_signed_at = timezone.now()
    locked.org_key_kind = _key_kind(signer)
    locked.org_certificate_subject = cert.subject
    locked.org_certificate_serial = cert.serial
    locked.save()
    SignedAttachment.objects.bulk_create(
        [
            SignedAttachment(
                signature=locked,
                draft_file=f,
                signed_file=blobs.store_bytes(data, content_type=PDF),
                file_name=_pdf_name(f.file_name),
            )
            for f, data in attachments
        ]
    )
    audit.record(
        actor=actor,
        verb="outgoing.org_signed",
        target=draft,
        agency_id=draft.agency_id,
        data={
            "certificate": cert.subject,
            "serial": cert.serial,
            "fingerprint": cert.sha256,
            "attachments": len(attachments),
        },
    )
    return locked


@dataclass(frozen=True)
class DeliveredFile:
    stored_file_id: int
    role: str
    file_name: str
    sort_order: int


def delivered_files(draft: Draft, version: DraftVersion) -> list[DeliveredFile]:
    """What recipients receive: the organisation-signed PDFs when the document was signed, else
    the version's files. Refuses a signed document the organisation has not signed yet."""
    files = list(version.files.all())
    signature = DraftSignature.objects.filter(version=version).first()
    if signature is None:
        return [DeliveredFile(f.stored_file_id, f.role, f.file_name, f.sort_order) for f in files]
    if not signature.org_signed or signature.final_file_id is None:
        raise Conflict(
            "org_signature_required",
            _("Văn bản chưa có chữ ký số của cơ quan; hãy ký số cơ quan trước khi phát hành."),
        )
    signed = {a.draft_file_id: a for a in signature.attachments.all()}
    result: list[DeliveredFile] = []
    for f in files:
        if f.role == DraftFileRole.MAIN:
            result.append(
                DeliveredFile(signature.final_file_id, f.role, _pdf_name(f.file_name), f.sort_order)
            )
        elif f.pk in signed:
            a = signed[f.pk]
            result.append(DeliveredFile(a.signed_file_id, f.role, a.file_name, f.sort_order))
        else:
            result.append(DeliveredFile(f.stored_file_id, f.role, f.file_name, f.sort_order))
    return result


def signed_files(signature: DraftSignature) -> list[tuple[str, StoredFile]]:
    """(label, file) of every signed file of a draft version, latest first."""
    files: list[tuple[str, StoredFile]] = []
    if signature.final_file is not None:
        files.append((_("Văn bản đã ký số cơ quan"), signature.final_file))
    files.append((_("Văn bản có chữ ký của người ký"), signature.signed_file))
    for attachment in signature.attachments.select_related("signed_file"):
        files.append((attachment.file_name, attachment.signed_file))
    return files


def validate_stored(stored: StoredFile) -> ValidationResult:
    """Every signature of a stored signed PDF, checked against the trust store."""
    return validate_pdf(blobs.read_bytes(stored))
