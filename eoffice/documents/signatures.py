"""The signature panel of a document: every PDF file it holds (main and attachments), validated
through signing.panel (cached per file content and trust store)."""

from __future__ import annotations

from functools import partial

from eoffice.documents import blobs
from eoffice.documents.models import Document, DocumentFile, FileRole
from eoffice.signing.panel import FileSignatures, panel

PDF = "application/pdf"


def signed_candidates(files: list[DocumentFile]) -> list[DocumentFile]:
    # Renditions are made here (DOCX→PDF, OCR), never signed by anyone.
    return [f for f in files if f.role != FileRole.RENDITION and f.stored_file.content_type == PDF]


def document_signatures(document: Document) -> list[FileSignatures]:
    files = signed_candidates(list(document.files.select_related("stored_file").order_by("sort_order", "id")))
    return panel(
        [(f.file_name, f.stored_file.sha256, partial(blobs.read_bytes, f.stored_file)) for f in files]
    )
