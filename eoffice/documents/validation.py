"""Checks on uploaded files before anything is stored: size, kind (sniffed from the bytes, never
from the name), and that the content opens (PDF not empty, not encrypted, not corrupt).

Every refusal is a `ValidationFailed` with a Vietnamese message naming the file.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import pikepdf
from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from eoffice.core.errors import ValidationFailed

CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "tiff": "image/tiff",
}
IMAGE_KINDS = frozenset({"png", "jpeg", "tiff"})
KIND_LABELS = {"pdf": "PDF", "docx": "DOCX", "xlsx": "XLSX", "png": "PNG", "jpeg": "JPEG", "tiff": "TIFF"}
# A DOCX/XLSX that inflates beyond this is refused as a zip bomb, whatever its compressed size.
MAX_UNZIPPED_BYTES = 500 * 1024 * 1024
# Pillow's own guard is a warning below 2x; a scan at 600 dpi A3 is about 70 Mpx.
MAX_IMAGE_PIXELS = 120_000_000


@dataclass(frozen=True)
class CheckedFile:
    name: str
    data: bytes
    kind: str
    page_count: int | None = None

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]

    @property
    def is_image(self) -> bool:
        return self.kind in IMAGE_KINDS


def clean_name(name: str) -> str:
    """Keep only the last path part and drop control characters; never trust a client's path."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base[:255] or "tep-khong-ten"


def sniff(data: bytes) -> str | None:
    if data.startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if data.startswith(b"PK\x03\x04"):
        return _sniff_office(data)
    return None


def _sniff_office(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def check_upload(name: str, data: bytes, *, allowed: list[str], field: str) -> CheckedFile:
    """Validate one uploaded file; raise ValidationFailed (nothing is stored) when it is refused."""
    name = clean_name(name)
    limit = settings.EOFFICE_DOCUMENT_MAX_BYTES
    if not data:
        raise ValidationFailed("file_empty", _("Tệp «%(name)s» rỗng (0 byte).") % {"name": name}, field=field)
    if len(data) > limit:
        raise ValidationFailed(
            "file_too_large",
            _("Tệp «%(name)s» có dung lượng %(size)s, vượt giới hạn %(limit)s.")
            % {"name": name, "size": _mb(len(data)), "limit": _mb(limit)},
            field=field,
            details={"size": len(data), "limit": limit},
        )
    kind = sniff(data)
    if kind is None or kind not in allowed:
        accepted = ", ".join(KIND_LABELS.get(k, k.upper()) for k in allowed)
        raise ValidationFailed(
            "file_type_not_allowed",
            _("Tệp «%(name)s» không thuộc loại được chấp nhận (%(accepted)s).")
            % {"name": name, "accepted": accepted},
            field=field,
            details={"detected": kind, "allowed": list(allowed)},
        )
    page_count: int | None = None
    if kind == "pdf":
        page_count = _check_pdf(name, data, field)
    elif kind in IMAGE_KINDS:
        _check_image(name, data, field)
    else:
        _check_zip(name, data, field)
    return CheckedFile(name=name, data=data, kind=kind, page_count=page_count)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _check_pdf(name: str, data: bytes, field: str) -> int:
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if pdf.is_encrypted:
                raise _encrypted(name, field)
            pages = len(pdf.pages)
    except pikepdf.PasswordError as exc:
        raise _encrypted(name, field) from exc
    except pikepdf.PdfError as exc:
        raise ValidationFailed(
            "pdf_corrupt",
            _("Tệp «%(name)s» bị hỏng hoặc không phải PDF hợp lệ, không mở được.") % {"name": name},
            field=field,
        ) from exc
    if pages == 0:
        raise ValidationFailed(
            "pdf_empty", _("Tệp PDF «%(name)s» không có trang nào.") % {"name": name}, field=field
        )
    max_pages = settings.EOFFICE_DOCUMENT_MAX_PAGES
    if pages > max_pages:
        raise ValidationFailed(
            "pdf_too_many_pages",
            _("Tệp PDF «%(name)s» có %(pages)s trang, vượt giới hạn %(max_pages)s trang.")
            % {"name": name, "pages": pages, "max_pages": max_pages},
            field=field,
        )
    return pages


def _encrypted(name: str, field: str) -> ValidationFailed:
    return ValidationFailed(
        "pdf_encrypted",
        _("Tệp PDF «%(name)s» được mã hóa hoặc đặt mật khẩu; hãy gửi bản không mã hóa.") % {"name": name},
        field=field,
    )


def _check_image(name: str, data: bytes, field: str) -> None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ValidationFailed(
                    "image_too_large",
                    _("Ảnh «%(name)s» quá lớn (%(width)s×%(height)s điểm ảnh).")
                    % {"name": name, "width": width, "height": height},
                    field=field,
                )
            image.verify()
    except ValidationFailed:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationFailed(
            "image_corrupt", _("Ảnh «%(name)s» bị hỏng, không mở được.") % {"name": name}, field=field
        ) from exc


def _check_zip(name: str, data: bytes, field: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # Declared sizes first, so a zip bomb is refused before anything is inflated.
            total = sum(info.file_size for info in archive.infolist())
            bad = archive.testzip() if total <= MAX_UNZIPPED_BYTES else None
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise ValidationFailed(
            "file_corrupt", _("Tệp «%(name)s» bị hỏng, không mở được.") % {"name": name}, field=field
        ) from exc
    if total > MAX_UNZIPPED_BYTES or bad is not None:
        raise ValidationFailed(
            "file_corrupt",
            _("Tệp «%(name)s» bị hỏng hoặc có cấu trúc bất thường.") % {"name": name},
            field=field,
        )
