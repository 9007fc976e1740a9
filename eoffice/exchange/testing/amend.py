"""Harness functions for what a sender does to a document after its release — sign it through the
whole path, recall it, update it, replace it — and for what the receiving văn thư then sees of
her copy, inside one installation. The receiver's answers (15/16) go over the HTTP API in the tests.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from eoffice.exchange.testing.scenario import _actor
from eoffice.exchange.testing.watch import _draft

# A type of its own for the signed document: a chain on it leaves other types numbered without one.
SIGNED_TYPE = "thong_bao"


def signed_release(label: str, receiver_code: str, subject: str) -> dict[str, Any]:
    """A thông báo taken through the real signing path and released to `receiver_code`: the leader
    signs it in its one-step chain, the văn thư numbers it and signs it for the agency (seal).
    The test PKI's CA is put in this installation's trust store; its PEM is returned, so the test
    can give it to the receiving installation too."""
    from django.conf import settings

    from eoffice.core.errors import DomainError
    from eoffice.directory.models import Agency
    from eoffice.documents.models import DocumentType
    from eoffice.documents.services import UploadPart
    from eoffice.outgoing import approval, numbering, release, services, signing
    from eoffice.outgoing.models import ApprovalChain, DraftSignature
    from eoffice.signing import credentials
    from eoffice.signing.signers import Pkcs12Signer
    from eoffice.signing.tests.pki import (
        PFX_PASSWORD,
        build_pki,
        register_certificate,
        sample_pdf,
        seal_png,
        signature_png,
    )  # fmt: skip

    pki = build_pki()
    trust = Path(settings.VAR_DIR) / "trust"
    trust.mkdir(parents=True, exist_ok=True)
    (trust / "signing-test-ca.pem").write_bytes(pki.ca_pem())
    clerk, leader = _actor(f"vanthu.{label}"), _actor(f"lanhdao.{label}")
    agency = clerk.position.agency
    admin = _actor(f"quantri.{label}")
    doc_type = DocumentType.objects.get(code=SIGNED_TYPE)
    credentials.signature_image_set(actor=leader, png=signature_png())
    credentials.seal_set(actor=admin, agency=agency, png=seal_png(), diameter_mm=Decimal(36))
    # Signing takes only certificates registered to the signer (the PKI is one per process, so a
    # second release of the same installation finds them registered already).
    for identity, owner in ((pki.leader, leader.user.pk), (pki.org, None)):
        try:
            register_certificate(admin, agency, identity, user_id=owner)
        except DomainError as exc:
            if exc.code != "certificate_already_registered":
                raise
    if not ApprovalChain.objects.filter(agency=agency, document_type=doc_type).exists():
        approval.approval_chain_set(
            actor=clerk, agency=agency, document_type=doc_type, name="Ký ban hành thông báo",
            steps=[approval.StepInput(approval.StepKind.SIGN, leader.user.pk)],
        )  # fmt: skip
    data = services.DraftInput(
        document_type_id=doc_type.pk, subject=subject, signer_id=leader.position.pk,
        recipient_ids=[Agency.objects.get(code=receiver_code).pk],
        main=UploadPart("thong-bao.pdf", sample_pdf()),
    )  # fmt: skip
    draft = services.draft_create(actor=_actor(f"chuyenvien.{label}"), data=data)
    approval.draft_submit(actor=_actor(f"chuyenvien.{label}"), draft=draft)
    with Pkcs12Signer(pki.leader.pfx(), PFX_PASSWORD) as signer:
        signing.draft_sign(actor=leader, draft=draft, signer=signer)
    numbering.draft_number(actor=clerk, draft=draft)
    with Pkcs12Signer(pki.org.pfx(), PFX_PASSWORD) as signer:
        signature = signing.draft_org_sign(actor=clerk, draft=draft, signer=signer)
    release.draft_release(actor=clerk, draft=draft)
    signature = DraftSignature.objects.select_related("final_file").get(pk=signature.pk)
    assert signature.final_file is not None
    source = draft.current_version.files.get(role="main").stored_file.sha256  # type: ignore[union-attr]
    return {
        "draft_id": draft.pk,
        "ca_pem": pki.ca_pem().decode(),
        "signed_sha256": signature.final_file.sha256,
        "source_sha256": source,
    }


def recall(label: str, subject: str, reason: str) -> str:
    from eoffice.outgoing import recall as recalls

    draft = recalls.draft_recall(actor=_actor(f"vanthu.{label}"), draft=_draft(subject), reason=reason).draft
    draft.refresh_from_db()
    return str(draft.status)


def update(
    label: str,
    subject: str,
    new_subject: str,
    reason: str,
    urgency: str = "thuong",
    due_date: str = "",
    add_codes: list[str] | None = None,
    picture: bool = False,
) -> dict[str, Any]:
    """Cập nhật by the sender's văn thư; `picture` adds an image attachment (it travels unsigned)."""
    from eoffice.directory.models import Agency
    from eoffice.documents.services import UploadPart
    from eoffice.outgoing import amend
    from eoffice.signing.tests.pki import seal_png

    data = amend.UpdateInput(
        reason=reason, subject=new_subject, urgency=urgency,
        due_date=dt.date.fromisoformat(due_date) if due_date else None,
        add_recipient_ids=list(Agency.objects.filter(code__in=add_codes or []).values_list("pk", flat=True)),
        attachments=[UploadPart("so-do.png", seal_png())] if picture else [],
    )  # fmt: skip
    amendment = amend.draft_update(actor=_actor(f"vanthu.{label}"), draft=_draft(subject), data=data)
    assert amendment.version is not None
    return {"amendment_id": amendment.pk, "version": amendment.version.number}


def prepare_replacement(label: str, replaces: str, receiver_code: str, subject: str, pdf_path: str) -> int:
    """A numbered công văn replacing the released document `replaces` (thay thế, Điều 18.3)."""
    from eoffice.directory.models import Agency
    from eoffice.documents.models import DocumentType
    from eoffice.documents.services import UploadPart
    from eoffice.outgoing import numbering, services

    data = services.DraftInput(
        document_type_id=DocumentType.objects.get(code="cong_van").pk, subject=subject,
        signer_id=_actor(f"lanhdao.{label}").position.pk, replaces_draft_id=_draft(replaces).pk,
        recipient_ids=[Agency.objects.get(code=receiver_code).pk],
        main=UploadPart("thay-the.pdf", Path(pdf_path).read_bytes()),
    )  # fmt: skip
    draft = services.draft_create(actor=_actor(f"chuyenvien.{label}"), data=data)
    numbering.draft_number(actor=_actor(f"vanthu.{label}"), draft=draft)
    return int(draft.pk)


def received_copy(label: str, subject: str) -> dict[str, Any]:
    """The receiving văn thư's copy of `subject`: its fields, its files with the bottom line of each
    PAdES signature, the notices on its page as she sees them, its receipt."""
    from eoffice.documents import blobs
    from eoffice.documents.models import Document
    from eoffice.documents.notices import notices_for
    from eoffice.exchange import selectors
    from eoffice.signing.validation import validate_pdf

    clerk = _actor(f"vanthu.{label}")
    document = Document.objects.filter(agency=clerk.position.agency, subject=subject).first()
    if document is None:
        return {}
    files = []
    for f in document.files.select_related("stored_file").order_by("sort_order"):
        valid = []
        if f.stored_file.content_type == "application/pdf":
            valid = [s.bottom_line for s in validate_pdf(blobs.read_bytes(f.stored_file)).signatures]
        files.append({"name": f.file_name, "role": f.role, "sha256": f.stored_file.sha256, "valid": valid})
    receipt = selectors.receipts(clerk).filter(document=document).first()
    return {
        "id": document.pk,
        "status": document.status,
        "subject": document.subject,
        "urgency": document.urgency,
        "due_date": document.due_date.isoformat() if document.due_date else None,
        "files": files,
        "notices": [
            {"code": n.code, "text": n.text, "link_url": n.link_url, "action_url": n.action_url}
            for n in notices_for(clerk, document)
        ],
        "receipt_id": receipt.pk if receipt else None,
        "business_type": receipt.business_type if receipt else None,
    }


def requests(label: str) -> list[dict[str, Any]]:
    """The recalls, updates and replacements waiting for this văn thư's answer (monitor list)."""
    from eoffice.exchange import selectors

    return [
        {
            "id": r.pk,
            "business_type": r.business_type,
            "document_key": r.document_key,
            "revision": r.revision,
            "payload": r.payload,
        }
        for r in selectors.pending_requests(_actor(f"vanthu.{label}")).order_by("received_at", "id")
    ]
