"""/api/v1/signing/validate and the /signing/validate/ page: who may, who may not, what they see."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from eoffice.signing.tests.flows import Signed, sign_both
from eoffice.signing.tests.pki import Pki, sample_pdf
from eoffice.testing.cast import Cast

API = "/api/v1/signing/validate"
PAGE = "/signing/validate/"


@pytest.fixture(scope="module")
def signed(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> Signed:
    path = pki.write_trust_store(tmp_path_factory.mktemp("trust"))
    with override_settings(EOFFICE_TRUST_STORE=str(path)):
        return sign_both(pki)


def _client(user: object | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)  # type: ignore[arg-type]
    return client


def _upload(client: Client, url: str, data: bytes, *, htmx: bool = False) -> Any:
    headers = {"HX-Request": "true"} if htmx else {}
    upload = SimpleUploadedFile("van-ban.pdf", data, "application/pdf")
    return client.post(url, {"file": upload}, headers=headers)


def test_api_validates_for_agency_staff(cast: Cast, signed: Signed, trust_store: Path) -> None:
    for user in (cast.clerk_a, cast.leader_a, cast.specialist_a, cast.clerk_b, cast.superuser):
        response = _upload(_client(user), API, signed.final)
        assert response.status_code == 200, (user.username, response.content)
        body = response.json()
        assert body["all_valid"] is True and len(body["sha256"]) == 64
        names = [s["field_name"] for s in body["signatures"]]
        assert names == ["LanhDao", "VanThu"]
        leader = body["signatures"][0]
        assert leader["signer_name"] == "Nguyễn Văn An" and leader["modification_level"] == "FORM_FILLING"
        assert leader["signing_time"] and leader["certificate_chain"]


def test_api_refuses_outsiders_and_anonymous(cast: Cast, signed: Signed, trust_store: Path) -> None:
    anonymous = _upload(_client(), API, signed.final)
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "unauthenticated"
    outsider = _upload(_client(cast.outsider), API, signed.final)
    assert outsider.status_code == 403 and outsider.json()["code"] == "permission_denied"


def test_api_reports_tampering(cast: Cast, signed: Signed, trust_store: Path) -> None:
    data = bytearray(signed.final)
    data[data.index(b"stream", 200) + 40] ^= 0x01
    body = _upload(_client(cast.clerk_a), API, bytes(data)).json()
    assert body["all_valid"] is False
    assert all(not s["intact"] and s["problems"] for s in body["signatures"])


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"", "pdf_corrupt"), (b"not a pdf", "pdf_corrupt"), (b"%PDF-1.7\ngarbage", "pdf_corrupt")],
)
def test_api_refuses_bad_files_with_structured_errors(
    cast: Cast, data: bytes, code: str, trust_store: Path
) -> None:
    response = _upload(_client(cast.clerk_a), API, data)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == code and body["field"] == "file" and body["message"]


def test_api_refuses_oversized_files(cast: Cast, trust_store: Path) -> None:
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=None):
        from eoffice.signing import pades

        big = b"%PDF-1.7\n" + b"0" * (pades.MAX_PDF_BYTES + 1)
        response = _upload(_client(cast.clerk_a), API, big)
    assert response.status_code == 422 and response.json()["code"] == "pdf_too_large"


def test_api_without_a_file_is_refused(cast: Cast) -> None:
    response = _client(cast.clerk_a).post(API, {})
    assert response.status_code == 422


def test_page_shows_the_verdicts(cast: Cast, signed: Signed, trust_store: Path) -> None:
    client = _client(cast.clerk_a)
    page = client.get(PAGE)
    assert page.status_code == 200 and 'name="file"' in page.content.decode()
    response = _upload(client, PAGE, signed.final)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tất cả 2 chữ ký số đều hợp lệ." in html and "Nguyễn Văn An" in html and "table-responsive" in html
    partial = _upload(client, PAGE, signed.final, htmx=True)
    assert "<html" not in partial.content.decode() and 'data-field="VanThu"' in partial.content.decode()


def test_page_shows_refusals_and_unsigned_files(cast: Cast, trust_store: Path) -> None:
    client = _client(cast.leader_a)
    bad = _upload(client, PAGE, b"hello")
    assert bad.status_code == 422 and "không phải PDF hợp lệ" in bad.content.decode()
    unsigned = _upload(client, PAGE, sample_pdf())
    assert unsigned.status_code == 200 and "Tệp không có chữ ký số." in unsigned.content.decode()


def test_page_refuses_outsiders_and_anonymous(cast: Cast) -> None:
    assert _client(cast.outsider).get(PAGE).status_code == 403
    anonymous = _client().get(PAGE)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


def test_menu_links_the_page_for_staff(cast: Cast) -> None:
    home = _client(cast.clerk_a).get("/").content.decode()
    assert PAGE in home and "Kiểm tra chữ ký số" in home
    assert PAGE not in _client(cast.outsider).get("/").content.decode()
