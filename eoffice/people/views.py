"""People admin pages, delegations and the header position switcher. Views parse, call one service, render."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eoffice.core.actor import Actor
from eoffice.core.errors import DomainError, NotFound, PermissionDenied
from eoffice.core.redirects import local_target
from eoffice.people import policies, selectors, services
from eoffice.people.acting import SESSION_KEY, acting_choices
from eoffice.people.forms import (
    DelegationForm,
    PasswordSetForm,
    PersonSearchForm,
    PositionAddForm,
    PositionEditForm,
    PositionEndForm,
    UserCreateForm,
    UserEditForm,
    administrable_agencies,
    show_error,
)
from eoffice.people.models import Position

View = Callable[..., HttpResponse]


_FAILED = object()


def _attempt(form: Any, call: Callable[[], Any]) -> Any:
    """Run a service for a valid form: its result, or _FAILED with the error beside its field.

    A refusal (PermissionDenied) is not a form error: it propagates and `guarded` turns it into 403.
    """
    try:
        return call()
    except PermissionDenied:
        raise
    except DomainError as exc:
        show_error(form, exc)
        return _FAILED


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


def guarded(view: View) -> View:
    """Signed-in only; a domain "no" becomes a Vietnamese 403 page, "not found" a 404."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return render(request, "people/denied.html", {"message": exc.message}, status=403)
        except NotFound as exc:
            raise Http404(exc.message) from exc

    return wrapper


def _require_admin(actor: Actor) -> None:
    if not selectors.can_open_people_admin(actor):
        raise PermissionDenied(_("Trang này dành cho quản trị cơ quan và quản trị hệ thống."))


@login_required
@require_POST
def switch_position(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("acting_as", "")
    chosen = next((choice for choice in acting_choices(request.user) if choice.key == wanted), None)
    if chosen is not None:
        request.session[SESSION_KEY] = wanted
        messages.success(request, _("Đang làm việc với chức vụ: %(label)s") % {"label": chosen.label})
    else:
        messages.error(request, _("Chức vụ đã chọn không hợp lệ hoặc đã hết hiệu lực."))
    return redirect(local_target(request, request.POST.get("next"), "/"))


# --- People ---------------------------------------------------------------------------------


@guarded
def admin_people(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    _require_admin(actor)
    form = PersonSearchForm(request.GET or None, actor=actor)
    query, agency = "", None
    if form.is_bound and form.is_valid():
        query, agency = form.cleaned_data["q"], form.cleaned_data["agency"]
    people = selectors.people_for_admin(actor, agency=agency, query=query)
    page = Paginator(people, settings.EOFFICE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": query}
    template = "people/_people_rows.html" if getattr(request, "htmx", False) else "people/admin_people.html"
    return render(request, template, context)


@guarded
def person_new(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    _require_admin(actor)
    form = UserCreateForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        spec = services.PositionSpec(
            agency=data["agency"],
            unit=data["unit"],
            title=data["title"],
            roles=data["roles"],
            is_primary=True,
        )
        user = _attempt(
            form,
            lambda: services.user_create(
                actor=actor,
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                password=data["password"] or None,
                position=spec,
            ),
        )
        if user is not _FAILED:
            messages.success(request, _("Đã tạo người dùng %(name)s.") % {"name": user.get_full_name()})
            return redirect("people:person", user_id=user.pk)
    return render(request, "people/person_new.html", {"form": form})


def _person_page(request: HttpRequest, user_id: int, status: int = 200, **forms: Any) -> HttpResponse:
    actor = _actor(request)
    person = selectors.person_for_admin(actor, user_id)
    can_manage = policies.can_manage_account(actor, person)
    initial = {"full_name": person.full_name, "email": person.email, "phone": person.phone}
    context = {
        "person": person,
        "positions": selectors.positions_of_user(actor, person),
        "can_manage": can_manage,
        "edit_form": forms.get("edit_form") or UserEditForm(initial=initial),
        "password_form": forms.get("password_form") or PasswordSetForm(),
        "position_form": forms.get("position_form") or PositionAddForm(actor=actor),
        "can_add_position": administrable_agencies(actor).exists(),
        "end_form": PositionEndForm(),
    }
    return render(request, "people/person.html", context, status=status)


@guarded
def person(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = _actor(request)
    _require_admin(actor)
    if request.method != "POST":
        return _person_page(request, user_id)
    target = selectors.person_for_admin(actor, user_id)
    form = UserEditForm(request.POST)
    if form.is_valid() and (
        _attempt(form, lambda: services.user_update(actor=actor, user=target, **form.cleaned_data))
        is not _FAILED
    ):
        messages.success(request, _("Đã lưu thông tin người dùng."))
        return redirect("people:person", user_id=user_id)
    return _person_page(request, user_id, status=422, edit_form=form)


@guarded
@require_POST
def person_password(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = _actor(request)
    _require_admin(actor)
    target = selectors.person_for_admin(actor, user_id)
    form = PasswordSetForm(request.POST)
    if form.is_valid() and (
        _attempt(
            form,
            lambda: services.user_set_password(
                actor=actor, user=target, password=form.cleaned_data["password"]
            ),
        )
        is not _FAILED
    ):
        messages.success(request, _("Đã đặt lại mật khẩu."))
        return redirect("people:person", user_id=user_id)
    return _person_page(request, user_id, status=422, password_form=form)


@guarded
@require_POST
def person_status(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = _actor(request)
    _require_admin(actor)
    target = selectors.person_for_admin(actor, user_id)
    # The buttons send 0 or 1; anything else (a forged or cut-off request) must not lock the account.
    flag = request.POST.get("active")
    if flag not in ("0", "1"):
        messages.error(request, _("Yêu cầu không cho biết khóa hay mở khóa tài khoản; chưa đổi gì."))
        return redirect("people:person", user_id=user_id)
    try:
        if flag == "1":
            services.user_activate(actor=actor, user=target)
            messages.success(request, _("Đã mở khóa tài khoản."))
        else:
            services.user_deactivate(actor=actor, user=target)
            messages.success(request, _("Đã khóa tài khoản."))
    except DomainError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        messages.error(request, exc.message)
    return redirect("people:person", user_id=user_id)


# --- Positions ------------------------------------------------------------------------------


@guarded
@require_POST
def position_add(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = _actor(request)
    _require_admin(actor)
    target = selectors.person_for_admin(actor, user_id)
    form = PositionAddForm(request.POST, actor=actor)
    if form.is_valid():
        data = form.cleaned_data
        spec = services.PositionSpec(
            agency=data["agency"],
            unit=data["unit"],
            title=data["title"],
            roles=data["roles"],
            is_primary=data["is_primary"],
        )
        if (
            _attempt(form, lambda: services.position_create(actor=actor, user=target, spec=spec))
            is not _FAILED
        ):
            messages.success(request, _("Đã gán chức vụ."))
            return redirect("people:person", user_id=user_id)
    return _person_page(request, user_id, status=422, position_form=form)


@guarded
def position_edit(request: HttpRequest, position_id: int) -> HttpResponse:
    actor = _actor(request)
    _require_admin(actor)
    position = selectors.position_for_admin(actor, position_id)
    initial = {
        "title": position.title,
        "unit": position.unit_id,
        "roles": sorted(position.role_set),
        "is_primary": position.is_primary,
    }
    form = PositionEditForm(request.POST or None, initial=initial, position=position)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _attempt(form, lambda: _save_position(actor, position, data)) is not _FAILED:
            messages.success(request, _("Đã lưu chức vụ."))
            return redirect("people:person", user_id=position.user_id)
    status = 422 if form.errors else 200
    return render(request, "people/position_edit.html", {"form": form, "position": position}, status=status)


def _save_position(actor: Actor, position: Position, data: dict[str, Any]) -> None:
    # Two services, one form: both run in one transaction so a bad role list leaves the title as it was.
    with transaction.atomic():
        services.position_update(
            actor=actor,
            position=position,
            title=data["title"],
            unit=data["unit"],
            is_primary=data["is_primary"],
        )
        services.position_set_roles(actor=actor, position=position, roles=data["roles"])


@guarded
@require_POST
def position_end(request: HttpRequest, position_id: int) -> HttpResponse:
    actor = _actor(request)
    _require_admin(actor)
    position = selectors.position_for_admin(actor, position_id)
    form = PositionEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ngày kết thúc không hợp lệ."))
        return redirect("people:person", user_id=position.user_id)
    try:
        services.position_end(actor=actor, position=position, ends_on=form.cleaned_data["ends_on"])
    except DomainError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã kết thúc chức vụ %(title)s.") % {"title": position.title})
    return redirect("people:person", user_id=position.user_id)


# --- Delegations ----------------------------------------------------------------------------


def _delegation_form(actor: Actor, data: Any = None) -> DelegationForm:
    positions = selectors.delegable_positions(actor)
    candidates = selectors.delegate_candidates_for(positions)
    return DelegationForm(data, positions=positions, candidates=candidates)


@guarded
def delegations(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = _delegation_form(actor, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            if (
                _attempt(
                    form,
                    lambda: services.delegation_create(
                        actor=actor,
                        position=data["position"],
                        delegate=data["delegate"],
                        starts_at=data["starts_at"],
                        ends_at=data["ends_at"],
                        scope=data["scope"],
                        reason=data["reason"],
                    ),
                )
                is not _FAILED
            ):
                messages.success(request, _("Đã tạo ủy quyền."))
                return redirect("people:delegations")
        status = 422
    context = {
        "form": form,
        "given": selectors.delegations_given(actor)[:100],
        "received": selectors.delegations_received(actor)[:100],
        "agency_delegations": selectors.delegations_of_agency(actor)[:200],
        "now": timezone.now(),
    }
    return render(request, "people/delegations.html", context, status=status)


@guarded
@require_POST
def delegation_revoke(request: HttpRequest, delegation_id: int) -> HttpResponse:
    actor = _actor(request)
    delegation = selectors.delegation_for_actor(actor, delegation_id)
    try:
        services.delegation_revoke(actor=actor, delegation=delegation)
    except DomainError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã thu hồi ủy quyền."))
    return redirect(reverse("people:delegations"))
