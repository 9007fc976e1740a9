"""Pages: the exchange monitor (lines, failed box, received, last hour), a line's timeline,
the quarantine and the peers (system administrator)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

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
from eoffice.exchange import keys, peers, policies, quarantine, selectors, services
from eoffice.exchange.forms import PeerForm, SwitchForm
from eoffice.exchange.models import STATUS_LABELS, LineState, OutboxLine, Peer, Receipt
from eoffice.outgoing.selectors import draft_visible

T = TypeVar("T")

# A search longer than any DocumentId or agency name finds nothing more; SQLite refuses a LIKE
# pattern past 50,000 bytes (a 500), so the page searches this much of what was typed.
MAX_SEARCH = 300


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


def _or_404(request: HttpRequest, fn: Callable[..., T], *args: Any) -> T:
    """What a selector found; its NotFound is a 404 page, its refusal a 403 page (not a 500)."""
    try:
        return fn(*args)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        show_domain_error(request, exc)
        raise


def _status_name(code: str) -> str:
    """ "03 · Đã tiếp nhận": the clerk reads the name, the code matches the sender's papers."""
    return f"{code} · {STATUS_LABELS[code]}" if code in STATUS_LABELS else code


@login_required
@require_GET
def monitor(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    try:
        selectors.require_monitor(actor)
    except DomainError as exc:
        show_domain_error(request, exc)
    box = "failed" if request.GET.get("box") == "failed" else ""
    state = request.GET.get("state", "")
    state = state if state in LineState.values and not box else ""
    text = request.GET.get("q", "")[:MAX_SEARCH].strip()  # a NUL never gets here (web.nul_input)
    qs = selectors.search(selectors.lines(actor, state=state, box=box), text)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for line in page:
        line.status_name = _status_name(line.status_code)  # type: ignore[attr-defined]
    received = list(selectors.received_documents(actor)[:20])
    for receipt in received:
        receipt.status_name = _status_name(receipt.last_status_sent)  # type: ignore[attr-defined]
    context = {
        "page": page,
        "box": box,
        "state": state,
        "q": text,
        # The filters again on the pager's links, so page 2 is page 2 of the same search.
        "filters": urlencode({k: v for k, v in (("box", box), ("state", state), ("q", text)) if v}),
        "states": LineState.choices,
        "stats": selectors.last_hour(actor),
        "failed_count": selectors.lines(actor, box="failed").count(),
        "requests": selectors.pending_requests(actor)[:50],
        "received": received,
        "quarantine_count": selectors.quarantine(actor).count() if actor.is_superuser else None,
    }
    return render(request, "exchange/monitor.html", context)


def _line_page(request: HttpRequest, line: OutboxLine, errors: dict[str, str] | None = None) -> HttpResponse:
    actor = _actor(request)
    context = {
        "line": line,
        # The agency's admin watches the line but does not read the draft: no link that 404s.
        "draft_visible": line.draft_id is not None and draft_visible(line.draft_id, actor),
        "events": selectors.timeline(line),
        # Watchers (the agency's admin, the system administrator) see the line; only the
        # sender's clerk resends or cancels it, so only the clerk is offered the buttons.
        "can_act": policies.is_clerk(actor, line.sender),
        "errors": errors or {},
        "reason": request.POST.get("reason", "") if errors else "",
    }
    return render(request, "exchange/line_detail.html", context)


@login_required
@require_GET
def line_detail(request: HttpRequest, line_id: int) -> HttpResponse:
    return _line_page(request, _or_404(request, selectors.line_get, _actor(request), line_id))


def _line_action(request: HttpRequest, line_id: int, action: str) -> HttpResponse:
    actor = _actor(request)
    line: OutboxLine = _or_404(request, selectors.line_get, actor, line_id)
    try:
        if action == "resend":
            services.line_resend(actor=actor, line=line)
            messages.success(request, _("Đã đưa lại vào hàng đợi gửi."))
        else:
            services.line_cancel(actor=actor, line=line, reason=request.POST.get("reason", ""))
            messages.success(request, _("Đã hủy gửi."))
    except DomainError as exc:
        if exc.field == "reason":
            return _line_page(request, line, {"reason": exc.message})
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


def _answer(request: HttpRequest, receipt: Receipt, action: str) -> None:
    actor, reason = _actor(request), request.POST.get("reason", "")
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


ANSWERS = ("reject", "accept_recall", "refuse_recall", "accept_change", "refuse_change")


@login_required
@require_http_methods(["GET", "POST"])
def receipt_detail(request: HttpRequest, receipt_id: int) -> HttpResponse:
    actor = _actor(request)
    receipt = _or_404(request, selectors.receipt_get, actor, receipt_id)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action not in ANSWERS:
                status = 400
                messages.error(request, _("Thao tác không hợp lệ."))
            else:
                _answer(request, receipt, action)
                messages.success(request, _("Đã gửi trả lời cho nơi gửi."))
                return redirect("exchange:monitor")
        except DomainError as exc:
            if exc.field == "reason":
                errors = {"reason": exc.message, "action": action}
            else:
                show_domain_error(request, exc)
    context = {
        "receipt": receipt,
        "status_name": _status_name(receipt.last_status_sent),
        # The agency's admin reads what arrived; the clerk answers it (the services say so too).
        "can_act": policies.is_clerk(actor, receipt.receiver),
        "errors": errors,
        "reason": request.POST.get("reason", "") if errors else "",
    }
    return render(request, "exchange/receipt_detail.html", context, status=status)


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
    item = _or_404(request, selectors.quarantine_get, actor, item_id)
    try:
        services.quarantine_dismiss(actor=actor, item=item)
    except DomainError as exc:
        show_domain_error(request, exc)
    return redirect("exchange:quarantine")


@login_required
@require_GET
def quarantine_raw(request: HttpRequest, item_id: int) -> FileResponse:
    item = _or_404(request, selectors.quarantine_get, _actor(request), item_id)
    path = quarantine.raw_file(item)
    if not path.exists():
        raise Http404(_("Không còn tệp gói tin gốc của mục này trong kho cách ly."))
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"quarantine-{item.pk}.edxml")


def _peers_page(
    request: HttpRequest,
    all_peers: list[Peer],
    *,
    form: PeerForm | None = None,
    switch: SwitchForm | None = None,
) -> HttpResponse:
    context = {
        "peers": all_peers,
        "form": form or PeerForm(),
        "switch_form": switch or SwitchForm(peers=all_peers),
        "own_code": keys.own_code(),
        "own_certificate": keys.installation_keys().cert_pem.decode(),
    }
    return render(request, "exchange/peers.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def peer_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    all_peers = list(_or_404(request, selectors.peers, actor))
    form = PeerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            peers.peer_register(actor=actor, data=form.to_input())
        except DomainError as exc:
            show_domain_error(request, exc, form)
        else:
            messages.success(request, _("Đã đăng ký hệ thống liên thông."))
            return redirect("exchange:peers")
    return _peers_page(request, all_peers, form=form)


@login_required
@require_http_methods(["GET", "POST"])
def peer_edit(request: HttpRequest, peer_id: int) -> HttpResponse:
    actor = _actor(request)
    peer: Peer = _or_404(request, selectors.peer_get, actor, peer_id)
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
    peer: Peer = _or_404(request, selectors.peer_get, actor, peer_id)
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
    """Errors go beside the switch form's fields on the peers page, with what was typed kept."""
    actor = _actor(request)
    all_peers = list(_or_404(request, selectors.peers, actor))
    form = SwitchForm(request.POST, peers=all_peers)
    if not form.is_valid():
        return _peers_page(request, all_peers, switch=form)
    agency = Agency.objects.filter(code=form.cleaned_data["agency_code"].strip()).first()
    if agency is None:
        form.add_error("agency_code", _("Không tìm thấy cơ quan có mã này."))
        return _peers_page(request, all_peers, switch=form)
    try:
        peers.agency_switch(
            actor=actor, agency=agency, hosted=form.cleaned_data["hosted"], peer=form.cleaned_data["peer"]
        )
    except DomainError as exc:
        show_domain_error(request, exc, form)
        return _peers_page(request, all_peers, switch=form)
    messages.success(request, _("Đã chuyển cơ quan «%(name)s».") % {"name": agency.name})
    return redirect("exchange:peers")
