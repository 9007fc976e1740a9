"""The one NinjaAPI under /api/v1. Each app contributes a router from its own api.py."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import SessionAuth

from eoffice.accounts.tokens import BearerToken
from eoffice.core.errors import DomainError

api = NinjaAPI(
    title="eOffice API",
    version="1",
    description="API của hệ thống quản lý văn bản và điều hành eOffice. Lỗi trả về dạng "
    '{"code", "message", "field", "details"}.',
    # The key first: a client that sends `Authorization: Bearer` holds no ambient credential, so no
    # CSRF check applies to it. Asked first, the session check would refuse its writes (ninja's
    # cookie auth raises on a missing CSRF token instead of letting the next method try).
    auth=[BearerToken(), SessionAuth()],
    urls_namespace="api",
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
