"""HTTP responses for stored files and register reports, shared by the pages and the API."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse

from eoffice.documents import exports
from eoffice.documents.exports import RegisterReport
from eoffice.documents.models import DocumentFile

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_response(document_file: DocumentFile, *, inline: bool = True) -> FileResponse:
    stored = document_file.stored_file
    handle = default_storage.open(stored.storage_path, "rb")
    # Only PDFs and images are shown inline; anything else downloads, so nothing runs in our origin.
    viewable = stored.content_type == "application/pdf" or stored.content_type.startswith("image/")
    response = FileResponse(
        handle,
        content_type=stored.content_type,
        as_attachment=not (inline and viewable),
        filename=document_file.file_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=300"
    return response


def report_response(report: RegisterReport, fmt: str) -> HttpResponse:
    register = report.register
    base = f"so-van-ban-den-{register.year}-{register.pk}-{report.date_from:%Y%m%d}-{report.date_to:%Y%m%d}"
    if fmt == "pdf":
        response = HttpResponse(exports.to_pdf(report), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{base}.pdf"'
    else:
        response = HttpResponse(exports.to_xlsx(report), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{base}.xlsx"'
    return response
