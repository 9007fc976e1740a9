"""Reads about accounts: tokens and second-factor devices."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from eoffice.accounts.models import ApiToken, User
from eoffice.core.actor import Actor
from eoffice.core.errors import NotFound, PermissionDenied


def personal_tokens(actor: Actor) -> QuerySet[ApiToken]:
    if actor.user is None:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(kind=ApiToken.Kind.PERSONAL, user=actor.user).order_by("-created_at")


def service_tokens(actor: Actor) -> QuerySet[ApiToken]:
    if not actor.is_superuser:
        raise PermissionDenied(_("Chỉ quản trị hệ thống quản lý mã truy cập dịch vụ."))
    return (
        ApiToken.objects.filter(kind=ApiToken.Kind.SERVICE).select_related("agency").order_by("-created_at")
    )


def token_for_actor(actor: Actor, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_related("user", "agency").filter(pk=token_id).first()
    visible = token is not None and (
        actor.is_superuser or (actor.user is not None and token.user_id == actor.user.pk)
    )
    if token is None or not visible:
        # The same answer for "not yours" and "not there": token ids are not to be probed.
        raise NotFound(_("Không tìm thấy mã truy cập."))
    return token


def has_two_factor(user: User) -> bool:
    return bool(user_has_device(user, confirmed=True))


def pending_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()


def backup_codes_left(user: User) -> int:
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    return device.token_set.count() if device is not None else 0
