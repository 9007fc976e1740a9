"""Cập nhật of a digitally signed document: the update changes the record, not the signed text, so
the new version is delivered with the same signed PDFs — to a recipient the update adds here, and in
the package the exchange builds for another installation. A PDF or Word attachment, which would
travel without the organisation's signature, cannot be added by an update."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from eoffice.core.errors import ValidationFailed
from eoffice.directory.models import Agency
from eoffice.documents import blobs
from eoffice.documents.models import Document
from eoffice.documents.services import UploadPart
from eoffice.exchange.edxml import mapping
from eoffice.outgoing import amend, numbering, release, signing
from eoffice.outgoing.models import Draft, DraftSignature, DraftVersion
from eoffice.outgoing.tests.conftest import actor_of, make_draft, pdf_bytes
from eoffice.outgoing.tests.signkit import chain, give_credentials, leader_signs, p12, to_sign_step
from eoffice.signing.tests.pki import Pki, seal_png
from eoffice.signing.validation import validate_pdf
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _released_signed(cast: Cast, pki: Pki) -> Draft:
    give_credentials(cast, pki)
    chain(cast)
    attachment = UploadPart("phu-luc.pdf", pdf_bytes(2, marker="phu luc"))
    draft = make_draft(cast, recipient_ids=[cast.agency_b.pk], attachments=[attachment])
    to_sign_step(cast, draft)
    leader_signs(cast, pki, draft)
    clerk = actor_of(cast, cast.clerk_a)
    numbering.draft_number(actor=clerk, draft=draft, issued_date=dt.date(2026, 2, 5))
    with p12(pki.org) as org:
        signing.draft_org_sign(actor=clerk, draft=draft, signer=org)
    release.draft_release(actor=clerk, draft=Draft.objects.get(pk=draft.pk))
    return Draft.objects.get(pk=draft.pk)


def _update(cast: Cast, draft: Draft, **extra: object) -> amend.Amendment:
    data = amend.UpdateInput(
        reason="Bổ sung nơi nhận và sơ đồ", subject="Về việc báo cáo biên chế năm 2026 (bổ sung)",
        urgency="khan", due_date=dt.date(2026, 12, 31), **extra,  # type: ignore[arg-type]
    )  # fmt: skip
    return amend.draft_update(actor=actor_of(cast, cast.clerk_a), draft=draft, data=data)


def test_recipients_added_by_an_update_get_the_signed_files(cast: Cast, pki: Pki, trusted: Path) -> None:
    draft = _released_signed(cast, pki)
    signed = DraftSignature.objects.get(draft=draft)
    picture = UploadPart("so-do.png", seal_png())  # an image travels as it is, signed or not
    amendment = _update(cast, draft, add_recipient_ids=[cast.province.pk], attachments=[picture])
    version = amendment.version
    assert version is not None and version.number == 2
    carried = DraftSignature.objects.get(version=version)
    assert (carried.signed_file_id, carried.final_file_id) == (signed.signed_file_id, signed.final_file_id)
    assert carried.step_run is None and signed.version.number == 1  # the first stays with its step
    # The agency the update added received the organisation-signed PDFs, not the unsigned source.
    copy = Document.objects.get(agency=cast.province)
    assert copy.subject.endswith("(bổ sung)")
    main = copy.files.get(role="main")
    assert main.stored_file_id == signed.final_file_id and main.file_name.endswith(".pdf")
    assert validate_pdf(blobs.read_bytes(main.stored_file)).all_valid
    attached = {f.file_name: f for f in copy.files.filter(role="attachment")}
    assert set(attached) == {"phu-luc.pdf", "so-do.png"}
    assert validate_pdf(blobs.read_bytes(attached["phu-luc.pdf"].stored_file)).all_valid
    # The package the exchange builds for another installation carries the same signed bytes.
    external = Agency.objects.create(code="000.00.00.G12", name="Bộ Tài chính", hosted=False)
    package = mapping.edoc_from_draft(Draft.objects.get(pk=draft.pk), recipients=[external])
    sent = {a.attachment_name: a.sha256 for a in package.attachments}
    assert sent[main.file_name] == main.stored_file.sha256
    assert sent["phu-luc.pdf"] == attached["phu-luc.pdf"].stored_file.sha256
    source = version.files.get(role="main").stored_file.sha256
    assert source not in sent.values()


def test_an_update_cannot_add_an_unsigned_pdf_to_a_signed_document(
    cast: Cast, pki: Pki, trusted: Path
) -> None:
    draft = _released_signed(cast, pki)
    unsigned = UploadPart("bo-sung.pdf", pdf_bytes(marker="chua ky"))
    with pytest.raises(ValidationFailed) as refused:
        _update(cast, draft, attachments=[unsigned])
    assert refused.value.code == "attachment_unsigned" and refused.value.field == "attachments"
    assert "bo-sung.pdf" in refused.value.message
    assert DraftVersion.objects.filter(draft=draft).count() == 1
    assert not amend.Amendment.objects.filter(draft=draft).exists()


def test_an_unsigned_document_is_updated_with_any_attachment(cast: Cast) -> None:
    draft = make_draft(cast, recipient_ids=[cast.agency_b.pk])
    numbering.draft_number(actor=actor_of(cast, cast.clerk_a), draft=draft)
    release.draft_release(actor=actor_of(cast, cast.clerk_a), draft=Draft.objects.get(pk=draft.pk))
    _update(cast, Draft.objects.get(pk=draft.pk), attachments=[UploadPart("bo-sung.pdf", pdf_bytes())])
    version = DraftVersion.objects.get(draft=draft, number=2)
    assert version.files.filter(file_name="bo-sung.pdf").exists()
    assert not DraftSignature.objects.filter(draft=draft).exists()
