from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from eoffice.core import context


def client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is trusted solely when the proxy sets REMOTE_ADDR for us.
    return str(request.META.get("REMOTE_ADDR", ""))


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = context.set_ip(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            context.reset_ip(token)
