"""The routes the crawls visit, read from the URL resolver (so a page added later is crawled
without touching a test), and the checks and settings the crawls share."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from eoffice.oversight.cohort import COLUMNS

API_ERROR_KEYS = {"code", "message", "field", "details"}

# What a route cannot answer without (a drill-down's column, a calculation's operands): sent with
# every request to it, so the hostile values reach past the "missing parameter" refusal.
_START = "2026-11-26T08:00:00"
BASE_QUERIES: dict[str, dict[str, str]] = {
    "oversight/lines/": {"column": COLUMNS[0].slug},
    "oversight/me/lines/": {"column": COLUMNS[0].slug},
    "api/v1/people/search": {"q": "nguyen"},
    "api/v1/calendar/add-working-days": {"start": _START, "days": "3"},
    "api/v1/calendar/add-working-hours": {"start": _START, "hours": "4"},
    "api/v1/calendar/working-time": {"start": _START, "end": "2026-11-27T08:00:00"},
    "api/v1/outgoing/drafts/<int:draft_id>/compare": {"a": "1", "b": "2"},
}

# Language switch, single sign-on, logout, the exchange's machine endpoints, file downloads.
_SKIP = re.compile(
    r"^(i18n/|oidc/|accounts/logout/|exchange/inbox/|exchange/agencies/$)"
    r"|files/|/export|slip\.pdf|/pdf/|/signed/|/raw$"
)
PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Route:
    route: str
    api: bool

    @property
    def has_params(self) -> bool:
        return bool(PARAM.search(self.route))


def _ninja_methods(callback: Any) -> set[str] | None:
    """The HTTP methods of a django-ninja path view (its wrapper closes over the PathView)."""
    for cell in getattr(callback, "__closure__", None) or ():
        operations = getattr(cell.cell_contents, "operations", None)
        if operations is not None:
            return {method for op in operations for method in op.methods}
    return None


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def routes() -> list[Route]:
    routes: dict[str, Route] = {}
    for route, callback in _walk(get_resolver().url_patterns):
        if _SKIP.search(route) or route in routes:
            continue
        api = route.startswith("api/v1/")
        if api:
            methods = _ninja_methods(callback)
            if methods is not None and "GET" not in methods:
                continue
        routes[route] = Route(route, api)
    return sorted(routes.values(), key=lambda r: r.route)


def unstructured_api_error(response: Any) -> str | None:
    """Why an API refusal is not the structured `{"code", "message", "field", "details"}` body."""
    status = response.status_code
    if status < 400:
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        return f"status {status}, not JSON: {response.content[:200]!r}"
    if not isinstance(body, dict) or set(body) != API_ERROR_KEYS:
        return f"status {status}, unstructured error: {str(body)[:300]}"
    return None


def isolate_files(settings: Any, folder: Path) -> None:
    """Uploads go to `folder`; the exchange makes its key pair there on first use."""
    settings.MEDIA_ROOT = str(folder / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.VAR_DIR = folder / "var"
    settings.EXCHANGE_KEY_FILE = ""
    settings.EXCHANGE_CERT_FILE = ""
