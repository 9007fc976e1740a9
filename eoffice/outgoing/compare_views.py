"""The versions compared: metadata side by side and the PDF of each version's main file.

A DOCX main file is shown through its PDF rendition (documents.convert.pdf_of, LibreOffice, kept
per content); a conversion failure such as a timeout is shown in place of that PDF. The PDFs are
served from our own origin for <object> embedding, with a download link for phones, whose
browsers seldom show a PDF inline.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from eoffice.core.errors import NotFound, ValidationFailed
from eoffice.documents.convert import pdf_of
from eoffice.documents.downloads import file_response
from eoffice.documents.models import DocumentFile, StoredFile
from eoffice.outgoing import selectors, services
from eoffice.outgoing.models import Draft, DraftFileRole, DraftVersion
from eoffice.outgoing.views import _actor
from eoffice.outgoing.views import _draft_or_404 as _draft


@dataclass(frozen=True)
class VersionPdf:
    url: str = ""
    error: str = ""


def _main_pdf(version: DraftVersion) -> StoredFile:
    main = version.files.select_related("stored_file").filter(role=DraftFileRole.MAIN).first()
    if main is None:
        raise ValidationFailed("no_main_file", _("Phiên bản này không có tệp văn bản chính."))
    return pdf_of(main.stored_file)


def version_pdf_state(draft: Draft, version: DraftVersion) -> VersionPdf:
    try:
        _main_pdf(version)
    except ValidationFailed as error:
        return VersionPdf(error=error.message)
    return VersionPdf(url=reverse("outgoing:version_pdf", args=[draft.pk, version.number]))


@login_required
@require_GET
def compare(request: HttpRequest, draft_id: int) -> HttpResponse:
    actor = _actor(request)
    draft = _draft(request, draft_id)
    try:
        left_no, right_no = int(request.GET.get("a", "")), int(request.GET.get("b", ""))
        left = selectors.version_get(actor=actor, draft=draft, number=left_no)
        right = selectors.version_get(actor=actor, draft=draft, number=right_no)
    except (ValueError, NotFound) as exc:
        raise Http404(_("Không tìm thấy phiên bản để so sánh.")) from exc
    context = {
        "draft": draft,
        "left": left,
        "right": right,
        "diff": services.compare_versions(left, right),
        "left_files": left.files.all(),
        "right_files": right.files.all(),
        "left_pdf": version_pdf_state(draft, left),
        "right_pdf": version_pdf_state(draft, right),
    }
    return render(request, "outgoing/compare.html", context)


@login_required
@require_GET
@xframe_options_sameorigin
def version_pdf(request: HttpRequest, draft_id: int, number: int) -> FileResponse:
    """The PDF of a version's main file, embeddable by our own compare page."""
    draft = _draft(request, draft_id)
    try:
        version = selectors.version_get(actor=_actor(request), draft=draft, number=number)
        stored = _main_pdf(version)
    except (NotFound, ValidationFailed) as exc:
        raise Http404(exc.message) from exc
    shown = DocumentFile(stored_file=stored, file_name=f"du-thao-{draft.pk}-v{version.number}.pdf")
    response = file_response(shown, inline=request.GET.get("download") != "1")
    # Our own page may frame it; a PDF viewer cannot run in a sandboxed frame, and nothing else may.
    response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'self'"
    return response
