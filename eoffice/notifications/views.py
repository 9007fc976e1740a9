"""The bell (an HTMX fragment polled by the layout), the list page and the preferences page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eoffice.core.actor import Actor
from eoffice.core.errors import NotFound
from eoffice.notifications import selectors, services
from eoffice.notifications.models import Channel

BELL_SIZE = 8
PAGE_SIZE = 50


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


@login_required
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The badge (polled by every page), or with ?part=menu the latest notifications (on opening)."""
    actor = _actor(request)
    if request.GET.get("part") == "menu":
        recent = list(selectors.notifications_for(actor=actor)[:BELL_SIZE])
        return render(request, "notifications/_bell_menu.html", {"recent": recent})
    return render(request, "notifications/_bell_count.html", {"unread": selectors.unread_count(actor=actor)})


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    unread_only = request.GET.get("unread") == "1"
    rows = list(selectors.notifications_for(actor=actor, unread_only=unread_only)[:PAGE_SIZE])
    context = {"rows": rows, "unread_only": unread_only, "unread": selectors.unread_count(actor=actor)}
    return render(request, "notifications/list.html", context)


@login_required
@require_POST
def mark(request: HttpRequest, notification_id: int, state: str) -> HttpResponse:
    try:
        services.notification_mark(
            actor=_actor(request), notification_id=notification_id, read=state == "read"
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(actor=_actor(request))
    messages.success(request, _("Đã đánh dấu %(count)s thông báo là đã đọc.") % {"count": count})
    return redirect("notifications:list")


@login_required
@require_GET
def open_notification(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark read, then go where the notification points (only ever a page of this site)."""
    try:
        note = services.notification_mark(actor=_actor(request), notification_id=notification_id, read=True)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    safe = note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()})
    return redirect(note.url if safe else "notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if request.method == "POST":
        choices = {channel: request.POST.get(channel) == "on" for channel in Channel.values}
        services.preferences_set(actor=actor, choices=choices)
        messages.success(request, _("Đã lưu cài đặt thông báo."))
        return redirect("notifications:preferences")
    assert actor.user is not None  # login_required
    context = {
        "choices": [(c, label, selectors.preferences_of(actor.user)[c]) for c, label in Channel.choices],
        "has_email": bool(actor.user.email),
        "failed": list(selectors.failed_sends(actor=actor)[:20]),
    }
    return render(request, "notifications/preferences.html", context)
