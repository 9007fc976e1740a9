"""Reading an uploaded PDF with a hard size limit, so a huge upload is refused before it is parsed."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from eoffice.core.errors import ValidationFailed
from eoffice.signing import certificate_files, errors
from eoffice.signing.certificate_files import MAX_CERTIFICATE_BYTES
from eoffice.signing.images import MAX_IMAGE_BYTES
from eoffice.signing.keys import MAX_PIN, MAX_PKCS12_BYTES, KeyInput
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


def read_key_input(*, pin: str | None, pkcs12: UploadedFile | None, password: str | None) -> KeyInput:
    """The key a signer brings to one request: a PKCS#12 upload (read with a hard limit) or a PIN."""
    if pkcs12 is None:
        return KeyInput(pin=(pin or "").strip()[: MAX_PIN + 1])
    if pkcs12.size is not None and pkcs12.size > MAX_PKCS12_BYTES:
        raise ValidationFailed("pkcs12_too_large", _("Tệp khóa PKCS#12 lớn quá 64 KB."), field="pkcs12")
    data = pkcs12.read(MAX_PKCS12_BYTES + 1)
    if len(data) > MAX_PKCS12_BYTES:
        raise ValidationFailed("pkcs12_too_large", _("Tệp khóa PKCS#12 lớn quá 64 KB."), field="pkcs12")
    return KeyInput(pkcs12=data, password=(password or "")[:200])


def read_image_upload(upload: UploadedFile | None) -> bytes:
    if upload is None:
        raise ValidationFailed("image_required", _("Hãy chọn một tệp ảnh PNG."), field="image")
    if upload.size is not None and upload.size > MAX_IMAGE_BYTES:
        raise ValidationFailed("image_too_large", _("Ảnh vượt quá 1 MB."), field="image")
    data = upload.read(MAX_IMAGE_BYTES + 1)
    if len(data) > MAX_IMAGE_BYTES:
        raise ValidationFailed("image_too_large", _("Ảnh vượt quá 1 MB."), field="image")
    return data


def read_certificate_upload(upload: UploadedFile | None) -> bytes:
    """An uploaded certificate file, read with a hard limit; `read_certificate` checks what it is."""
    if upload is None:
        raise ValidationFailed("certificate_required", _("Hãy chọn tệp chứng thư số."), field="certificate")
    if upload.size is not None and upload.size > MAX_CERTIFICATE_BYTES:
        raise certificate_files.too_large()
    data = upload.read(MAX_CERTIFICATE_BYTES + 1)
    if len(data) > MAX_CERTIFICATE_BYTES:
        raise certificate_files.too_large()
    return data
