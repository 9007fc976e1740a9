"""The calendar page: a year view anyone signed in may read; superusers edit it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eoffice.core.errors import DomainError, NotFound
from eoffice.workcalendar import policies, selectors, services
from eoffice.workcalendar.forms import CalculatorForm, OverrideForm, WorkingHoursForm, local_now_input
from eoffice.workcalendar.holidays_vn import FIRST_YEAR, LAST_YEAR, YearOutOfRange
from eoffice.workcalendar.loader import get_calendar


def _year_param(request: HttpRequest) -> int:
    raw = request.GET.get("year") or request.POST.get("year") or ""
    if raw.isdigit() and len(raw) == 4 and FIRST_YEAR <= int(raw) <= LAST_YEAR:
        return int(raw)
    return timezone.localdate().year


def _page_url(year: int) -> str:
    return f"{reverse('workcalendar:admin')}?year={year}"


def _render_page(request: HttpRequest, year: int, status: int = 200, **forms: Any) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    view = selectors.year_calendar(actor=actor, year=year)
    context = {
        "cal": view,
        "can_edit": policies.can_edit_calendar(actor),
        "override_form": forms.get("override_form") or OverrideForm(initial={"kind": "day_off"}),
        "hours_form": forms.get("hours_form") or WorkingHoursForm(initial_sessions=view.sessions),
        "calc_form": CalculatorForm(
            initial={"operation": "add_days", "start": local_now_input(), "amount": 1}
        ),
        "prev_year": year - 1 if year > FIRST_YEAR else None,
        "next_year": year + 1 if year < LAST_YEAR else None,
        "kind_label": selectors.kind_label,
        "day_hours": _("%(hours)d giờ %(minutes)02d phút")
        % {"hours": view.day_length_minutes // 60, "minutes": view.day_length_minutes % 60},
    }
    return render(request, "workcalendar/admin.html", context, status=status)


def _edit_guard(request: HttpRequest) -> None:
    if not policies.can_edit_calendar(request.actor):  # type: ignore[attr-defined]
        raise DjangoPermissionDenied(_("Chỉ quản trị hệ thống mới được sửa lịch làm việc."))


@login_required
@require_GET
def admin(request: HttpRequest) -> HttpResponse:
    return _render_page(request, _year_param(request))


@login_required
@require_POST
def override_add(request: HttpRequest) -> HttpResponse:
    _edit_guard(request)
    year = _year_param(request)
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            override = services.override_create(
                actor=request.actor,  # type: ignore[attr-defined]
                day=form.cleaned_data["day"],
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                source=form.cleaned_data["source"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request, _("Đã thêm ngày điều chỉnh %(day)s.") % {"day": f"{override.date:%d/%m/%Y}"}
            )
            return redirect(_page_url(override.date.year))
    return _render_page(request, year, status=422, override_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def override_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    _edit_guard(request)
    override = selectors.override_get(actor=actor, override_id=pk)
    if override is None:
        raise Http404
    if request.method == "POST":
        form = OverrideForm(request.POST)
        if form.is_valid():
            try:
                updated = services.override_update(
                    actor=actor,
                    override_id=pk,
                    day=form.cleaned_data["day"],
                    kind=form.cleaned_data["kind"],
                    reason=form.cleaned_data["reason"],
                    source=form.cleaned_data["source"],
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(
                    request, _("Đã lưu ngày điều chỉnh %(day)s.") % {"day": f"{updated.date:%d/%m/%Y}"}
                )
                return redirect(_page_url(updated.date.year))
        status = 422
    else:
        form = OverrideForm(
            initial={
                "day": override.date,
                "kind": override.kind,
                "reason": override.reason,
                "source": override.source,
            }
        )
        status = 200
    return render(
        request, "workcalendar/override_edit.html", {"form": form, "override": override}, status=status
    )


@login_required
@require_POST
def override_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _edit_guard(request)
    try:
        services.override_delete(actor=request.actor, override_id=pk)  # type: ignore[attr-defined]
    except NotFound as exc:
        raise Http404 from exc
    messages.success(request, _("Đã xóa ngày điều chỉnh."))
    return redirect(_page_url(_year_param(request)))


@login_required
@require_POST
def working_hours(request: HttpRequest) -> HttpResponse:
    _edit_guard(request)
    year = _year_param(request)
    form = WorkingHoursForm(request.POST)
    sessions = form.sessions()
    if sessions is not None:
        try:
            services.working_hours_update(actor=request.actor, sessions=sessions)  # type: ignore[attr-defined]
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Đã lưu giờ làm việc."))
            return redirect(_page_url(year))
    return _render_page(request, year, status=422, hours_form=form)


@login_required
@require_POST
def seed(request: HttpRequest) -> HttpResponse:
    _edit_guard(request)
    year = _year_param(request)
    created = services.overrides_seed_from_package(actor=request.actor, year=year)  # type: ignore[attr-defined]
    if created:
        days = ", ".join(f"{o.date:%d/%m/%Y}" for o in created)
        messages.success(request, _("Đã thêm ngày làm bù: %(days)s.") % {"days": days})
    else:
        messages.info(request, _("Không có ngày làm bù nào cần thêm cho năm %(year)s.") % {"year": year})
    return redirect(_page_url(year))


def _duration_text(value: timedelta) -> str:
    minutes, seconds = divmod(int(value.total_seconds()), 60)
    hours, minutes = divmod(minutes, 60)
    if seconds:
        return _("%(hours)d giờ %(minutes)02d phút %(seconds)02d giây") % {
            "hours": hours,
            "minutes": minutes,
            "seconds": seconds,
        }
    return _("%(hours)d giờ %(minutes)02d phút") % {"hours": hours, "minutes": minutes}


@login_required
@require_GET
def calculate(request: HttpRequest) -> HttpResponse:
    """The page's calculator (HTMX partial): shows how the engine counts, for admins to check a year."""
    form = CalculatorForm(request.GET)
    result: str | None = None
    if form.is_valid():
        data = form.cleaned_data
        cal = get_calendar()
        try:
            if data["operation"] == "add_days":
                found = cal.add_working_days(data["start"], int(data["amount"]))
                result = timezone.localtime(found).strftime("%d/%m/%Y %H:%M")
            elif data["operation"] == "add_hours":
                found = cal.add_working_hours(data["start"], data["amount"])
                result = timezone.localtime(found).strftime("%d/%m/%Y %H:%M")
            else:
                result = _duration_text(cal.working_time_between(data["start"], data["end"]))
        except YearOutOfRange:
            form.add_error(
                None,
                _("Kết quả nằm ngoài khoảng năm %(a)s–%(b)s mà lịch hỗ trợ.")
                % {"a": FIRST_YEAR, "b": LAST_YEAR},
            )
            result = None
    # Without JavaScript the form is submitted normally: answer with a whole page, not a fragment.
    template = "workcalendar/_calc_result.html" if request.htmx else "workcalendar/calc_page.html"  # type: ignore[attr-defined]
    return render(request, template, {"form": form, "result": result})
