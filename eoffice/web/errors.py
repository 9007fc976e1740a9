"""The error pages (400, 403, the CSRF failure, 404, 500) in the product's look and language.

They are rendered without a request context: no context processor runs, so neither the
signed-in chrome (menu, position switcher, bell) nor anything else touches the database, which
may be what failed. Under the API the same handlers answer JSON (eoffice.web.api_errors).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.contrib.messages import get_messages
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.urls import NoReverseMatch, Resolver404, reverse
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from eoffice.web.api_errors import is_api_request, json_error

# get_object_or_404's message names a model in English: meant for developers, not for people.
_LOOKUP_MISS = re.compile(r"^No .+ matches the given query\.$")
_MAX_MESSAGE = 500


def user_message(exception: BaseException | None) -> str | None:
    """The message a view raised Http404 / PermissionDenied with, when it is written for people.

    Views here raise them with the domain error's Vietnamese message (`Http404(exc.message)`,
    show_domain_error). Django's own are not shown: the URL resolver's (a dict), a bare
    exception's (empty) and get_object_or_404's English model name.
    """
    if exception is None or isinstance(exception, Resolver404) or not exception.args:
        return None
    message = exception.args[0]
    if not isinstance(message, (str, Promise)):
        return None
    text = str(message).strip()
    if not text or "\n" in text or len(text) > _MAX_MESSAGE or _LOOKUP_MISS.match(text):
        return None
    return text


def _home_url() -> str:
    try:
        return reverse("web:home")
    except NoReverseMatch:
        return "/"


def _back_url(request: HttpRequest) -> str | None:
    """The page the user came from, as a path on this site; never a link to another site."""
    try:
        host = request.get_host()
    except DisallowedHost:
        return None  # the 400 for a host this site does not serve: nothing there to go back to
    referer = urlsplit(request.META.get("HTTP_REFERER", ""))
    if referer.scheme not in ("http", "https") or referer.netloc != host:
        return None
    path = urlunsplit(("", "", referer.path or "/", referer.query, ""))
    # A path such as "//other.example" or "/\other.example" is another site to a browser.
    return path if url_has_allowed_host_and_scheme(path, allowed_hosts=None) else None


def _pending_notes(request: HttpRequest, shown: str | None) -> list[Any]:
    """Messages a view queued before refusing (its domain error, say): shown here, where they
    belong, rather than on whatever page comes next; the one already shown is not repeated."""
    return [note for note in get_messages(request) if str(note) != shown]


def _page(request: HttpRequest, template: str, status: int, **context: Any) -> HttpResponse:
    context.setdefault("home_url", _home_url())
    context.setdefault("back_url", _back_url(request))
    return HttpResponse(loader.render_to_string(template, context), status=status)


def bad_request(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    # The reason (a SuspiciousOperation, an unreadable upload) is for the log, not for the user.
    if is_api_request(request):
        return json_error(400)
    return _page(request, "400.html", 400)


def bad_input(request: HttpRequest, message: str) -> HttpResponse:
    """A 400 page that says what was wrong with what was sent (the message is written for people)."""
    return _page(request, "400.html", 400, detail=message)


def permission_denied(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    detail = user_message(exception)
    if is_api_request(request):
        return json_error(403, message=detail)
    return _page(request, "403.html", 403, detail=detail, notes=_pending_notes(request, detail))


def page_not_found(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    detail = user_message(exception)
    if is_api_request(request):
        if isinstance(exception, Resolver404):
            return json_error(
                404, message=_("Không có địa chỉ này trong API."), details={"path": request.path}
            )
        return json_error(404, message=detail)
    return _page(request, "404.html", 404, detail=detail, notes=_pending_notes(request, detail))


def server_error(request: HttpRequest) -> HttpResponse:
    # Django has logged the exception already; the answer says nothing of it.
    if is_api_request(request):
        return json_error(500)
    return _page(request, "500.html", 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW. The reason is Django's English for developers; the user is told the form
    went stale (a sign-in in another tab, a page left open past its session) and what to do."""
    if is_api_request(request):
        return json_error(403, "csrf_failed", _("Biểu mẫu đã hết hạn. Hãy tải lại trang rồi thử lại."))
    return _page(request, "403_csrf.html", 403)
