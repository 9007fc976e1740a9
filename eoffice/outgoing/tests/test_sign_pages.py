"""Signing pages: the "Văn bản chờ ký" box with batch signing, the organisation signature on the
draft page, the signed files and their validation report; who may and who may not."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from eoffice.outgoing import numbering
from eoffice.outgoing.models import Draft, DraftSignature, DraftStatus
from eoffice.outgoing.tests.conftest import actor_of, login, make_draft
from eoffice.outgoing.tests.signkit import chain, give_credentials, leader_signs, to_sign_step
from eoffice.signing.tests.pki import PFX_PASSWORD, Pki, register_certificate
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _p12(pki: Pki, who: str = "leader") -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{who}.p12", getattr(pki, who).pfx(), content_type="application/x-pkcs12")


def _at_sign_step(cast: Cast) -> Draft:
    chain(cast)
    draft = make_draft(cast, recipient_ids=[cast.agency_b.pk])
    to_sign_step(cast, draft)
    return draft


def test_the_to_sign_box_lists_only_the_signers_drafts(cast: Cast) -> None:
    draft = _at_sign_step(cast)
    link = reverse("outgoing:draft", args=[draft.pk])
    assert link in login(cast.leader_a).get(reverse("outgoing:to_sign")).content.decode()
    for who in (cast.specialist_a, cast.unit_head_a, cast.clerk_a, cast.clerk_b, cast.outsider):
        page = login(who).get(reverse("outgoing:to_sign")).content.decode()
        assert link not in page and "Không có văn bản chờ ký." in page


def test_batch_signing_from_the_box(cast: Cast, pki: Pki, trusted: Path) -> None:
    give_credentials(cast, pki)
    first = _at_sign_step(cast)
    second = make_draft(cast, recipient_ids=[cast.agency_b.pk])
    to_sign_step(cast, second)
    leader = login(cast.leader_a)
    wrong = leader.post(
        reverse("outgoing:to_sign"),
        {"draft": [first.pk, second.pk], "pkcs12": _p12(pki), "password": "sai-mat-khau"},
    )
    assert wrong.status_code == 422 and "Mã PIN hoặc mật khẩu" in wrong.content.decode()
    assert not DraftSignature.objects.exists()
    nothing = leader.post(reverse("outgoing:to_sign"), {"pkcs12": _p12(pki), "password": "x"})
    assert nothing.status_code == 422 and "Hãy chọn ít nhất một văn bản" in nothing.content.decode()
    done = leader.post(
        reverse("outgoing:to_sign"),
        {"draft": [first.pk, second.pk], "pkcs12": _p12(pki), "password": PFX_PASSWORD.decode()},
    )
    assert done.status_code == 200 and 'data-ok="1"' in done.content.decode()
    assert set(Draft.objects.values_list("status", flat=True)) == {DraftStatus.APPROVED}


def test_someone_elses_draft_in_a_batch_is_refused_on_its_own_line(
    cast: Cast, pki: Pki, trusted: Path
) -> None:
    give_credentials(cast, pki)
    draft = _at_sign_step(cast)
    clerk = login(cast.clerk_a)
    # The leader's key in the clerk's hands: its certificate is not hers, the batch is refused.
    borrowed = clerk.post(
        reverse("outgoing:to_sign"),
        {"draft": [draft.pk], "pkcs12": _p12(pki), "password": PFX_PASSWORD.decode()},
    )
    assert (
        borrowed.status_code == 422
        and "chưa được đăng ký cho Nguyễn Thị Văn Thư" in borrowed.content.decode()
    )
    register_certificate(actor_of(cast, cast.admin_a), cast.agency_a, pki.colleague, user_id=cast.clerk_a.pk)
    page = clerk.post(
        reverse("outgoing:to_sign"),
        {"draft": [draft.pk], "pkcs12": _p12(pki, "colleague"), "password": PFX_PASSWORD.decode()},
    )
    assert page.status_code == 422 and 'data-ok="0"' in page.content.decode()
    draft.refresh_from_db()
    assert draft.status == DraftStatus.IN_REVIEW


def test_organisation_signature_from_the_draft_page(cast: Cast, pki: Pki, trusted: Path) -> None:
    give_credentials(cast, pki)
    draft = _at_sign_step(cast)
    leader_signs(cast, pki, draft)
    numbering.draft_number(actor=actor_of(cast, cast.clerk_a), draft=draft)
    url = reverse("outgoing:org_sign", args=[draft.pk])
    clerk = login(cast.clerk_a)
    assert 'id="org-sign-form"' in clerk.get(reverse("outgoing:draft", args=[draft.pk])).content.decode()
    assert (
        'id="org-sign-form"'
        not in login(cast.leader_a).get(reverse("outgoing:draft", args=[draft.pk])).content.decode()
    )
    body = {"pkcs12": _p12(pki, "org"), "password": PFX_PASSWORD.decode()}
    assert login(cast.leader_a).post(url, body).status_code == 403
    assert login(cast.clerk_b).post(url, {"pkcs12": _p12(pki, "org"), "password": "x"}).status_code == 404
    clerk.post(url, {"pkcs12": _p12(pki, "org"), "password": PFX_PASSWORD.decode()})
    assert DraftSignature.objects.get(draft=draft).org_signed
    report = login(cast.specialist_a).get(reverse("outgoing:signatures", args=[draft.pk])).content.decode()
    assert report.count("Hợp lệ") >= 3  # two signatures on the final PDF, one on the leader's PDF
    pdf = login(cast.specialist_a).get(reverse("outgoing:signed_file", args=[draft.pk, 0]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert (
        login(cast.specialist_a).get(reverse("outgoing:signed_file", args=[draft.pk, 9])).status_code == 404
    )
    for who in (cast.clerk_b, cast.outsider):
        assert login(who).get(reverse("outgoing:signatures", args=[draft.pk])).status_code == 404
        assert login(who).get(reverse("outgoing:signed_file", args=[draft.pk, 0])).status_code == 404
