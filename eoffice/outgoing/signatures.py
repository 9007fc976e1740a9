"""The signature panel of an outgoing draft's version: every PDF file of it (signing.panel)."""

from __future__ import annotations

from functools import partial

from eoffice.documents import blobs
from eoffice.outgoing.models import DraftVersion
from eoffice.signing.panel import FileSignatures, panel


def version_signatures(version: DraftVersion) -> list[FileSignatures]:
    files = [
        f
        for f in version.files.select_related("stored_file")
        if f.stored_file.content_type == "application/pdf"
    ]
    return panel(
        [(f.file_name, f.stored_file.sha256, partial(blobs.read_bytes, f.stored_file)) for f in files]
    )
