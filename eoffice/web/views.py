from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from eoffice.core.models import AuditEvent


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"actor": request.actor})  # type: ignore[attr-defined]


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not request.user.is_superuser:
        raise PermissionDenied
    events = AuditEvent.objects.order_by("-seq")[:200]
    return render(request, "web/audit.html", {"events": events})
