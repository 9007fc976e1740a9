"""Pages of the axes for the system administrator: the list with a new-account form, one axis's
settings, and its actions (directory sync, poll now, test connection)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from eoffice.core.actor import Actor
from eoffice.core.errors import DomainError, NotFound
from eoffice.core.forms import show_domain_error
from eoffice.exchange.axis import polling, selectors, services
from eoffice.exchange.axis.forms import AxisForm
from eoffice.exchange.models import Axis


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


def _axis(request: HttpRequest, axis_id: int) -> Axis:
    try:
        return selectors.axis_get(_actor(request), axis_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        show_domain_error(request, exc)
        raise


@login_required
@require_http_methods(["GET", "POST"])
def axis_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    try:
        rows = [selectors.view_of(a) for a in selectors.axes(actor)]
    except DomainError as exc:
        show_domain_error(request, exc)
        raise
    form = AxisForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            axis = services.axis_save(actor=actor, values=form.to_values())
        except DomainError as exc:
            show_domain_error(request, exc, form)
        else:
            messages.success(request, _("Đã thêm trục liên thông «%(name)s».") % {"name": axis.name})
            return redirect("exchange:axis_edit", axis_id=axis.pk)
    return render(request, "exchange/axis_list.html", {"axes": rows, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def axis_edit(request: HttpRequest, axis_id: int) -> HttpResponse:
    actor = _actor(request)
    axis = _axis(request, axis_id)
    form = AxisForm(request.POST or None, axis=axis)
    if request.method == "POST" and form.is_valid():
        try:
            services.axis_save(actor=actor, axis=axis, values=form.to_values())
        except DomainError as exc:
            show_domain_error(request, exc, form)
        else:
            messages.success(request, _("Đã lưu trục liên thông."))
            return redirect("exchange:axis_edit", axis_id=axis.pk)
    view = selectors.view_of(selectors.axis_get(actor, axis_id))
    return render(request, "exchange/axis_edit.html", {"axis": view, "form": form})


@login_required
@require_POST
def axis_sync(request: HttpRequest, axis_id: int) -> HttpResponse:
    axis = _axis(request, axis_id)
    try:
        result = services.axis_sync_directory(actor=_actor(request), axis=axis)
    except DomainError as exc:
        show_domain_error(request, exc)
    else:
        messages.success(
            request,
            _("Đã đồng bộ danh bạ: %(listed)s cơ quan trên trục, %(created)s mới, %(updated)s thay đổi.")
            % {"listed": result.listed, "created": result.report.created, "updated": result.report.updated},
        )
    return redirect("exchange:axis_edit", axis_id=axis.pk)


@login_required
@require_POST
def axis_poll(request: HttpRequest, axis_id: int) -> HttpResponse:
    axis = _axis(request, axis_id)
    summary = polling.axis_poll(actor=_actor(request), axis=axis)
    text = _(
        "Đã nhận: %(stored)s văn bản, %(statuses)s trạng thái, %(duplicates)s gói trùng; "
        "%(quarantined)s gói bị cách ly."
    ) % {
        "stored": summary.stored,
        "statuses": summary.statuses,
        "duplicates": summary.duplicates,
        "quarantined": summary.quarantined,
    }
    if summary.errors:
        messages.warning(request, text + " " + _("Lỗi: %(errors)s") % {"errors": "; ".join(summary.errors)})
    else:
        messages.success(request, text)
    return redirect("exchange:axis_edit", axis_id=axis.pk)


@login_required
@require_POST
def axis_check(request: HttpRequest, axis_id: int) -> HttpResponse:
    axis = _axis(request, axis_id)
    result = polling.axis_check(actor=_actor(request), axis=axis)
    if result.ok:
        messages.success(
            request,
            _("Kết nối được với trục; %(n)s văn bản đang chờ nhận.") % {"n": result.waiting},
        )
    else:
        messages.error(request, _("Không kết nối được: %(message)s") % {"message": result.message})
    return redirect("exchange:axis_edit", axis_id=axis.pk)
