"""/api/v1/outgoing signing endpoints: to-sign box, batch and single signing, the organisation's
signature and the validation report; who may and who may not; bad keys refused plainly."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from eoffice.outgoing import numbering
from eoffice.outgoing.models import Draft, DraftSignature, DraftStatus
from eoffice.outgoing.tests.conftest import actor_of, login, make_draft
from eoffice.outgoing.tests.signkit import chain, give_credentials, to_sign_step
from eoffice.signing.tests.pki import PFX_PASSWORD, Pki, register_certificate
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db
BASE = "/api/v1/outgoing"


def _p12(data: bytes, name: str = "k.p12") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/x-pkcs12")


def _at_sign_step(cast: Cast) -> Draft:
    chain(cast)
    draft = make_draft(cast, recipient_ids=[cast.agency_b.pk])
    to_sign_step(cast, draft)
    return draft


def test_to_sign_list_by_role(cast: Cast) -> None:
    draft = _at_sign_step(cast)
    listed = login(cast.leader_a).get(f"{BASE}/to-sign").json()
    assert [d["draft_id"] for d in listed] == [draft.pk] and listed[0]["version"] == 1
    for who in (cast.specialist_a, cast.unit_head_a, cast.clerk_a, cast.clerk_b, cast.outsider):
        assert login(who).get(f"{BASE}/to-sign").json() == []


def test_batch_sign_org_sign_and_validation_report(cast: Cast, pki: Pki, trusted: Path) -> None:
    give_credentials(cast, pki)
    draft = _at_sign_step(cast)
    leader = login(cast.leader_a)
    password = PFX_PASSWORD.decode()
    wrong = leader.post(
        f"{BASE}/sign", {"draft_ids": str(draft.pk), "pkcs12": _p12(pki.leader.pfx()), "password": "x"}
    )
    assert wrong.status_code == 422 and wrong.json()["code"] == "wrong_pin"
    garbage = leader.post(
        f"{BASE}/sign", {"draft_ids": str(draft.pk), "pkcs12": _p12(b"not a key"), "password": "x"}
    )
    assert garbage.status_code == 422 and garbage.json()["code"] == "wrong_pin"
    huge = leader.post(f"{BASE}/sign", {"draft_ids": str(draft.pk), "pkcs12": _p12(b"0" * 70_000)})
    assert huge.status_code == 422 and huge.json()["code"] == "pkcs12_too_large"
    no_key = leader.post(f"{BASE}/sign", {"draft_ids": str(draft.pk), "pin": "123456"})
    assert no_key.status_code == 422 and no_key.json()["code"] == "no_key"
    assert not DraftSignature.objects.exists()
    # The clerk brings the leader's key: the certificate is not registered to her, so the whole
    # batch is refused before anything is signed.
    clerk = login(cast.clerk_a)
    borrowed = clerk.post(
        f"{BASE}/sign", {"draft_ids": str(draft.pk), "pkcs12": _p12(pki.leader.pfx()), "password": password}
    )
    assert borrowed.status_code == 422 and borrowed.json()["code"] == "certificate_not_registered"
    assert borrowed.json()["field"] == "certificate" and "Nguyễn Thị Văn Thư" in borrowed.json()["message"]
    assert not DraftSignature.objects.exists()
    # With her own registered key, someone else's draft is refused on its own line.
    register_certificate(actor_of(cast, cast.admin_a), cast.agency_a, pki.colleague, user_id=cast.clerk_a.pk)
    refused = clerk.post(
        f"{BASE}/sign",
        {"draft_ids": str(draft.pk), "pkcs12": _p12(pki.colleague.pfx()), "password": password},
    )
    assert refused.json() == [
        {
            "draft_id": draft.pk,
            "ok": False,
            "code": "permission_denied",
            "message": refused.json()[0]["message"],
        }
    ]
    done = leader.post(
        f"{BASE}/sign",
        {"draft_ids": f"{draft.pk},{draft.pk}", "pkcs12": _p12(pki.leader.pfx()), "password": password},
    )
    assert done.json() == [{"draft_id": draft.pk, "ok": True, "code": "", "message": ""}]
    draft.refresh_from_db()
    assert draft.status == DraftStatus.APPROVED

    numbering.draft_number(actor=actor_of(cast, cast.clerk_a), draft=draft)
    org = {"pkcs12": _p12(pki.org.pfx()), "password": password}
    assert login(cast.leader_a).post(f"{BASE}/drafts/{draft.pk}/org-sign", org).status_code == 403
    other = login(cast.clerk_b).post(
        f"{BASE}/drafts/{draft.pk}/org-sign", {"pkcs12": _p12(pki.org.pfx()), "password": password}
    )
    assert other.status_code == 404
    signed = clerk.post(
        f"{BASE}/drafts/{draft.pk}/org-sign", {"pkcs12": _p12(pki.org.pfx()), "password": password}
    )
    assert signed.status_code == 200 and signed.json()["org_signed"] is True
    again = clerk.post(
        f"{BASE}/drafts/{draft.pk}/org-sign", {"pkcs12": _p12(pki.org.pfx()), "password": password}
    )
    assert again.status_code == 409 and again.json()["code"] == "already_org_signed"

    report = login(cast.specialist_a).get(f"{BASE}/drafts/{draft.pk}/signatures").json()
    assert report["signature"]["key_kind"] == "pkcs12"
    final = report["files"][0]["validation"]
    assert final["all_valid"] and [s["field_name"] for s in final["signatures"]] == ["LanhDao", "VanThu"]
    for who in (cast.clerk_b, cast.outsider):
        assert login(who).get(f"{BASE}/drafts/{draft.pk}/signatures").status_code == 404


def test_single_sign_refusals(cast: Cast, pki: Pki, trusted: Path) -> None:
    give_credentials(cast, pki)
    draft = _at_sign_step(cast)
    password = PFX_PASSWORD.decode()
    expired = login(cast.leader_a).post(
        f"{BASE}/drafts/{draft.pk}/sign", {"pkcs12": _p12(pki.expired.pfx()), "password": password}
    )
    assert expired.status_code == 422 and expired.json()["code"] == "certificate_expired"
    stranger = login(cast.leader_a).post(
        f"{BASE}/drafts/{draft.pk}/sign", {"pkcs12": _p12(pki.stranger.pfx()), "password": password}
    )
    assert stranger.status_code == 422 and stranger.json()["code"] == "certificate_untrusted"
    head = login(cast.unit_head_a).post(
        f"{BASE}/drafts/{draft.pk}/sign", {"pkcs12": _p12(pki.leader.pfx()), "password": password}
    )
    assert head.status_code == 403
    assert login(cast.clerk_b).post(f"{BASE}/drafts/{draft.pk}/sign", {"pin": "1"}).status_code == 404
    draft.refresh_from_db()
    assert draft.status == DraftStatus.IN_REVIEW and not DraftSignature.objects.exists()
