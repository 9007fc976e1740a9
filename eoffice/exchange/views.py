"""Pages: the exchange monitor (lines, failed box, received, last hour), a line's timeline,
the quarantine and the peers (system administrator)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eoffice.core.actor import Actor
from eoffice.core.errors import DomainError, NotFound
from eoffice.core.forms import show_domain_error
from eoffice.directory.models import Agency
from eoffice.exchange import keys, peers, quarantine, selectors, services
from eoffice.exchange.forms import PeerForm, SwitchForm
from eoffice.exchange.models import LineState, OutboxLine, Peer

T = TypeVar("T")


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


def _or_404(fn: Callable[..., T], *args: Any) -> T:
    try:
        return fn(*args)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_GET
def monitor(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    try:
        selectors.require_monitor(actor)
    except DomainError as exc:
        show_domain_error(request, exc)
    box = request.GET.get("box", "")
    qs = selectors.search(
        selectors.lines(actor, state=request.GET.get("state", ""), box=box), request.GET.get("q", "")
    )
    context = {
        "page": Paginator(qs, 50).get_page(request.GET.get("page")),
        "box": box,
        "states": LineState.choices,
        "stats": selectors.last_hour(actor),
        "failed_count": selectors.lines(actor, box="failed").count(),
        "requests": selectors.pending_requests(actor)[:50],
        "received": selectors.received_documents(actor)[:20],
        "quarantine_count": selectors.quarantine(actor).count() if actor.is_superuser else None,
    }
    return render(request, "exchange/monitor.html", context)


@login_required
@require_GET
def line_detail(request: HttpRequest, line_id: int) -> HttpResponse:
    line = _or_404(selectors.line_get, _actor(request), line_id)
    return render(request, "exchange/line_detail.html", {"line": line, "events": selectors.timeline(line)})


def _line_action(request: HttpRequest, line_id: int, action: str) -> HttpResponse:
    actor = _actor(request)
    line: OutboxLine = _or_404(selectors.line_get, actor, line_id)
    try:
        if action == "resend":
            services.line_resend(actor=actor, line=line)
            messages.success(request, _("Đã đưa lại vào hàng đợi gửi."))
        else:
            services.line_cancel(actor=actor, line=line, reason=request.POST.get("reason", ""))
            messages.success(request, _("Đã hủy gửi."))
    except DomainError as exc:
        show_domain_error(request, exc)
    return redirect("exchange:line", line_id=line.pk)


@login_required
@require_POST
def line_resend(request: HttpRequest, line_id: int) -> HttpResponse:
    return _line_action(request, line_id, "resend")


@login_required
@require_POST
def line_cancel(request: HttpRequest, line_id: int) -> HttpResponse:
    return _line_action(request, line_id, "cancel")


@login_required
@require_http_methods(["GET", "POST"])
def receipt_detail(request: HttpRequest, receipt_id: int) -> HttpResponse:
    actor = _actor(request)
    receipt = _or_404(selectors.receipt_get, actor, receipt_id)
    if request.method == "POST":
        action, reason = request.POST.get("action", ""), request.POST.get("reason", "")
        try:
            if action == "reject":
                services.receipt_reject(actor=actor, receipt=receipt, reason=reason)
            elif action == "accept_recall":
                services.recall_request_accept(actor=actor, receipt=receipt)
            elif action == "refuse_recall":
                services.recall_request_refuse(actor=actor, receipt=receipt, reason=reason)
            elif action == "accept_change":
                services.change_request_accept(actor=actor, receipt=receipt)
            elif action == "refuse_change":
                services.change_request_refuse(actor=actor, receipt=receipt, reason=reason)
            else:
                raise Http404()
        except DomainError as exc:
            show_domain_error(request, exc)
        else:
            messages.success(request, _("Đã gửi trả lời cho nơi gửi."))
            return redirect("exchange:monitor")
    return render(request, "exchange/receipt_detail.html", {"receipt": receipt})


@login_required
@require_GET
def quarantine_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    try:
        qs = selectors.quarantine(actor, open_only=request.GET.get("all") != "1")
    except DomainError as exc:
        show_domain_error(request, exc)
        raise
    return render(
        request, "exchange/quarantine.html", {"page": Paginator(qs, 50).get_page(request.GET.get("page"))}
    )


@login_required
@require_POST
def quarantine_dismiss(request: HttpRequest, item_id: int) -> HttpResponse:
    actor = _actor(request)
    item = _or_404(selectors.quarantine_get, actor, item_id)
    try:
        services.quarantine_dismiss(actor=actor, item=item)
    except DomainError as exc:
        show_domain_error(request, exc)
    return redirect("exchange:quarantine")


@login_required
@require_GET
def quarantine_raw(request: HttpRequest, item_id: int) -> FileResponse:
    item = _or_404(selectors.quarantine_get, _actor(request), item_id)
    path = quarantine.raw_file(item)
    if not path.exists():
        raise Http404()
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"quarantine-{item.pk}.edxml")


@login_required
@require_http_methods(["GET", "POST"])
def peer_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    try:
        all_peers = list(selectors.peers(actor))
    except DomainError as exc:
        show_domain_error(request, exc)
        raise
    form = PeerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            peers.peer_register(actor=actor, data=form.to_input())
        except DomainError as exc:
            show_domain_error(request, exc, form)
        else:
            messages.success(request, _("Đã đăng ký hệ thống liên thông."))
            return redirect("exchange:peers")
    context = {
        "peers": all_peers,
        "form": form,
        "switch_form": SwitchForm(peers=all_peers),
        "own_code": keys.own_code(),
        "own_certificate": keys.installation_keys().cert_pem.decode(),
    }
    return render(request, "exchange/peers.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def peer_edit(request: HttpRequest, peer_id: int) -> HttpResponse:
    actor = _actor(request)
    peer: Peer = _or_404(selectors.peer_get, actor, peer_id)
    form = PeerForm(request.POST or None, instance_peer=peer)
    if request.method == "POST" and form.is_valid():
        try:
            peers.peer_update(actor=actor, peer=peer, data=form.to_input())
        except DomainError as exc:
            show_domain_error(request, exc, form)
        else:
            messages.success(request, _("Đã lưu hệ thống liên thông."))
            return redirect("exchange:peers")
    linked = peer.agencies.select_related("agency").order_by("agency__code")[:500]
    return render(request, "exchange/peer_edit.html", {"peer": peer, "form": form, "linked": linked})


@login_required
@require_POST
def peer_sync(request: HttpRequest, peer_id: int) -> HttpResponse:
    actor = _actor(request)
    peer: Peer = _or_404(selectors.peer_get, actor, peer_id)
    try:
        result = peers.peer_sync_agencies(actor=actor, peer=peer)
    except DomainError as exc:
        show_domain_error(request, exc)
    else:
        messages.success(
            request,
            _("Đã đồng bộ %(linked)s cơ quan (%(created)s cơ quan mới).")
            % {"linked": result.linked, "created": result.created},
        )
    return redirect("exchange:peer_edit", peer_id=peer.pk)


@login_required
@require_POST
def agency_switch(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    all_peers = list(selectors.peers(actor))
    form = SwitchForm(request.POST, peers=all_peers)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("exchange:peers")
    agency = Agency.objects.filter(code=form.cleaned_data["agency_code"]).first()
    if agency is None:
        messages.error(request, _("Không tìm thấy cơ quan có mã này."))
        return redirect("exchange:peers")
    try:
        peers.agency_switch(
            actor=actor, agency=agency, hosted=form.cleaned_data["hosted"], peer=form.cleaned_data["peer"]
        )
    except DomainError as exc:
        show_domain_error(request, exc)
    else:
        messages.success(request, _("Đã chuyển cơ quan «%(name)s».") % {"name": agency.name})
    return redirect("exchange:peers")
