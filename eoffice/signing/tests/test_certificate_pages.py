"""Registered certificates on the credentials page and through /api/v1/signing/certificates: who
may and who may not, errors beside the field / as structured JSON, the page at phone width."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from eoffice.signing.models import SigningCertificate
from eoffice.signing.tests.pki import Pki
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db
API = "/api/v1/signing/certificates"
PAGE = "/signing/credentials/"


def _login(user: Any, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _file(data: bytes, name: str = "chung-thu.cer") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pkix-cert")


def test_the_administrator_registers_and_withdraws_on_the_page(
    cast: Cast, pki: Pki, trust_store: Path
) -> None:
    assert reverse("signing:credentials") == PAGE
    admin = _login(cast.admin_a)
    empty = admin.get(PAGE).content.decode()
    assert 'id="certificate-form"' in empty and "Chưa có chứng thư số nào được đăng ký." in empty
    form = {
        "action": "certificate",
        "user": str(cast.leader_a.pk),
        "certificate": _file(pki.leader.cert_pem()),
    }
    assert admin.post(PAGE, form).status_code == 302
    agency = {"action": "certificate", "user": "", "certificate": _file(pki.org.cert_der(), "co-quan.der")}
    assert admin.post(PAGE, agency).status_code == 302
    page = admin.get(PAGE).content.decode()
    assert (
        "Đã đăng ký chứng thư số" in page and "Nguyễn Văn An" in page and "Sở Nội vụ tỉnh Thử Nghiệm" in page
    )
    assert page.count("data-certificate=") == 2 and page.count('value="withdraw_certificate"') == 2
    row = SigningCertificate.objects.get(user=cast.leader_a)
    withdrawn = admin.post(PAGE, {"action": "withdraw_certificate", "certificate_id": str(row.pk)})
    assert withdrawn.status_code == 302
    row.refresh_from_db()
    assert not row.is_active
    after = admin.get(PAGE).content.decode()
    assert "Đã thu hồi ngày" in after and after.count('value="withdraw_certificate"') == 1


def test_errors_are_shown_beside_the_field_and_nothing_is_kept(
    cast: Cast, pki: Pki, trust_store: Path
) -> None:
    admin = _login(cast.admin_a)
    for data, words in (
        (pki.leader.pfx(), "khóa bí mật"),
        (b"rac", "đúng một chứng thư số"),
        (pki.stranger.cert_pem(), "không thể đăng ký"),
        (b"x" * 20_000, "16 KB"),
    ):
        form = {"action": "certificate", "user": str(cast.leader_a.pk), "certificate": _file(data)}
        response = admin.post(PAGE, form)
        assert response.status_code == 422
        html = response.content.decode()
        beside = re.search(r'id="certificate-file-error">([^<]*)<', html)
        assert beside is not None and words in beside.group(1), html[-3000:]
        assert 'class="form-control is-invalid"' in html
    no_file = admin.post(PAGE, {"action": "certificate", "user": str(cast.leader_a.pk)})
    assert no_file.status_code == 422 and "Hãy chọn tệp chứng thư số" in no_file.content.decode()
    wrong_person = {
        "action": "certificate",
        "user": str(cast.clerk_b.pk),
        "certificate": _file(pki.leader.cert_pem()),
    }
    html = admin.post(PAGE, wrong_person).content.decode()
    assert re.search(r'id="certificate-user-error">Người dùng không có chức vụ', html)
    assert not SigningCertificate.objects.exists()


@pytest.mark.parametrize("who", ["leader_a", "unit_head_a", "specialist_a", "clerk_a", "clerk_b"])
def test_others_neither_see_the_form_nor_register(cast: Cast, pki: Pki, trust_store: Path, who: str) -> None:
    client = _login(getattr(cast, who))
    page = client.get(PAGE).content.decode()
    assert 'id="certificate-form"' not in page and "Chứng thư số của tôi" in page
    form = {
        "action": "certificate",
        "user": str(getattr(cast, who).pk),
        "certificate": _file(pki.leader.cert_pem()),
    }
    assert client.post(PAGE, form).status_code == 403
    assert not SigningCertificate.objects.exists()


def test_the_person_sees_their_own_and_withdraw_needs_the_admin_and_csrf(
    cast: Cast, pki: Pki, trust_store: Path
) -> None:
    admin = _login(cast.admin_a)
    form = {
        "action": "certificate",
        "user": str(cast.leader_a.pk),
        "certificate": _file(pki.leader.cert_pem()),
    }
    admin.post(PAGE, form)
    row = SigningCertificate.objects.get()
    leader = _login(cast.leader_a)
    mine = leader.get(PAGE).content.decode()
    assert "Nguyễn Văn An" in mine and "Đang dùng" in mine and 'value="withdraw_certificate"' not in mine
    assert (
        leader.post(PAGE, {"action": "withdraw_certificate", "certificate_id": str(row.pk)}).status_code
        == 403
    )
    no_token = _login(cast.admin_a, csrf=True).post(
        PAGE, {"action": "withdraw_certificate", "certificate_id": str(row.pk)}
    )
    assert no_token.status_code == 403
    row.refresh_from_db()
    assert row.is_active
    assert (
        "Chưa có chứng thư số nào được đăng ký cho bạn" in _login(cast.unit_head_a).get(PAGE).content.decode()
    )


def test_the_page_fits_a_phone(cast: Cast, pki: Pki, trust_store: Path) -> None:
    admin = _login(cast.admin_a)
    form = {
        "action": "certificate",
        "user": str(cast.leader_a.pk),
        "certificate": _file(pki.leader.cert_pem()),
    }
    admin.post(PAGE, form)
    response = admin.get(PAGE, headers={"User-Agent": "Mozilla/5.0 (iPhone; 375px)"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="viewport" content="width=device-width' in html
    # The list scrolls inside its own box; long subjects wrap; the form's fields stack (col-12).
    section = html[html.index('id="certificates"') :]
    assert '<div class="table-responsive">' in section and 'class="text-break"' in section
    assert 'class="col-12 col-md-4"' in section and 'class="col-12 col-md-8"' in section


def test_the_api_registers_lists_and_withdraws(cast: Cast, pki: Pki, trust_store: Path) -> None:
    admin = _login(cast.admin_a)
    created = admin.post(API, {"user_id": str(cast.leader_a.pk), "certificate": _file(pki.leader.cert_pem())})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["owner_kind"] == "user" and body["user_id"] == cast.leader_a.pk and body["in_use"] is True
    assert body["owner"] == cast.leader_a.full_name and len(body["sha256"]) == 64
    agency = admin.post(API, {"certificate": _file(pki.org.cert_der())})
    assert agency.status_code == 201 and agency.json()["owner_kind"] == "agency"
    assert {c["id"] for c in admin.get(API).json()} == {body["id"], agency.json()["id"]}
    assert [c["id"] for c in _login(cast.leader_a).get(f"{API}/mine").json()] == [body["id"]]
    assert _login(cast.unit_head_a).get(f"{API}/mine").json() == []
    # Who may not.
    for who in (cast.leader_a, cast.clerk_a, cast.specialist_a, cast.clerk_b):
        client = _login(who)
        assert client.get(API).status_code == 403
        refused = client.post(API, {"certificate": _file(pki.colleague.cert_pem())})
        assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
        assert client.post(f"{API}/{body['id']}/withdraw").status_code == 403
    assert _login(cast.outsider).get(API).status_code == 403
    assert Client().get(API).status_code == 401
    # Withdraw, then again.
    done = admin.post(f"{API}/{body['id']}/withdraw")
    assert done.status_code == 200 and done.json()["in_use"] is False and done.json()["withdrawn_at"]
    again = admin.post(f"{API}/{body['id']}/withdraw")
    assert again.status_code == 409 and again.json()["code"] == "certificate_already_withdrawn"


def test_the_api_refuses_bad_uploads_with_structured_errors(cast: Cast, pki: Pki, trust_store: Path) -> None:
    admin = _login(cast.admin_a)
    for data, code in (
        (pki.leader.pfx(), "certificate_has_secret"),
        (pki.leader.cert_pem() + pki.org.cert_pem(), "certificate_invalid"),
        (pki.expired.cert_pem(), "certificate_expired"),
        (b"0" * 20_000, "certificate_too_large"),
    ):
        response = admin.post(API, {"certificate": _file(data)})
        assert response.status_code == 422
        body = response.json()
        assert set(body) == {"code", "message", "field", "details"}
        assert body["code"] == code and body["field"] == "certificate" and body["message"]
    missing = admin.post(API, {"user_id": str(cast.leader_a.pk)})
    assert missing.status_code == 422 and missing.json()["code"] == "certificate_required"
    admin.post(API, {"user_id": str(cast.unit_head_a.pk), "certificate": _file(pki.colleague.cert_pem())})
    taken = admin.post(
        API, {"user_id": str(cast.leader_a.pk), "certificate": _file(pki.colleague.cert_pem())}
    )
    assert taken.status_code == 422 and taken.json()["code"] == "certificate_registered_to_other"
    assert SigningCertificate.objects.count() == 1
