"""Turn request uploads into service input, refusing an oversized file before reading it."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from eoffice.core.errors import ValidationFailed
from eoffice.documents.services import MAX_FILES_PER_UPLOAD, UploadPart
from eoffice.documents.validation import clean_name


def read_parts(files: Iterable[UploadedFile], *, field: str) -> list[UploadPart]:
    parts: list[UploadPart] = []
    limit = settings.EOFFICE_DOCUMENT_MAX_BYTES
    for index, uploaded in enumerate(files):
        if index >= MAX_FILES_PER_UPLOAD:
            raise ValidationFailed(
                "too_many_files",
                _("Mỗi lần chỉ gửi tối đa %(max_files_per_upload)s tệp.")
                % {"max_files_per_upload": MAX_FILES_PER_UPLOAD},
                field=field,
            )
        name = clean_name(uploaded.name or "")
        if uploaded.size is not None and uploaded.size > limit:
            raise ValidationFailed(
                "file_too_large",
                _("Tệp «%(name)s» có dung lượng %(value)s MB, vượt giới hạn %(value2)s MB.")
                % {
                    "name": name,
                    "value": f"{uploaded.size / 1048576:.1f}",
                    "value2": f"{limit / 1048576:.1f}",
                },
                field=field,
                details={"size": uploaded.size, "limit": limit},
            )
        # Read one byte past the limit: a client that lied about the size is still caught.
        data = uploaded.read(limit + 1)
        parts.append(UploadPart(name=name, data=data))
    return parts
