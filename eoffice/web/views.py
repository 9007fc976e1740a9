from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from eoffice.core.models import AuditEvent
from eoffice.people.selectors import active_delegations_received
from eoffice.work import selectors as work_selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    delegations = active_delegations_received(actor.user).select_related("delegator", "position__agency")
    counts = work_selectors.box_counts(actor) if actor.position is not None else {}
    context = {
        "actor": actor,
        "boxes": [(box, counts.get(box.slug, 0)) for box in work_selectors.BOXES] if counts else [],
        "delegations": delegations,
    }
    return render(request, "web/home.html", context)


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not request.user.is_superuser:
        raise PermissionDenied
    events = AuditEvent.objects.order_by("-seq")[:200]
    return render(request, "web/audit.html", {"events": events})
