"""JSON API of the status board and processing times, mounted at /api/v1/oversight.

Filters are the page's query parameters (from, to, agency, unit, type, urgency, kind), checked the
same way; a refusal is a structured error (403 outside the board's audience, 422 for bad filters).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from eoffice.core.actor import Actor
from eoffice.directory.models import Agency
from eoffice.oversight import filters as filtering
from eoffice.oversight import policies, selectors, stats

router = Router(tags=["oversight"])


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


def _filters(request: HttpRequest, actor: Actor) -> tuple[policies.Scope, filtering.Filters]:
    scope = policies.board_scope(actor)
    return scope, filtering.parse(request.GET, scope=scope, today=timezone.localdate())


def _row(row: selectors.Row) -> dict[str, Any]:
    return {"key": row.key, "label": row.label, "agency": row.note, "counts": row.counts}


@router.get("/board")
def board(request: HttpRequest) -> dict[str, Any]:
    """Counts per column for the scope: total, per agency (province-wide), per unit, per person."""
    actor = _actor(request)
    _scope, filters = _filters(request, actor)
    result = selectors.board(actor, filters, now=timezone.now())
    return {
        "from": filters.date_from.isoformat(),
        "to": filters.date_to.isoformat(),
        "total": result.total.counts,
        "agencies": [_row(row) for row in result.agencies],
        "units": [_row(row) for row in result.units],
        "people": [_row(row) for row in result.people],
    }


@router.get("/times")
def times(request: HttpRequest) -> dict[str, Any]:
    """Processing-time figures for the scope, and the agencies' ranking when province-wide."""
    actor = _actor(request)
    scope, filters = _filters(request, actor)
    ranking = []
    if scope.province_wide and not filters.agency_id:
        names = dict(Agency.objects.filter(pk__in=sorted(scope.agency_ids)).values_list("pk", "name"))
        ranking = [
            {"agency_id": r.agency_id, "name": r.name, **r.figures.as_dict()}
            for r in stats.ranking(scope.agency_ids, filters, names)
        ]
    total = stats.total(scope.agency_ids, filters, scope.unit_id)
    return {"total": total.as_dict(), "ranking": ranking}
