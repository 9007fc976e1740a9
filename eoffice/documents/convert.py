"""The PDF of a stored file, for viewing and signing: PDFs as they are, DOCX through LibreOffice.

Files are content-addressed, so a conversion is kept per source blob (`Conversion`) and the same
DOCX never goes through LibreOffice twice. LibreOffice runs outside any transaction: a slow
conversion must not hold row locks.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from eoffice.core.errors import ValidationFailed
from eoffice.documents import blobs, processing
from eoffice.documents.models import Conversion, StoredFile
from eoffice.documents.validation import CONTENT_TYPES

PDF = "application/pdf"
CONVERTIBLE = frozenset({CONTENT_TYPES["docx"]})


def _failure(exc: processing.ProcessingError) -> ValidationFailed:
    # The processing messages are marked with gettext_noop; translated here, for the reader.
    return ValidationFailed(exc.code, _(str(exc)), field="file")


def pdf_of(stored: StoredFile, *, timeout: float | None = None) -> StoredFile:
    """The PDF rendition of `stored`; raises ValidationFailed (conversion_timeout, conversion_failed,
    converter_missing, not_convertible) with a Vietnamese message when there is none."""
    if stored.content_type == PDF:
        return stored
    if stored.content_type not in CONVERTIBLE:
        raise ValidationFailed(
            "not_convertible", _("Chỉ chuyển được tệp DOCX sang PDF; tệp này không phải DOCX."), field="file"
        )
    done = Conversion.objects.select_related("pdf").filter(source=stored).first()
    if done is not None:
        return done.pdf
    try:
        pdf = processing.docx_to_pdf(blobs.read_bytes(stored), timeout=timeout)
    except processing.ProcessingError as exc:
        raise _failure(exc) from exc
    try:
        with transaction.atomic():
            stored_pdf = blobs.store_bytes(pdf, content_type=PDF)
            Conversion.objects.create(source=stored, pdf=stored_pdf)
    except IntegrityError:
        # A concurrent request converted the same content first; theirs is as good as ours.
        return Conversion.objects.select_related("pdf").get(source=stored).pdf
    return stored_pdf
