"""The project's URLconf plus views that fail on purpose, for the error page tests.

Django takes the error handlers from the root URLconf, so they are copied from config.urls:
a handler missing there fails the import here, and the tests with it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config import urls as project


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internals: table eoffice_user column password")


def refuse_after_queueing(request: HttpRequest) -> HttpResponse:
    # As show_domain_error does for a field-less error, then a refusal carrying the same message.
    messages.error(request, "Văn bản đã bị thu hồi.")
    messages.warning(request, "Hồ sơ đang bị khóa để sửa.")
    raise PermissionDenied("Văn bản đã bị thu hồi.")


urlpatterns = [
    path("test-errors/boom/", boom),
    path("test-errors/refuse/", refuse_after_queueing),
    *project.urlpatterns,
]

handler400 = project.handler400
handler403 = project.handler403
handler404 = project.handler404
handler500 = project.handler500
