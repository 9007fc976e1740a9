"""Directory admin pages: create and edit agencies, move, merge, dissolve, hosting, units, import.

Each view parses a form, calls one service and renders; refusals come from the policies the
services check, so these pages, the API and the command behave the same.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eoffice.core.actor import Actor
from eoffice.core.errors import DomainError, PermissionDenied
from eoffice.core.policies import require
from eoffice.directory import policies, selectors, services
from eoffice.directory.forms import (
    AgencyForm,
    DissolveForm,
    ImportForm,
    MergeForm,
    MoveForm,
    UnitForm,
    attach_error,
)
from eoffice.directory.importing import import_directory
from eoffice.directory.models import Agency
from eoffice.directory.views import guarded


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


def _posted(request: HttpRequest) -> Any:
    # An empty POST is still a submission: it must be validated, not shown as a fresh form.
    return request.POST if request.method == "POST" else None


def _require_admin(actor: Actor) -> None:
    require(
        policies.is_directory_admin(actor), _("Trang này dành cho quản trị cơ quan và quản trị hệ thống.")
    )


def _form_page(
    request: HttpRequest, form: Any, *, title: str, agency: Agency | None, submit: str, **extra: Any
) -> HttpResponse:
    context = {"form": form, "title": title, "agency": agency, "submit": submit, **extra}
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "directory/admin/form.html", context, status=status)


def _to_detail(agency: Agency) -> HttpResponse:
    return redirect("directory:detail", code=agency.code)


@guarded
def admin_agencies(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    _require_admin(actor)
    query = request.GET.get("q", "")[: selectors.MAX_QUERY_CHARS]
    context = {
        "q": query,
        "agencies": selectors.agencies_administered_by(actor, query, limit=50),
        "is_superuser": actor.is_superuser,
    }
    return render(request, "directory/admin/list.html", context)


@guarded
def agency_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    _require_admin(actor)
    parent_code = request.GET.get("parent") or request.POST.get("parent") or ""
    parent = selectors.agency_by_code(parent_code) if parent_code else None
    policies.require_create_under(actor, parent)
    form = AgencyForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            agency = services.agency_create(
                actor=actor,
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
                parent=parent,
                details=form.details(),
            )
        except DomainError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("Đã tạo cơ quan «%(name)s».") % {"name": agency.name})
            return _to_detail(agency)
    title = _("Tạo cơ quan trực thuộc") if parent else _("Tạo cơ quan cấp cao nhất")
    return _form_page(request, form, title=title, agency=parent, submit=_("Tạo"), parent_code=parent_code)


@guarded
def agency_edit(request: HttpRequest, code: str) -> HttpResponse:
    actor = _actor(request)
    agency = selectors.agency_by_code(code)
    policies.require_edit(actor, agency)
    initial = {f: getattr(agency, f) for f in AgencyForm.base_fields}
    form = AgencyForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {f: v for f, v in form.cleaned_data.items() if form.fields[f].has_changed(initial[f], v)}
        try:
            services.agency_update(actor=actor, agency=agency, changes=changes)
        except DomainError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("Đã lưu thông tin cơ quan."))
            return redirect("directory:detail", code=changes.get("code", agency.code))
    return _form_page(request, form, title=_("Sửa thông tin cơ quan"), agency=agency, submit=_("Lưu"))


@guarded
def agency_move(request: HttpRequest, code: str) -> HttpResponse:
    actor = _actor(request)
    agency = selectors.agency_by_code(code)
    policies.require_restructure(actor, agency)
    form = MoveForm(_posted(request), initial={"parent_code": agency.parent.code if agency.parent else ""})
    if request.method == "POST" and form.is_valid():
        try:
            target = form.cleaned_data["parent_code"]
            new_parent = selectors.agency_by_code(target) if target else None
            services.agency_move(
                actor=actor,
                agency=agency,
                new_parent=new_parent,
                effective_on=form.cleaned_data["effective_on"],
            )
        except DomainError as exc:
            attach_error(form, _with_field(exc, "parent_code"))
        else:
            messages.success(request, _("Đã chuyển cơ quan cấp trên."))
            return _to_detail(agency)
    return _form_page(request, form, title=_("Chuyển cơ quan cấp trên"), agency=agency, submit=_("Chuyển"))


def _with_field(exc: DomainError, field: str) -> DomainError:
    """A code that names no agency (404) belongs beside the code field the person typed."""
    if exc.field is None and exc.code == "not_found":
        exc.field = field
    return exc


@guarded
def agency_merge(request: HttpRequest, code: str) -> HttpResponse:
    actor = _actor(request)
    agency = selectors.agency_by_code(code)
    policies.require_restructure(actor, agency)
    form = MergeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            into = selectors.agency_by_code(form.cleaned_data["into_code"])
            services.agency_merge(
                actor=actor,
                agency=agency,
                into=into,
                effective_on=form.cleaned_data["effective_on"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            attach_error(form, _with_field(exc, "into_code"))
        else:
            messages.success(
                request, _("Đã sáp nhập «%(a)s» vào «%(b)s».") % {"a": agency.name, "b": into.name}
            )
            return _to_detail(agency)
    return _form_page(
        request, form, title=_("Sáp nhập vào cơ quan khác"), agency=agency, submit=_("Sáp nhập")
    )


@guarded
def agency_dissolve(request: HttpRequest, code: str) -> HttpResponse:
    actor = _actor(request)
    agency = selectors.agency_by_code(code)
    policies.require_restructure(actor, agency)
    form = DissolveForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.agency_dissolve(
                actor=actor,
                agency=agency,
                effective_on=form.cleaned_data["effective_on"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("Đã giải thể cơ quan."))
            return _to_detail(agency)
    return _form_page(
        request, form, title=_("Giải thể cơ quan"), agency=agency, submit=_("Giải thể"), danger=True
    )


@guarded
@require_POST
def agency_hosting(request: HttpRequest, code: str) -> HttpResponse:
    agency = selectors.agency_by_code(code)
    policies.require_edit(_actor(request), agency)
    # The button sends 0 or 1; anything else (a forged or cut-off request) must not turn the
    # agency into an outside one, which would reroute its documents through exchange.
    flag = request.POST.get("hosted")
    if flag not in ("0", "1"):
        messages.error(
            request, _("Yêu cầu không cho biết cơ quan có dùng hệ thống này hay không; chưa đổi gì.")
        )
        return _to_detail(agency)
    hosted = flag == "1"
    try:
        services.agency_set_hosted(actor=_actor(request), agency=agency, hosted=hosted)
    except PermissionDenied:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Cơ quan nay dùng hệ thống này.") if hosted else _("Cơ quan nay là cơ quan ngoài, liên thông."),
        )
    return _to_detail(agency)


@guarded
def units(request: HttpRequest, code: str) -> HttpResponse:
    actor = _actor(request)
    agency = selectors.agency_by_code(code)
    policies.require_edit(actor, agency)
    own_units = selectors.units_of(agency, with_predecessors=False)
    form = UnitForm(_posted(request), units=own_units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = services.unit_create(
                actor=actor,
                agency=agency,
                name=data["name"],
                parent=data["parent"],
                code=data["code"],
                abbreviation=data["abbreviation"],
                sort_order=data["sort_order"] or 0,
            )
        except DomainError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("Đã tạo đơn vị «%(name)s».") % {"name": unit.name})
            return redirect("directory:admin_units", code=agency.code)
    context = {"agency": agency, "form": form, "tree": selectors.unit_tree(agency, include_inactive=True)}
    return render(request, "directory/admin/units.html", context, status=422 if form.errors else 200)


@guarded
def unit_edit(request: HttpRequest, unit_id: int) -> HttpResponse:
    actor = _actor(request)
    unit = selectors.unit_by_id(unit_id)
    policies.require_edit(actor, unit.agency)
    choices = selectors.units_of(unit.agency, with_predecessors=False).exclude(pk=unit.pk)
    initial = {
        "name": unit.name,
        "code": unit.code,
        "abbreviation": unit.abbreviation,
        "sort_order": unit.sort_order,
    }
    form = UnitForm(_posted(request), units=choices, initial={**initial, "parent": unit.parent})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {k: data[k] if k != "sort_order" else (data[k] or 0) for k in initial}
        try:
            services.unit_update(actor=actor, unit=unit, changes=changes)
            services.unit_move(actor=actor, unit=unit, new_parent=data["parent"])
        except DomainError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("Đã lưu đơn vị."))
            return redirect("directory:admin_units", code=unit.agency.code)
    return _form_page(request, form, title=_("Sửa đơn vị"), agency=unit.agency, submit=_("Lưu"), unit=unit)


@guarded
@require_POST
def unit_deactivate(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = selectors.unit_by_id(unit_id)
    try:
        services.unit_deactivate(actor=_actor(request), unit=unit)
    except PermissionDenied:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã ngừng hoạt động đơn vị «%(name)s».") % {"name": unit.name})
    return redirect("directory:admin_units", code=unit.agency.code)


@guarded
def import_page(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    policies.require_import(actor)
    form = ImportForm(_posted(request), request.FILES if request.method == "POST" else None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = import_directory(
                actor=actor,
                stream=upload,
                fmt=form.cleaned_data["format"] or None,
                filename=upload.name or "",
                dry_run=form.cleaned_data["dry_run"],
                size=upload.size,
            )
        except DomainError as exc:
            attach_error(form, exc)
    status = 422 if form.errors else 200
    return render(request, "directory/admin/import.html", {"form": form, "report": report}, status=status)
