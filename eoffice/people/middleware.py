from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from eoffice.people.acting import actor_for_request


class ActivePositionMiddleware:
    """Attach `request.actor` lazily: pages that never act pay no query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = SimpleLazyObject(lambda: actor_for_request(request))  # type: ignore[attr-defined]
        return self.get_response(request)
