"""A hostile crawl: every GET page and API route, as each member of the standing cast and
anonymously, with ids that exist, ids that do not and ids that are not numbers, and with query
strings built to break things (a 100,000-character search, negative and 25-digit paging, month 0,
the 45th of the 13th month, unknown enum values).

Who: everyone, allowed or not, asks each route plainly; the hostile query strings then go to up to
three of those it lets in. What is checked is only that nobody meets a 500: pages answer
200/302/400/403/404, 405 (a form's POST-only target) or 422 (a filter refused beside its field),
and the API answers a structured `{"code", "message", "field", "details"}` body whenever it refuses.

The routes come from the URL resolver, so a page added later is crawled without touching this file.
Left out: static, i18n, logout, single sign-on, the exchange's machine endpoints (their own tests
send them hostile packages) and file downloads (streamed bodies, covered by their apps' tests).
"""

from __future__ import annotations

import re
import traceback
from typing import Any

import pytest
from django.test import Client

from eoffice.documents.tests.factories import confirmed_document
from eoffice.testing.cast import Cast
from eoffice.web.tests.crawl_routes import BASE_QUERIES, PARAM, Route, routes, unstructured_api_error
from eoffice.work.selectors import BOXES

ACTORS = (
    None,  # anonymous
    "clerk_a",
    "leader_a",
    "unit_head_a",
    "specialist_a",
    "admin_a",
    "clerk_b",
    "outsider",
    "superuser",
)
# 422: a page that shows its filter form again with the refusal beside the field.
PAGE_STATUSES = {200, 302, 400, 403, 404, 405, 422}
MISSING_ID = "999999999"

LONG = "a" * 100_000
HUGE = str(10**25)
_TEXT = ("q", "search", "query", "text", "name", "code", "subject", "number", "keyword")
_PAGING = ("page", "offset", "limit", "cursor", "window_hours", "size", "per_page")
_IDS = ("agency", "agency_id", "unit", "unit_id", "type", "document_type", "user", "position", "id")
_DATES = ("date", "day", "from", "to", "since", "until", "start", "end", "issued_from", "issued_to")
_ENUMS = (
    "state",
    "status",
    "box",
    "kind",
    "urgency",
    "secrecy",
    "role",
    "channel",
    "sort",
    "order",
    "column",
)

# One hostile value per query string where one refusal could hide another (a refused `limit`
# hides what `offset` does).
QUERIES: dict[str, dict[str, str]] = {
    "long_text": dict.fromkeys(_TEXT, LONG),
    **{f"{name}_negative": {name: "-1"} for name in _PAGING[:3]},
    **{f"{name}_huge": {name: HUGE} for name in _PAGING[:3]},
    "paging_other_negative": dict.fromkeys(_PAGING[3:], "-1"),
    "paging_other_huge": dict.fromkeys(_PAGING[3:], HUGE),
    "paging_zero": dict.fromkeys(_PAGING, "0"),
    "ids_abc": dict.fromkeys(_IDS, "abc"),
    "ids_huge": dict.fromkeys(_IDS, HUGE),
    "year_month_zero": {"year": "0", "month": "0"},
    "year_month_negative": {"year": "-1", "month": "-1"},
    "year_month_huge": {"year": "99999", "month": "99999"},
    "dates_impossible": dict.fromkeys(_DATES, "2026-13-45"),
    "dates_far": dict.fromkeys(_DATES, "99999-01-01"),
    "amounts_huge": {"days": HUGE, "hours": HUGE, "depth": HUGE, "a": HUGE, "b": HUGE},
    "enums_unknown": {
        **dict.fromkeys(_ENUMS, "khong-co-gia-tri-nay"),
        "unread_only": "abc",
        "include_inactive": "abc",
        "format": "khong-co",
    },
}
# Hostile query strings go to the first few of these whom the page lets in (the widest scopes
# first): the code behind the door is the same for all, and the crawl stays within two minutes.
HOSTILE_ACTORS = ("superuser", "admin_a", "clerk_a", "leader_a", "specialist_a", "unit_head_a", "clerk_b")
HOSTILE_PER_ROUTE = 3


def _params() -> list[Any]:
    params = []
    for route in routes():
        kinds = ("real", "missing", "abc") if route.has_params else ("real",)
        params += [pytest.param(route, kind, id=f"/{route.route} [{kind}]") for kind in kinds]
    return params


def _real_values(cast: Cast, route: Route) -> dict[str, str]:
    """Path parameters with a value the cast has; every other id gets 1 (sometimes a real row)."""
    # A confirmed incoming document costs a PDF and its jobs: made only for the routes that use one.
    document_id = str(confirmed_document(cast).pk) if "<int:document_id>" in route.route else "1"
    return {
        "document_id": document_id,
        "code": cast.agency_a.code,
        "unit_id": str(cast.unit_a.pk),
        "user_id": str(cast.specialist_a.pk),
        "position_id": str(cast.position(cast.specialist_a).pk),
        "agency_id": str(cast.agency_a.pk),
        "year": "2026",
        "day": "2026-11-26",
        "box": BOXES[0].slug,
        "action": "complete",
        "state": "read",
        "slug": "so-theo-doi-giai-quyet",
    }


def _fill(route: str, kind: str, real: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        if kind == "abc":
            return "abc"
        if kind == "missing":
            return "khong-co" if match["converter"] in ("str", "slug") else MISSING_ID
        return real.get(match["name"], "1")

    return "/" + PARAM.sub(value, route)


def _clients(cast: Cast) -> list[tuple[str, Client]]:
    clients = []
    for name in ACTORS:
        client = Client(raise_request_exception=False)
        if name is not None:
            client.force_login(getattr(cast, name), backend="django.contrib.auth.backends.ModelBackend")
        clients.append((name or "anonymous", client))
    return clients


def _problem(route: Route, response: Any) -> str | None:
    status = response.status_code
    if status >= 500:
        exc_info = getattr(response, "exc_info", None)
        return "".join(traceback.format_exception(*exc_info)) if exc_info else f"status {status}"
    if route.api:
        return unstructured_api_error(response)
    return None if status in PAGE_STATUSES else f"status {status}"


@pytest.mark.parametrize(("route", "kind"), _params())
def test_no_hostile_request_is_a_server_error(cast: Cast, route: Route, kind: str) -> None:
    url = _fill(route.route, kind, _real_values(cast, route) if kind == "real" else {})
    base = BASE_QUERIES.get(route.route, {})
    failures: list[str] = []
    let_in: list[tuple[str, Client]] = []
    for actor, client in _clients(cast):
        plain = client.get(url, base)
        problem = _problem(route, plain)
        if problem:
            failures.append(f"{actor} GET {url} -> {problem}")
        if plain.status_code < 300 and actor in HOSTILE_ACTORS:
            let_in.append((actor, client))
    let_in.sort(key=lambda pair: HOSTILE_ACTORS.index(pair[0]))
    for actor, client in let_in[:HOSTILE_PER_ROUTE] if kind == "real" else []:
        for query_name, query in QUERIES.items():
            problem = _problem(route, client.get(url, {**base, **query}))
            if problem:
                failures.append(f"{actor} GET {url} ?{query_name} -> {problem}")
    assert not failures, "\n\n".join(failures[:3]) + f"\n\n({len(failures)} failing requests)"
