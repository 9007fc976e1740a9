"""Turn request uploads into service input, refusing an oversized file before reading it."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from eoffice.core.errors import ValidationFailed
from eoffice.documents.services import MAX_FILES_PER_UPLOAD, UploadPart
from eoffice.documents.validation import clean_name


def read_parts(files: Iterable[UploadedFile], *, field: str) -> list[UploadPart]:
    parts: list[UploadPart] = []
    limit = settings.EOFFICE_DOCUMENT_MAX_BYTES
    for index, uploaded in enumerate(files):
        if index >= MAX_FILES_PER_UPLOAD:
            raise ValidationFailed(
                "too_many_files", f"Mỗi lần chỉ gửi tối đa {MAX_FILES_PER_UPLOAD} tệp.", field=field
            )
        name = clean_name(uploaded.name or "")
        if uploaded.size is not None and uploaded.size > limit:
            raise ValidationFailed(
                "file_too_large",
                f"Tệp «{name}» có dung lượng {uploaded.size / 1048576:.1f} MB, "
                f"vượt giới hạn {limit / 1048576:.1f} MB.",
                field=field,
                details={"size": uploaded.size, "limit": limit},
            )
        # Read one byte past the limit: a client that lied about the size is still caught.
        data = uploaded.read(limit + 1)
        parts.append(UploadPart(name=name, data=data))
    return parts
