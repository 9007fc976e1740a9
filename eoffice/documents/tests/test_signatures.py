"""Every signature on every PDF of an incoming document, validated against the trust store and
shown on its page and in the API: signer, chain, time, integrity, changes since signing, trust."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from eoffice.core.actor import Actor
from eoffice.documents import services
from eoffice.documents.models import Document
from eoffice.documents.tests.conftest import login
from eoffice.signing import pades
from eoffice.signing.models import SignatureCheck
from eoffice.signing.signers import Pkcs12Signer
from eoffice.signing.tests.pki import PFX_PASSWORD, Pki, build_pki, sample_pdf, signature_png
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def pki() -> Pki:
    return build_pki()


@pytest.fixture
def trust_store(pki: Pki, tmp_path: Path) -> Iterator[Path]:
    path = pki.write_trust_store(tmp_path)
    with override_settings(EOFFICE_TRUST_STORE=str(path)):
        yield path


@pytest.fixture(scope="module")
def signed_pdf(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = pki.write_trust_store(tmp_path_factory.mktemp("trust"))
    with override_settings(EOFFICE_TRUST_STORE=str(path)):
        signer = Pkcs12Signer(pki.leader.pfx(), PFX_PASSWORD)
        return pades.sign_personal(
            pades.prepare_for_signing(sample_pdf()), signer=signer, signature_image=signature_png()
        )


def _tampered(data: bytes) -> bytes:
    changed = bytearray(data)
    changed[changed.index(b"stream", 200) + 40] ^= 0x01
    return bytes(changed)


def _received(cast: Cast, main: bytes, attachment: bytes) -> Document:
    return services.document_receive_upload(
        actor=Actor(user=cast.clerk_a, position=cast.position(cast.clerk_a)),
        main_files=[services.UploadPart("quyet-dinh.pdf", main)],
        attachments=[services.UploadPart("phu-luc-bi-sua.pdf", attachment)],
    )


def test_the_page_shows_each_signature_and_a_tampered_file(
    cast: Cast, signed_pdf: bytes, trust_store: Path
) -> None:
    document = _received(cast, signed_pdf, _tampered(signed_pdf))
    page = login(cast.clerk_a).get(reverse("documents:detail", args=[document.pk])).content.decode()
    panel = page[page.index('id="signatures"') :]
    assert "quyet-dinh.pdf" in panel and "phu-luc-bi-sua.pdf" in panel
    assert "Chữ ký hợp lệ" in panel and "Được tin cậy" in panel and "CA thử nghiệm eOffice" in panel
    # The attachment was changed after signing.
    assert "Nội dung bị sửa đổi sau khi ký" in panel and "Chữ ký không hợp lệ" in panel
    # Cached: the second view validates nothing again.
    assert SignatureCheck.objects.count() == 2
    login(cast.clerk_a).get(reverse("documents:detail", args=[document.pk]))
    assert SignatureCheck.objects.count() == 2


def test_the_api_returns_the_reports_to_those_who_may_read(
    cast: Cast, signed_pdf: bytes, trust_store: Path
) -> None:
    document = _received(cast, signed_pdf, _tampered(signed_pdf))
    url = f"/api/v1/documents/{document.pk}"
    body = login(cast.clerk_a).get(url).json()
    by_name = {s["file_name"]: s for s in body["signatures"]}
    main = by_name["quyet-dinh.pdf"]
    assert main["all_valid"] and main["signatures"][0]["trusted"] and main["signatures"][0]["signing_time"]
    assert main["signatures"][0]["certificate_chain"]
    broken = by_name["phu-luc-bi-sua.pdf"]["signatures"][0]
    assert not broken["intact"] and not broken["bottom_line"]
    assert login(cast.leader_a).get(url).status_code == 200
    for user in (cast.specialist_a, cast.clerk_b, cast.outsider):
        assert login(user).get(url).status_code == 404
        assert login(user).get(reverse("documents:detail", args=[document.pk])).status_code == 404


def test_untrusted_when_the_ca_is_not_configured(cast: Cast, signed_pdf: bytes, tmp_path: Path) -> None:
    empty = tmp_path / "trust"
    empty.mkdir()
    with override_settings(EOFFICE_TRUST_STORE=str(empty)):
        document = _received(cast, signed_pdf, sample_pdf())
        page = login(cast.clerk_a).get(reverse("documents:detail", args=[document.pk])).content.decode()
    panel = page[page.index('id="signatures"') :]
    assert "Không được tin cậy" in panel and "Tệp không có chữ ký số." in panel


def test_a_misconfigured_trust_store_leaves_the_page_readable(
    cast: Cast, signed_pdf: bytes, trust_store: Path, tmp_path: Path
) -> None:
    document = _received(cast, signed_pdf, sample_pdf())
    with override_settings(EOFFICE_TRUST_STORE=str(tmp_path / "khong-co")):
        response = login(cast.clerk_a).get(reverse("documents:detail", args=[document.pk]))
        api = login(cast.clerk_a).get(f"/api/v1/documents/{document.pk}")
    assert response.status_code == 200, response.status_code
    panel = response.content.decode()[response.content.decode().index('id="signatures"') :]
    assert "kho chứng thư tin cậy của hệ thống chưa được cấu hình đúng" in panel
    assert api.status_code == 200
    assert {s["error"] for s in api.json()["signatures"]} == {"trust_store_unreadable"}
