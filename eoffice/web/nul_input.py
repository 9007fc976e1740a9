"""A NUL character in any text a request carries is refused before a view sees it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _lazy

from eoffice.web import errors
from eoffice.web.api_errors import is_api_request

# Text fields travel as query strings, form fields and JSON; none legitimately holds a NUL, and
# PostgreSQL refuses to store one ("A string literal cannot contain NUL"), which would surface as
# a server error deep inside a service. So a NUL is refused at the door, for every page and API
# call, naming the field. Files are not text: uploads are never looked at here.
NUL_MESSAGE = _lazy("Dữ liệu gửi lên chứa ký tự NUL (mã 0) ở trường «%(field)s»; hãy nhập lại.")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _nul_in(value: object, path: str) -> str | None:
    """The path of the first key or string holding a NUL in a parsed JSON value."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    items: Iterable[tuple[object, object]] = ()
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    for key, item in items:
        where = f"{path}.{key}" if path else str(key)
        if isinstance(key, str) and "\x00" in key:
            return where
        found = _nul_in(item, where)
        if found is not None:
            return found
    return None


def nul_field(request: HttpRequest, view: Callable[..., Any]) -> str | None:
    """The first field of the request whose text holds a NUL, or None."""
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            return key
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    if request.content_type == "application/json":
        size = int(request.META.get("CONTENT_LENGTH") or 0)
        if size > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return None  # Django refuses it when the view reads it
        body = request.body
        if b"\\u0000" not in body.lower():
            return None  # the only way JSON can carry a NUL
        try:
            return _nul_in(json.loads(body), "")
        except ValueError:
            return None  # not JSON: the view's own parser answers that
    # A view exempt from CSRF reads its body itself (the exchange inbox streams a package).
    if request.content_type in _FORM_TYPES and not getattr(view, "csrf_exempt", False):
        for key, values in request.POST.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return key
    return None


class NulInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        field = nul_field(request, view)
        if field is None:
            return None
        message = str(NUL_MESSAGE) % {"field": field.replace("\x00", "")[:100]}
        if is_api_request(request):
            body = {"code": "nul_character", "message": message, "field": field, "details": {}}
            return JsonResponse(body, status=422)
        return errors.bad_input(request, message)
