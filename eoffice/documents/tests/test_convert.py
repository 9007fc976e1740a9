"""DOCX → PDF through real LibreOffice, kept per content; failures named plainly."""

from __future__ import annotations

import pytest
from django.test import override_settings

from eoffice.core.errors import ValidationFailed
from eoffice.documents import blobs, convert, processing
from eoffice.documents.models import Conversion
from eoffice.documents.tests import samples

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

DOCX = convert.CONTENT_TYPES["docx"]


def _docx(text: str) -> blobs.StoredFile:
    return blobs.store_bytes(samples.docx_for([text, "Nơi nhận: Như trên;"]), content_type=DOCX)


def test_docx_converts_once_and_the_pdf_is_kept() -> None:
    source = _docx("Quyết định về việc ban hành quy chế làm việc")
    pdf = convert.pdf_of(source)
    data = blobs.read_bytes(pdf)
    assert pdf.content_type == "application/pdf" and data.startswith(b"%PDF")
    assert "ban hành quy chế" in " ".join(processing.page_texts(data))
    # The second call must not need LibreOffice at all: with no converter installed it still answers.
    with override_settings(EOFFICE_SOFFICE_BIN="/nonexistent/soffice"):
        assert convert.pdf_of(source) == pdf
    assert Conversion.objects.filter(source=source).count() == 1


def test_a_pdf_is_its_own_pdf() -> None:
    stored = blobs.store_bytes(samples.pdf_for(samples.DECISION), content_type="application/pdf")
    assert convert.pdf_of(stored) == stored
    assert not Conversion.objects.exists()


def test_a_conversion_that_takes_too_long_is_stopped_with_a_clear_error() -> None:
    source = _docx("Tờ trình")
    with pytest.raises(ValidationFailed) as caught:
        convert.pdf_of(source, timeout=0.05)
    assert caught.value.code == "conversion_timeout"
    assert "quá thời gian" in caught.value.message
    assert not Conversion.objects.exists()


def test_a_broken_docx_is_refused_and_nothing_kept() -> None:
    stored = blobs.store_bytes(b"PK\x03\x04 not really a word document", content_type=DOCX)
    with pytest.raises(ValidationFailed) as caught:
        convert.pdf_of(stored)
    assert caught.value.code == "conversion_failed"
    assert not Conversion.objects.exists()


def test_other_kinds_are_not_converted() -> None:
    stored = blobs.store_bytes(b"\x89PNG\r\n\x1a\n....", content_type="image/png")
    with pytest.raises(ValidationFailed) as caught:
        convert.pdf_of(stored)
    assert caught.value.code == "not_convertible"


def test_a_missing_converter_is_named() -> None:
    source = _docx("Báo cáo")
    with (
        override_settings(EOFFICE_SOFFICE_BIN="/nonexistent/soffice"),
        pytest.raises(ValidationFailed) as caught,
    ):
        convert.pdf_of(source)
    assert caught.value.code == "converter_missing"
