"""The signature check page: upload a PDF, see every signature's verdict."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from eoffice.core.actor import Actor
from eoffice.core.errors import DomainError, PermissionDenied
from eoffice.signing import policies, selectors
from eoffice.signing.uploads import read_pdf_upload
from eoffice.signing.validation import ValidationResult


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


@login_required
@require_http_methods(["GET", "POST"])
def validate(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not policies.may_validate(actor):
        raise DjangoPermissionDenied(
            _("Chỉ cán bộ đang giữ chức vụ trong cơ quan mới được kiểm tra chữ ký số.")
        )
    result: ValidationResult | None = None
    error: str | None = None
    file_name = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        file_name = upload.name or "" if upload is not None else ""
        try:
            result = selectors.signatures_validate(actor=actor, data=read_pdf_upload(upload))
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from exc
        except DomainError as exc:
            error = exc.message
    context = {"result": result, "error": error, "file_name": file_name}
    template = "signing/_result.html" if request.headers.get("HX-Request") else "signing/validate.html"
    return render(request, template, context, status=422 if error else 200)
