"""The one NinjaAPI under /api/v1. Each app contributes a router from its own api.py."""

from __future__ import annotations

import logging
from typing import Any

from django.core import signals
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.utils.log import log_response
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled, ValidationError
from ninja.security import SessionAuth

from eoffice.accounts.tokens import BearerToken
from eoffice.core.errors import DomainError
from eoffice.web.api_errors import STATUS_ERRORS, error_body
from eoffice.web.api_parser import StrictJsonParser
from eoffice.web.errors import user_message


class EofficeAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document is built once per path prefix and language.

    Building it walks every operation's pydantic models, 0.2–0.4 s of a worker's CPU for each GET of
    /api/v1/openapi.json (and of the docs page, which fetches it); the routes do not change after the
    URLconf has loaded, so the answer does not either.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._schemas: dict[tuple[str | None, str, str | None], Any] = {}

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        key = (path_prefix, repr(sorted((path_params or {}).items())), translation.get_language())
        schema = self._schemas.get(key)
        if schema is None:
            schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
            self._schemas[key] = schema  # two first requests at once both build it: same result
        return schema


api = EofficeAPI(
    title="eOffice API",
    version="1",
    description="API của hệ thống quản lý văn bản và điều hành eOffice. Lỗi trả về dạng "
    '{"code", "message", "field", "details"}.',
    # The key first: a client that sends `Authorization: Bearer` holds no ambient credential, so no
    # CSRF check applies to it. Asked first, the session check would refuse its writes (ninja's
    # cookie auth raises on a missing CSRF token instead of letting the next method try).
    auth=[BearerToken(), SessionAuth()],
    urls_namespace="api",
    parser=StrictJsonParser(),
)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body: dict[str, object] = {
        "code": "unauthenticated",
        "message": _("Cần đăng nhập hoặc mã truy cập hợp lệ."),
        "field": None,
        "details": {},
    }
    return api.create_response(request, body, status=401)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    body = {
        "code": "invalid_input",
        "message": _("Dữ liệu gửi lên không hợp lệ."),
        "field": None,
        "details": {"errors": exc.errors},
    }
    return api.create_response(request, body, status=422)


def _status_error(
    request: HttpRequest, status: int, message: str | None = None, *, details: dict[str, Any] | None = None
) -> HttpResponse:
    code, default = STATUS_ERRORS[status]
    return api.create_response(request, error_body(code, message or default, details=details), status=status)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # Ninja's own refusals, which would otherwise answer {"detail": <English>}. It raises HttpError
    # 400 only when a JSON body does not parse, and 403 only from the session's CSRF check.
    if isinstance(exc.__cause__, DomainError):
        # The body parser's own refusal (a body that is not an object, a number too large), which
        # ninja wraps in its generic 400.
        return _domain_error(request, exc.__cause__)
    if isinstance(exc, Throttled):
        # Ninja adds Retry-After to this response itself.
        return _status_error(request, 429, details={"retry_after": exc.wait})
    if exc.status_code == 400:
        body = error_body("malformed_body", _("Nội dung gửi lên không phải JSON hợp lệ."))
        return api.create_response(request, body, status=400)
    if exc.status_code == 403 and not isinstance(exc, AuthorizationError):
        message = _(
            "Thiếu mã chống giả mạo (CSRF) của phiên đăng nhập. Hãy tải lại trang rồi thử lại, "
            "hoặc gửi mã truy cập (Authorization: Bearer)."
        )
        return api.create_response(request, error_body("csrf_failed", message), status=403)
    status = exc.status_code if exc.status_code in STATUS_ERRORS else (400 if exc.status_code < 500 else 500)
    return _status_error(request, status)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # A view's own message (a selector's NotFound) is kept; get_object_or_404's English is not.
    return _status_error(request, 404, user_message(exc))


@api.exception_handler(DjangoPermissionDenied)
def _forbidden(request: HttpRequest, exc: DjangoPermissionDenied) -> HttpResponse:
    return _status_error(request, 403, user_message(exc))


@api.exception_handler(MultiPartParserError)
def _malformed_form(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    body = error_body("malformed_body", _("Nội dung biểu mẫu gửi lên bị hỏng hoặc không đọc được."))
    return api.create_response(request, body, status=400)


@api.exception_handler(SuspiciousOperation)
def _suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    # Logged where Django logs it for pages (django.security.*): a sign of probing, not a bug.
    logging.getLogger(f"django.security.{type(exc).__name__}").warning("%s", exc)
    return _status_error(request, 413 if isinstance(exc, RequestDataTooBig) else 400)


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug: the client learns only that it happened. As Django does for pages, listeners of
    got_request_exception (error reporters, the test client) hear of it and the traceback goes to
    the django.request log (and its mail handler, where configured), never into the response."""
    response = _status_error(request, 500)
    signals.got_request_exception.send(sender=None, request=request)
    log_response(
        "%s: %s", "Internal Server Error", request.path, response=response, request=request, exception=exc
    )
    return response


def _mount() -> None:
    from eoffice.accounts.api import router as accounts_router
    from eoffice.directory.api import router as directory_router
    from eoffice.documents.api import router as documents_router
    from eoffice.exchange.api import router as exchange_router
    from eoffice.notifications.api import router as notifications_router
    from eoffice.outgoing.api import router as outgoing_router
    from eoffice.outgoing.api_chains import router as outgoing_chains_router
    from eoffice.outgoing.api_comments import router as outgoing_comments_router
    from eoffice.outgoing.api_signing import router as outgoing_signing_router
    from eoffice.oversight.api import router as oversight_router
    from eoffice.people.api import router as people_router
    from eoffice.reminders.api import router as reminders_router
    from eoffice.signing.api import router as signing_router
    from eoffice.work.api import router as work_router
    from eoffice.workcalendar.api import router as calendar_router

    api.add_router("/accounts", accounts_router)
    api.add_router("/directory", directory_router)
    api.add_router("/documents", documents_router)
    api.add_router("/people", people_router)
    api.add_router("/calendar", calendar_router)
    api.add_router("/work", work_router)
    api.add_router("/outgoing", outgoing_router)
    api.add_router("/outgoing", outgoing_comments_router)
    api.add_router("/outgoing", outgoing_chains_router)
    api.add_router("/outgoing", outgoing_signing_router)
    api.add_router("/exchange", exchange_router)
    api.add_router("/signing", signing_router)
    api.add_router("/notifications", notifications_router)
    api.add_router("/reminders", reminders_router)
    api.add_router("/oversight", oversight_router)


_mount()
