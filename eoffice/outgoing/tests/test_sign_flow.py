"""Ký số in the outgoing flow: the signer's PAdES signature completes the sign step, the clerk's
organisation signature after numbering, release of the signed PDFs, and every refusal."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from django.utils import translation

from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, PermissionDenied, ValidationFailed
from eoffice.documents import blobs
from eoffice.documents.models import Document
from eoffice.documents.services import UploadPart
from eoffice.outgoing import approval, numbering, release, services, signing
from eoffice.outgoing.models import (
    Draft,
    DraftSignature,
    DraftStatus,
    DraftVersion,
    SignedAttachment,
    StepOutcome,
)
from eoffice.outgoing.tests.conftest import actor_of, make_draft, pdf_bytes
from eoffice.outgoing.tests.signkit import (
    chain,
    give_credentials,
    leader_signs,
    p12,
    register_keys,
    to_sign_step,
)
from eoffice.signing import pades
from eoffice.signing.models import SigningCertificate
from eoffice.signing.signers import Pkcs12Signer
from eoffice.signing.tests.pki import PFX_PASSWORD, Pki
from eoffice.signing.validation import validate_pdf
from eoffice.testing.cast import Cast
from eoffice.work.models import LineEvent

pytestmark = pytest.mark.django_db


def _at_sign_step(cast: Cast, **extra: Any) -> Draft:
    chain(cast)
    draft = make_draft(cast, recipient_ids=[cast.agency_b.pk], **extra)
    to_sign_step(cast, draft)
    return draft


def _numbered_and_signed(cast: Cast, pki: Pki, **extra: Any) -> Draft:
    draft = _at_sign_step(cast, **extra)
    leader_signs(cast, pki, draft)
    numbering.draft_number(actor=actor_of(cast, cast.clerk_a), draft=draft, issued_date=dt.date(2026, 2, 5))
    draft.refresh_from_db()
    return draft


def test_the_leader_signs_the_clerk_signs_for_the_agency_and_recipients_get_the_signed_pdf(
    cast: Cast, pki: Pki, trusted: Path
) -> None:
    give_credentials(cast, pki)
    with translation.override("en"):  # signed from an English page: the line's history stays Vietnamese
        draft = _numbered_and_signed(
            cast, pki, attachments=[UploadPart("phu-luc.pdf", pdf_bytes(2, marker="phu luc"))]
        )
    signature = DraftSignature.objects.get(draft=draft)
    assert signature.signed_by == cast.leader_a and "Nguyễn Văn An" in signature.certificate_subject
    run = signature.step_run
    assert run is not None
    assert LineEvent.objects.filter(line__item_id=run.work_item_id, note="Đã ký số").exists()
    assert run.outcome == StepOutcome.APPROVED and run.kind == "sign"
    # The signer's certification signature alone: intact, trusted.
    leader_only = validate_pdf(blobs.read_bytes(signature.signed_file))
    assert leader_only.all_valid and [s.field_name for s in leader_only.signatures] == [pades.LEADER_FIELD]

    with p12(pki.org) as org:
        signing.draft_org_sign(actor=actor_of(cast, cast.clerk_a), draft=draft, signer=org)
    signature.refresh_from_db()
    assert signature.org_signed and signature.org_signed_by == cast.clerk_a
    final = validate_pdf(blobs.read_bytes(signature.final_file))  # type: ignore[arg-type]
    assert final.all_valid
    leader, organisation = final.signatures
    assert leader.certification and leader.modification_level == "FORM_FILLING"
    assert set(leader.changed_form_fields) <= {pades.NUMBER_FIELD, pades.DATE_FIELD, pades.ORG_FIELD}
    assert organisation.coverage == "ENTIRE_FILE" and organisation.signer_name == "Sở Nội vụ tỉnh Thử Nghiệm"
    # Number and date written into the fields (machine-readable), in the decree's form.
    reader = pades.read_pdf(blobs.read_bytes(signature.final_file))  # type: ignore[arg-type]
    values = {
        str(f.get_object()["/T"]): str(f.get_object().get("/V", ""))
        for f in reader.root["/AcroForm"]["/Fields"]
    }
    assert values[pades.NUMBER_FIELD] == "Số: 01/SNV-TCBC"
    assert values[pades.DATE_FIELD] == "Thử Nghiệm, ngày 05 tháng 02 năm 2026"
    attachment = SignedAttachment.objects.get(signature=signature)
    attached = validate_pdf(blobs.read_bytes(attachment.signed_file))
    assert attached.all_valid and attached.signatures[0].field_name == pades.ATTACHMENT_FIELD

    release.draft_release(actor=actor_of(cast, cast.clerk_a), draft=draft)
    copy = Document.objects.get(agency=cast.agency_b)
    main = copy.files.get(role="main")
    assert main.stored_file_id == signature.final_file_id and main.file_name.endswith(".pdf")
    assert copy.files.get(role="attachment").stored_file_id == attachment.signed_file_id


def test_the_sign_step_is_not_completed_without_a_signature(cast: Cast) -> None:
    draft = _at_sign_step(cast)
    with pytest.raises(ValidationFailed) as error:
        approval.draft_step_approve(actor=actor_of(cast, cast.leader_a), draft=draft)
    assert error.value.code == "signature_required"
    draft.refresh_from_db()
    assert draft.status == DraftStatus.IN_REVIEW
    with pytest.raises(Conflict):
        numbering.draft_number(actor=actor_of(cast, cast.clerk_a), draft=draft)


@pytest.mark.parametrize("who", ["clerk_a", "unit_head_a", "specialist_a", "admin_a", "clerk_b"])
def test_only_the_holder_of_the_sign_step_signs(cast: Cast, pki: Pki, trusted: Path, who: str) -> None:
    give_credentials(cast, pki)
    draft = _at_sign_step(cast)
    with p12(pki.leader) as signer, pytest.raises(PermissionDenied):
        signing.draft_sign(actor=actor_of(cast, getattr(cast, who)), draft=draft, signer=signer)
    with p12(pki.leader) as signer, pytest.raises(PermissionDenied):
        signing.draft_sign(actor=Actor(user=cast.outsider), draft=draft, signer=signer)
    assert not DraftSignature.objects.exists()


def test_signing_a_draft_changed_after_approval_is_refused_and_nothing_is_kept(
    cast: Cast, pki: Pki, trusted: Path
) -> None:
    give_credentials(cast, pki)
    draft = _at_sign_step(cast)
    current = draft.versions.get(number=1)
    sneaked = DraftVersion.objects.create(
        draft=draft, number=2, document_type=current.document_type, subject="Khác", created_by=cast.clerk_a
    )
    Draft.objects.filter(pk=draft.pk).update(current_version=sneaked)
    with pytest.raises(Conflict) as error:
        leader_signs(cast, pki, draft)
    assert error.value.code == "changed_after_approval"
    draft.refresh_from_db()
    assert draft.status == DraftStatus.IN_REVIEW and not DraftSignature.objects.exists()


@pytest.mark.parametrize(
    ("identity", "code"), [("expired", "certificate_expired"), ("stranger", "certificate_untrusted")]
)
def test_an_expired_or_untrusted_certificate_is_refused(
    cast: Cast, pki: Pki, trusted: Path, identity: str, code: str
) -> None:
    give_credentials(cast, pki)
    draft = _at_sign_step(cast)
    pfx = getattr(pki, identity).pfx()
    with pytest.raises(ValidationFailed) as opening:
        Pkcs12Signer(pfx, PFX_PASSWORD)
    assert opening.value.code == code
    # Registered while it was still valid and its CA trusted (registration checks both, so the
    # row is written directly): the check at the moment of signing is what refuses it now.
    cert = getattr(pki, identity).cert
    SigningCertificate.objects.create(
        user=cast.leader_a,
        der=getattr(pki, identity).cert_der(),
        sha256=hashlib.sha256(getattr(pki, identity).cert_der()).hexdigest(),
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        serial=format(cert.serial_number, "x"),
        not_after=cert.not_valid_after_utc,
        registered_at=cert.not_valid_before_utc,
    )
    # Even a key opened without the check is refused at the moment of signing.
    with (
        Pkcs12Signer(pfx, PFX_PASSWORD, check_trust=False) as signer,
        pytest.raises(ValidationFailed) as error,
    ):
        signing.draft_sign(actor=actor_of(cast, cast.leader_a), draft=draft, signer=signer)
    assert error.value.code == code
    draft.refresh_from_db()
    assert draft.status == DraftStatus.IN_REVIEW and not DraftSignature.objects.exists()
    assert approval.pending_step(draft) is not None


def test_signing_needs_the_signers_image(cast: Cast, pki: Pki, trusted: Path) -> None:
    draft = _at_sign_step(cast)
    with pytest.raises(ValidationFailed) as error:
        leader_signs(cast, pki, draft)
    assert error.value.code == "no_signature_image"


def test_batch_signing_signs_each_draft_or_says_why_not(cast: Cast, pki: Pki, trusted: Path) -> None:
    give_credentials(cast, pki)
    chain(cast)
    drafts = [make_draft(cast, recipient_ids=[cast.agency_b.pk]) for _ in range(3)]
    for draft in drafts:
        to_sign_step(cast, draft)
    broken = drafts[1]
    current = broken.versions.get(number=1)
    sneaked = DraftVersion.objects.create(
        draft=broken, number=2, document_type=current.document_type, subject="Khác", created_by=cast.clerk_a
    )
    Draft.objects.filter(pk=broken.pk).update(current_version=sneaked)
    ids = [d.pk for d in drafts] + [999_999]
    with p12(pki.leader) as signer:
        outcomes = signing.drafts_sign(actor=actor_of(cast, cast.leader_a), draft_ids=ids, signer=signer)
    assert [(o.draft_id, o.ok, o.code) for o in outcomes] == [
        (drafts[0].pk, True, ""),
        (broken.pk, False, "changed_after_approval"),
        (drafts[2].pk, True, ""),
        (999_999, False, "not_found"),
    ]
    statuses = dict(Draft.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert statuses == {
        drafts[0].pk: DraftStatus.APPROVED,
        broken.pk: DraftStatus.IN_REVIEW,
        drafts[2].pk: DraftStatus.APPROVED,
    }
    with p12(pki.leader) as signer, pytest.raises(ValidationFailed):
        signing.drafts_sign(actor=actor_of(cast, cast.leader_a), draft_ids=[], signer=signer)


def test_batch_signing_takes_a_25_digit_id_for_a_missing_draft(cast: Cast, pki: Pki, trusted: Path) -> None:
    # in_bulk looks the ids up with pk__in, which no database holds past 2**63 - 1 (core.rowids).
    give_credentials(cast, pki)
    with p12(pki.leader) as signer:
        outcomes = signing.drafts_sign(actor=actor_of(cast, cast.leader_a), draft_ids=[10**25], signer=signer)
    assert [(o.draft_id, o.ok, o.code) for o in outcomes] == [(10**25, False, "not_found")]


@pytest.mark.parametrize("who", ["leader_a", "specialist_a", "admin_a", "clerk_b"])
def test_only_the_agencys_clerk_signs_for_the_agency(cast: Cast, pki: Pki, trusted: Path, who: str) -> None:
    give_credentials(cast, pki)
    draft = _numbered_and_signed(cast, pki)
    with p12(pki.org) as org, pytest.raises(PermissionDenied):
        signing.draft_org_sign(actor=actor_of(cast, getattr(cast, who)), draft=draft, signer=org)
    assert not DraftSignature.objects.get(draft=draft).org_signed


def test_organisation_signature_order_and_release_refusals(cast: Cast, pki: Pki, trusted: Path) -> None:
    give_credentials(cast, pki)
    clerk = actor_of(cast, cast.clerk_a)
    draft = _at_sign_step(cast)
    leader_signs(cast, pki, draft)
    draft.refresh_from_db()
    # Not numbered yet: Điều 14 numbers first, then the organisation signs.
    with p12(pki.org) as org, pytest.raises(Conflict) as error:
        signing.draft_org_sign(actor=clerk, draft=draft, signer=org)
    assert error.value.code == "not_numbered"
    numbering.draft_number(actor=clerk, draft=draft)
    # Signed by the leader, not by the organisation: release refused, nothing sent.
    with pytest.raises(Conflict) as error:
        release.draft_release(actor=clerk, draft=draft)
    assert error.value.code == "org_signature_required"
    assert not Document.objects.filter(agency=cast.agency_b).exists()
    with p12(pki.org) as org:
        signing.draft_org_sign(actor=clerk, draft=draft, signer=org)
    with p12(pki.org) as org, pytest.raises(Conflict) as error:
        signing.draft_org_sign(actor=clerk, draft=draft, signer=org)
    assert error.value.code == "already_org_signed"


def test_the_organisation_signs_only_what_its_signer_signed(cast: Cast, pki: Pki, trusted: Path) -> None:
    give_credentials(cast, pki)
    draft = make_draft(cast, recipient_ids=[cast.agency_b.pk])  # no chain: numbered from the draft
    clerk = actor_of(cast, cast.clerk_a)
    numbering.draft_number(actor=clerk, draft=draft)
    with p12(pki.org) as org, pytest.raises(Conflict) as error:
        signing.draft_org_sign(actor=clerk, draft=draft, signer=org)
    assert error.value.code == "not_signed"
    # Without any digital signature the version's own files are released, as before.
    release.draft_release(actor=clerk, draft=draft)


def test_the_organisation_seal_is_needed(cast: Cast, pki: Pki, trusted: Path) -> None:
    from eoffice.signing import credentials
    from eoffice.signing.tests.pki import signature_png

    credentials.signature_image_set(actor=actor_of(cast, cast.leader_a), png=signature_png())
    register_keys(cast, pki)
    draft = _numbered_and_signed(cast, pki)
    with p12(pki.org) as org, pytest.raises(ValidationFailed) as error:
        signing.draft_org_sign(actor=actor_of(cast, cast.clerk_a), draft=draft, signer=org)
    assert error.value.code == "no_seal"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 3, 5), "ngày 05 tháng 3 năm 2026"),
        (dt.date(2026, 1, 15), "ngày 15 tháng 01 năm 2026"),
        (dt.date(2026, 12, 31), "ngày 31 tháng 12 năm 2026"),
    ],
)
def test_date_line_follows_decree_30(cast: Cast, day: dt.date, expected: str) -> None:
    assert signing.date_line(cast.agency_a, day) == f"Thử Nghiệm, {expected}"


def _docx_draft(cast: Cast) -> Draft:
    from eoffice.documents.tests import samples

    docx = samples.docx_for(["Công văn về việc báo cáo biên chế năm 2026", "Nơi nhận: Như trên;"])
    chain(cast)
    draft = make_draft(cast, recipient_ids=[cast.agency_b.pk])
    data = services.DraftInput(
        document_type_id=draft.current_version.document_type_id,  # type: ignore[union-attr]
        subject="Về việc báo cáo biên chế năm 2026",
        recipient_ids=[cast.agency_b.pk],
        main=UploadPart("du-thao.docx", docx),
    )
    services.draft_revise(actor=actor_of(cast, cast.specialist_a), draft=draft, data=data)
    to_sign_step(cast, draft)
    return draft


@pytest.mark.slow
def test_a_docx_draft_is_signed_as_its_pdf(cast: Cast, pki: Pki, trusted: Path) -> None:
    give_credentials(cast, pki)
    draft = _docx_draft(cast)
    signature = leader_signs(cast, pki, draft)
    assert signature.source_file.content_type != "application/pdf"
    result = validate_pdf(blobs.read_bytes(signature.signed_file))
    assert result.all_valid


@pytest.mark.slow
def test_a_docx_libreoffice_cannot_convert_in_time_is_refused_and_nothing_changes(
    cast: Cast, pki: Pki, trusted: Path
) -> None:
    give_credentials(cast, pki)
    draft = _docx_draft(cast)
    with override_settings(EOFFICE_CONVERT_TIMEOUT=0.05), pytest.raises(ValidationFailed) as error:
        leader_signs(cast, pki, draft)
    assert error.value.code == "conversion_timeout"
    draft.refresh_from_db()
    assert draft.status == DraftStatus.IN_REVIEW and not DraftSignature.objects.exists()
    assert approval.pending_step(draft) is not None
