"""Bad files are refused with a clear message, and nothing is stored or registered."""

from __future__ import annotations

import pytest

from eoffice.core.actor import Actor
from eoffice.core.errors import ValidationFailed
from eoffice.documents import services
from eoffice.documents.models import Document, StoredFile
from eoffice.documents.tests import samples
from eoffice.documents.validation import check_upload, clean_name, sniff


def _actor(cast) -> Actor:
    return Actor(user=cast.clerk_a, position=cast.position(cast.clerk_a))


def _refused(cast, data: bytes, name: str = "van-ban.pdf") -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        services.document_receive_upload(actor=_actor(cast), main_files=[services.UploadPart(name, data)])
    assert Document.objects.count() == 0 and StoredFile.objects.count() == 0
    return caught.value


def test_empty_file(cast) -> None:
    error = _refused(cast, b"")
    assert error.code == "file_empty" and "rỗng" in error.message


def test_pdf_without_pages(cast) -> None:
    error = _refused(cast, samples.empty_pdf())
    assert error.code == "pdf_empty" and "không có trang" in error.message


def test_encrypted_pdf(cast) -> None:
    error = _refused(cast, samples.encrypted_pdf(samples.pdf_for(samples.DECISION)))
    assert error.code == "pdf_encrypted" and "mã hóa" in error.message


def test_owner_password_only_pdf_is_refused_too(cast) -> None:
    data = samples.encrypted_pdf(samples.pdf_for(samples.DECISION), user_password="")
    assert _refused(cast, data).code == "pdf_encrypted"


@pytest.mark.parametrize("cut", [0.5, 0.1])
def test_corrupt_pdf(cast, cut: float) -> None:
    pdf = samples.pdf_for(samples.DECISION)
    error = _refused(cast, pdf[: int(len(pdf) * cut)])
    assert error.code == "pdf_corrupt" and "hỏng" in error.message


def test_file_over_the_limit(cast, settings) -> None:
    settings.EOFFICE_DOCUMENT_MAX_BYTES = 4096
    error = _refused(cast, samples.pdf_for(samples.DECISION))
    assert error.code == "file_too_large" and "vượt giới hạn" in error.message
    assert error.details["limit"] == 4096


def test_wrong_type_is_found_from_the_content_not_the_name(cast) -> None:
    error = _refused(cast, b"MZ\x90\x00 this is an executable", name="van-ban.pdf")
    assert error.code == "file_type_not_allowed"
    html = b"<html><script>alert(1)</script></html>"
    assert _refused(cast, html, name="a.pdf").code == "file_type_not_allowed"


def test_allowed_types_are_configurable(cast, settings) -> None:
    settings.EOFFICE_DOCUMENT_MAIN_TYPES = ["pdf"]
    png = samples.page_images(samples.pdf_for(samples.DECISION), dpi=50)[0]
    assert _refused(cast, png, name="trang-1.png").code == "file_type_not_allowed"


def test_mixed_main_files_are_refused(cast) -> None:
    pdf = samples.pdf_for(samples.DECISION)
    png = samples.page_images(pdf, dpi=50)[0]
    with pytest.raises(ValidationFailed) as caught:
        services.document_receive_upload(
            actor=_actor(cast),
            main_files=[services.UploadPart("a.pdf", pdf), services.UploadPart("b.png", png)],
        )
    assert caught.value.code == "main_file_multiple"
    assert Document.objects.count() == 0


def test_bad_attachment_refuses_the_whole_upload(cast) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.document_receive_upload(
            actor=_actor(cast),
            main_files=[services.UploadPart("a.pdf", samples.pdf_for(samples.DECISION))],
            attachments=[services.UploadPart("phu-luc.pdf", b"%PDF-1.4 broken")],
        )
    assert caught.value.field == "attachments"
    assert Document.objects.count() == 0


def test_corrupt_image(cast) -> None:
    png = samples.page_images(samples.pdf_for(samples.DECISION), dpi=50)[0]
    assert _refused(cast, png[:200], name="trang.png").code == "image_corrupt"


def test_docx_is_recognised_and_zip_garbage_is_not() -> None:
    assert sniff(samples.docx_for(["Xin chào"])) == "docx"
    assert sniff(b"PK\x03\x04garbage") is None
    checked = check_upload("Tờ trình.docx", samples.docx_for(["Tờ trình"]), allowed=["docx"], field="f")
    assert checked.kind == "docx"


def test_client_paths_are_stripped_from_names() -> None:
    assert clean_name("../../etc/passwd") == "passwd"
    assert clean_name("C:\\Users\\a\\Quyết định.pdf") == "Quyết định.pdf"
    assert clean_name("\x00\x1b") == "tep-khong-ten"
