"""Signing only with a certificate registered to the signer (or to the agency, for its signature):
someone else's key is refused on every path — personal, batch, agency; PKCS#12 and PKCS#11; page
and API — before anything is stored; one's own registered key signs; a withdrawn one no longer does."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from eoffice.core.actor import Actor
from eoffice.core.errors import ValidationFailed
from eoffice.core.models import AuditEvent
from eoffice.outgoing import approval, numbering, signing
from eoffice.outgoing.models import Draft, DraftSignature, DraftStatus, StepKind
from eoffice.outgoing.tests.conftest import actor_of, login, make_draft
from eoffice.outgoing.tests.signkit import chain, give_images, leader_signs, p12, to_sign_step, token_signer
from eoffice.signing import certificates
from eoffice.signing.signers import DocumentSigner
from eoffice.signing.tests import hsm
from eoffice.signing.tests.pki import PFX_PASSWORD, Identity, Pki, register_certificate
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _register(cast: Cast, identity: Identity, user: Any = None) -> int:
    admin = actor_of(cast, cast.admin_a)
    row = register_certificate(admin, cast.agency_a, identity, user_id=user.pk if user else None)
    return int(row.pk)


def _at_sign_step(cast: Cast) -> Draft:
    draft = make_draft(cast, recipient_ids=[cast.agency_b.pk])
    to_sign_step(cast, draft)
    return draft


def _nothing_signed(draft: Draft) -> None:
    draft.refresh_from_db()
    assert draft.status == DraftStatus.IN_REVIEW and not DraftSignature.objects.exists()
    run = approval.pending_step(draft)
    assert run is not None and run.kind == StepKind.SIGN
    assert not AuditEvent.objects.filter(verb="outgoing.signed").exists()


def _fingerprint(identity: Identity) -> str:
    return hashlib.sha256(identity.cert_der()).hexdigest()


def _sign(cast: Cast, draft: Draft, signer: DocumentSigner) -> DraftSignature:
    return signing.draft_sign(actor=actor_of(cast, cast.leader_a), draft=draft, signer=signer)


def test_the_leader_cannot_sign_with_the_deputys_key(cast: Cast, pki: Pki, trusted: Path) -> None:
    give_images(cast)
    chain(cast)
    draft = _at_sign_step(cast)
    # Not registered to anyone yet: refused.
    with p12(pki.leader) as signer, pytest.raises(ValidationFailed) as unregistered:
        _sign(cast, draft, signer)
    assert unregistered.value.code == "certificate_not_registered"
    # The deputy's certificate, rightly registered to the deputy, in the leader's hands: refused.
    _register(cast, pki.colleague, cast.unit_head_a)
    with p12(pki.colleague) as signer, pytest.raises(ValidationFailed) as borrowed:
        _sign(cast, draft, signer)
    error = borrowed.value
    assert error.code == "certificate_not_registered" and error.field == "certificate"
    assert f"chưa được đăng ký cho {cast.leader_a.full_name}" in error.message and "quản trị" in error.message
    assert error.details["sha256"] == _fingerprint(pki.colleague) and error.details["withdrawn"] is False
    # The agency's certificate does not make a personal signature either.
    _register(cast, pki.org)
    with p12(pki.org) as signer, pytest.raises(ValidationFailed):
        _sign(cast, draft, signer)
    _nothing_signed(draft)


def test_ones_own_registered_key_signs_and_the_fingerprint_is_audited(
    cast: Cast, pki: Pki, trusted: Path
) -> None:
    give_images(cast)
    chain(cast)
    _register(cast, pki.leader, cast.leader_a)
    _register(cast, pki.org)
    draft = _at_sign_step(cast)
    leader_signs(cast, pki, draft)
    signed = AuditEvent.objects.get(verb="outgoing.signed")
    assert signed.data["fingerprint"] == _fingerprint(pki.leader) and signed.actor_id == cast.leader_a.pk
    clerk = actor_of(cast, cast.clerk_a)
    numbering.draft_number(actor=clerk, draft=draft, issued_date=dt.date(2026, 2, 5))
    with p12(pki.org) as org:
        signature = signing.draft_org_sign(actor=clerk, draft=draft, signer=org)
    assert signature.org_signed
    assert AuditEvent.objects.get(verb="outgoing.org_signed").data["fingerprint"] == _fingerprint(pki.org)


def test_the_agencys_signature_needs_the_agencys_registered_certificate(
    cast: Cast, pki: Pki, trusted: Path
) -> None:
    give_images(cast)
    chain(cast)
    _register(cast, pki.leader, cast.leader_a)
    draft = _at_sign_step(cast)
    leader_signs(cast, pki, draft)
    clerk = actor_of(cast, cast.clerk_a)
    numbering.draft_number(actor=clerk, draft=draft, issued_date=dt.date(2026, 2, 5))
    # The leader's own key, registered to the leader, is not the agency's.
    with p12(pki.leader) as signer, pytest.raises(ValidationFailed) as personal:
        signing.draft_org_sign(actor=clerk, draft=draft, signer=signer)
    assert personal.value.code == "certificate_not_registered"
    assert f"chưa được đăng ký là chứng thư số của {cast.agency_a.name}" in personal.value.message
    # Another agency's registered certificate is not A's.
    certificates.certificate_register(
        actor=Actor(user=cast.superuser), agency=cast.agency_b, user_id=None, data=pki.org.cert_pem()
    )
    with p12(pki.org) as signer, pytest.raises(ValidationFailed) as other_agency:
        signing.draft_org_sign(actor=clerk, draft=draft, signer=signer)
    assert other_agency.value.code == "certificate_not_registered"
    signature = DraftSignature.objects.get(draft=draft)
    assert not signature.org_signed and not signature.attachments.exists()
    draft.refresh_from_db()
    assert draft.status == DraftStatus.NUMBERED
    assert not AuditEvent.objects.filter(verb="outgoing.org_signed").exists()


def test_a_batch_with_someone_elses_key_is_refused_whole(cast: Cast, pki: Pki, trusted: Path) -> None:
    give_images(cast)
    chain(cast)
    _register(cast, pki.colleague, cast.unit_head_a)
    first, second = _at_sign_step(cast), _at_sign_step(cast)
    with p12(pki.colleague) as signer, pytest.raises(ValidationFailed) as refused:
        signing.drafts_sign(
            actor=actor_of(cast, cast.leader_a), draft_ids=[first.pk, second.pk], signer=signer
        )
    assert refused.value.code == "certificate_not_registered"
    for draft in (first, second):
        _nothing_signed(draft)


def test_a_withdrawn_certificate_no_longer_signs(cast: Cast, pki: Pki, trusted: Path) -> None:
    give_images(cast)
    chain(cast)
    row = _register(cast, pki.leader, cast.leader_a)
    certificates.certificate_withdraw(
        actor=actor_of(cast, cast.admin_a), agency=cast.agency_a, certificate_id=row
    )
    draft = _at_sign_step(cast)
    with p12(pki.leader) as signer, pytest.raises(ValidationFailed) as refused:
        _sign(cast, draft, signer)
    assert refused.value.code == "certificate_not_registered" and refused.value.details["withdrawn"] is True
    assert "đã bị thu hồi đăng ký" in refused.value.message
    _nothing_signed(draft)
    # Registered again: it signs.
    _register(cast, pki.leader, cast.leader_a)
    with p12(pki.leader) as signer:
        assert _sign(cast, draft, signer).signed_by == cast.leader_a


def test_pkcs11_tokens_are_held_to_the_same_rule(
    cast: Cast, pki: Pki, trusted: Path, tokens: dict[str, hsm.Token]
) -> None:
    give_images(cast)
    chain(cast)
    # The leader's token certificate registered to the deputy by mistake: the leader cannot sign.
    row = _register(cast, pki.leader, cast.unit_head_a)
    draft = _at_sign_step(cast)
    with token_signer(tokens["leader"]) as signer, pytest.raises(ValidationFailed) as refused:
        _sign(cast, draft, signer)
    assert refused.value.code == "certificate_not_registered"
    _nothing_signed(draft)
    # The agency's token used for the agency's signature while registered to a person: refused.
    _register(cast, pki.org, cast.specialist_a)
    admin = actor_of(cast, cast.admin_a)
    certificates.certificate_withdraw(actor=admin, agency=cast.agency_a, certificate_id=row)
    _register(cast, pki.leader, cast.leader_a)
    with token_signer(tokens["leader"]) as signer:
        _sign(cast, draft, signer)
    clerk = actor_of(cast, cast.clerk_a)
    numbering.draft_number(actor=clerk, draft=draft, issued_date=dt.date(2026, 2, 5))
    with token_signer(tokens["org"]) as org, pytest.raises(ValidationFailed) as org_refused:
        signing.draft_org_sign(actor=clerk, draft=draft, signer=org)
    assert org_refused.value.code == "certificate_not_registered"
    assert not DraftSignature.objects.get(draft=draft).org_signed
    signature = DraftSignature.objects.get(draft=draft)
    assert signature.key_kind == "pkcs11"


def _pfx(identity: Identity) -> SimpleUploadedFile:
    return SimpleUploadedFile("khoa.p12", identity.pfx(), content_type="application/x-pkcs12")


def test_page_and_api_say_why(cast: Cast, pki: Pki, trusted: Path) -> None:
    give_images(cast)
    chain(cast)
    _register(cast, pki.colleague, cast.unit_head_a)
    draft = _at_sign_step(cast)
    leader = login(cast.leader_a)
    password = PFX_PASSWORD.decode()
    api = leader.post(
        f"/api/v1/outgoing/drafts/{draft.pk}/sign", {"pkcs12": _pfx(pki.colleague), "password": password}
    )
    assert api.status_code == 422
    body = api.json()
    assert body["code"] == "certificate_not_registered" and body["field"] == "certificate"
    assert cast.leader_a.full_name in body["message"] and body["details"]["sha256"] == _fingerprint(
        pki.colleague
    )
    batch = leader.post(
        "/api/v1/outgoing/sign",
        {"draft_ids": str(draft.pk), "pkcs12": _pfx(pki.colleague), "password": password},
    )
    assert batch.status_code == 422 and batch.json()["code"] == "certificate_not_registered"
    page = leader.post(
        reverse("outgoing:sign", args=[draft.pk]),
        {"pkcs12": _pfx(pki.colleague), "password": password},
        follow=True,
    )
    assert "chưa được đăng ký cho" in page.content.decode()
    box = leader.post(
        reverse("outgoing:to_sign"),
        {"draft": [draft.pk], "pkcs12": _pfx(pki.colleague), "password": password},
    )
    assert box.status_code == 422 and "hãy nhờ quản trị" in box.content.decode().lower()
    _nothing_signed(draft)
