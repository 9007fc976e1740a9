"""Sign-in (password, then a TOTP or backup code when 2FA is on), lock-out page, profile, tokens."""

from __future__ import annotations

import base64
import time
from typing import Any

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from eoffice.accounts import selectors, services
from eoffice.accounts.forms import CodeForm, ServiceTokenForm, SignInForm, TokenForm
from eoffice.accounts.models import User
from eoffice.core.actor import Actor
from eoffice.core.errors import DomainError, NotFound, PermissionDenied
from eoffice.core.redirects import local_target
from eoffice.people.acting import acting_choices
from eoffice.people.forms import show_error
from eoffice.people.views import guarded

PENDING_KEY = "eoffice_2fa_pending"
# The second step must follow the password soon, and may be tried only a few times.
PENDING_SECONDS = 300
MAX_CODE_FAILURES = 5


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # every caller is behind login_required
    return user


def _safe_next(request: HttpRequest, target: str | None) -> str:
    return local_target(request, target, str(settings.LOGIN_REDIRECT_URL))


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if selectors.has_two_factor(user):
            # Not signed in yet: remember who passed the password, and ask for the code.
            self.request.session[PENDING_KEY] = {
                "user_id": user.pk,
                "backend": getattr(user, "backend", "django.contrib.auth.backends.ModelBackend"),
                "since": time.time(),
                "next": self.get_redirect_url(),
                "failures": 0,
            }
            return redirect("accounts:login_code")
        return super().form_valid(form)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = getattr(settings, "OIDC_ENABLED", False)
        context["sso_failed"] = self.request.GET.get("sso") == "failed"
        return context


login_view = LoginView.as_view()


def _restart(request: HttpRequest, message: str) -> HttpResponse:
    request.session.pop(PENDING_KEY, None)
    messages.error(request, message)
    return redirect("accounts:login")


def login_code(request: HttpRequest) -> HttpResponseBase:
    """Second step of sign-in: a code from the authenticator app, or a backup code."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - float(pending.get("since", 0)) > PENDING_SECONDS:
        return _restart(request, _("Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại."))
    user = User.objects.filter(pk=int(pending.get("user_id") or 0), is_active=True).first()
    if user is None:
        return _restart(request, _("Tài khoản không còn hoạt động."))
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        request.session.pop(PENDING_KEY, None)
        return get_lockout_response(request, None, credentials)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.second_factor_verify(user=user, code=form.cleaned_data["code"])
        if device is not None:
            request.session.pop(PENDING_KEY, None)
            auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            return redirect(_safe_next(request, pending.get("next")))
        # A wrong code counts as a failed sign-in, so guessing codes runs into the same lock-out.
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            request.session.pop(PENDING_KEY, None)
            return get_lockout_response(request, None, credentials)
        pending["failures"] = int(pending.get("failures", 0)) + 1
        if pending["failures"] >= MAX_CODE_FAILURES:
            return _restart(request, _("Nhập sai mã quá nhiều lần, vui lòng đăng nhập lại."))
        request.session[PENDING_KEY] = pending
        form.add_error("code", _("Mã xác thực không đúng hoặc đã hết hạn."))
        form.mark_invalid()
    return render(request, "accounts/login_code.html", {"form": form}, status=422 if form.errors else 200)


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes calls this when a username and address have failed too often."""
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else None
    context = {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT}
    return render(request, str(settings.AXES_LOCKOUT_TEMPLATE), context, status=429)


# --- Profile --------------------------------------------------------------------------------


def _profile(request: HttpRequest, status: int = 200, **extra: Any) -> HttpResponse:
    actor = _actor(request)
    user = _user(request)
    context = {
        "choices": acting_choices(user),
        "two_factor": selectors.has_two_factor(user),
        "backup_left": selectors.backup_codes_left(user),
        "tokens": selectors.personal_tokens(actor),
        "token_form": extra.pop("token_form", None) or TokenForm(),
        "code_form": extra.pop("code_form", None) or CodeForm(),
        **extra,
    }
    return render(request, "accounts/profile.html", context, status=status)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return _profile(request)


@guarded
@require_POST
def two_factor_start(request: HttpRequest) -> HttpResponse:
    try:
        services.totp_enrolment_start(actor=_actor(request))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:profile")
    return redirect("accounts:two_factor")


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


@guarded
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enrolment: the QR code of the pending authenticator, and the code that confirms it."""
    device = selectors.pending_totp_device(_user(request))
    if device is None:
        return redirect("accounts:profile")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_enrolment_confirm(actor=_actor(request), code=form.cleaned_data["code"])
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("Đã bật xác thực hai bước."))
            return render(request, "accounts/backup_codes.html", {"codes": codes})
    context = {
        "form": form,
        "qr_svg": _qr_svg(device.config_url),
        "secret": base64.b32encode(device.bin_key).decode("ascii"),
    }
    return render(request, "accounts/two_factor.html", context, status=422 if form.errors else 200)


@guarded
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            services.two_factor_disable(
                actor=_actor(request), user=_user(request), code=form.cleaned_data["code"]
            )
        except DomainError as exc:
            if isinstance(exc, PermissionDenied):
                raise
            show_error(form, exc)
        else:
            messages.success(request, _("Đã tắt xác thực hai bước."))
            return redirect("accounts:profile")
    return _profile(request, status=422, code_form=form)


@guarded
@require_POST
def backup_codes(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            codes = services.backup_codes_regenerate(actor=_actor(request), code=form.cleaned_data["code"])
        except DomainError as exc:
            show_error(form, exc)
        else:
            return render(request, "accounts/backup_codes.html", {"codes": codes})
    return _profile(request, status=422, code_form=form)


@guarded
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            token, key = services.api_token_create(
                actor=_actor(request),
                name=form.cleaned_data["name"],
                expires_at=form.cleaned_data["expires_at"],
            )
        except DomainError as exc:
            show_error(form, exc)
        else:
            # Rendered, not redirected: the key exists only in this response.
            return _profile(request, new_key=key, new_token=token)
    return _profile(request, status=422, token_form=form)


@guarded
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    actor = _actor(request)
    token = selectors.token_for_actor(actor, token_id)
    try:
        services.api_token_revoke(actor=actor, token=token)
    except DomainError as exc:
        if isinstance(exc, PermissionDenied | NotFound):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã thu hồi mã truy cập %(name)s.") % {"name": token.name})
    return redirect("accounts:service_tokens" if token.agency_id else "accounts:profile")


@guarded
def service_tokens(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    tokens = selectors.service_tokens(actor)  # refuses anyone but a system admin
    form = ServiceTokenForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "tokens": tokens}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            token, key = services.service_token_create(
                actor=actor, name=data["name"], agency=data["agency"], expires_at=data["expires_at"]
            )
        except DomainError as exc:
            if isinstance(exc, PermissionDenied):
                raise
            show_error(form, exc)
        else:
            context.update({"new_key": key, "new_token": token, "form": ServiceTokenForm()})
    status = 422 if form.errors else 200
    return render(request, "accounts/service_tokens.html", context, status=status)
