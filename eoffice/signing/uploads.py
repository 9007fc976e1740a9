"""Reading an uploaded PDF with a hard size limit, so a huge upload is refused before it is parsed."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from eoffice.core.errors import ValidationFailed
from eoffice.signing import errors
from eoffice.signing.pades import MAX_PDF_BYTES


def read_pdf_upload(upload: UploadedFile | None) -> bytes:
    if upload is None:
        raise ValidationFailed("file_required", _("Hãy chọn một tệp PDF."), field="file")
    if upload.size is not None and upload.size > MAX_PDF_BYTES:
        raise errors.pdf_too_large(MAX_PDF_BYTES)
    data = upload.read(MAX_PDF_BYTES + 1)
    if len(data) > MAX_PDF_BYTES:
        raise errors.pdf_too_large(MAX_PDF_BYTES)
    return data
