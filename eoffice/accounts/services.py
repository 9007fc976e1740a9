"""Every write about accounts: API tokens, the TOTP second factor and its backup codes, SSO users."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from eoffice.accounts import policies
from eoffice.accounts.models import ApiToken, User
from eoffice.accounts.tokens import hash_key, new_key
from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, ValidationFailed
from eoffice.core.policies import require
from eoffice.directory.models import Agency, AgencyStatus

MAX_TOKEN_NAME = 100
# A person needs a handful of tokens; hundreds would be a script gone wrong.
MAX_ACTIVE_PERSONAL_TOKENS = 20
BACKUP_CODE_COUNT = 10
MAX_CODE_LENGTH = 16


def _clean_token_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed("name_required", _("Vui lòng đặt tên cho mã truy cập."), field="name")
    if len(name) > MAX_TOKEN_NAME:
        raise ValidationFailed(
            "name_too_long",
            _("Tên tối đa %(limit)s ký tự.") % {"limit": MAX_TOKEN_NAME},
            field="name",
        )
    return name


def _clean_expiry(expires_at: datetime | None) -> datetime | None:
    if expires_at is None:
        return None
    if timezone.is_naive(expires_at):
        raise ValidationFailed("naive_datetime", _("Thời điểm hết hạn phải kèm múi giờ."), field="expires_at")
    if expires_at <= timezone.now():
        raise ValidationFailed("expiry_in_past", _("Thời điểm hết hạn phải ở tương lai."), field="expires_at")
    return expires_at


def _issue(**fields: Any) -> tuple[ApiToken, str]:
    key, prefix = new_key()
    token = ApiToken.objects.create(prefix=prefix, key_hash=hash_key(key), **fields)
    return token, key


@transaction.atomic
def api_token_create(*, actor: Actor, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """A personal token: acts as its owner. Returns the token and its key, shown only this once."""
    require(
        policies.can_create_personal_token(actor), _("Chỉ người dùng đã đăng nhập mới tạo được mã truy cập.")
    )
    assert actor.user is not None
    name, expires_at = _clean_token_name(name), _clean_expiry(expires_at)
    # Lock the owner's row so two requests cannot both slip under the limit.
    User.objects.select_for_update().get(pk=actor.user.pk)
    active = ApiToken.objects.filter(user=actor.user, revoked_at__isnull=True).count()
    if active >= MAX_ACTIVE_PERSONAL_TOKENS:
        raise Conflict(
            "too_many_tokens",
            _("Mỗi người dùng có tối đa %(limit)s mã truy cập; hãy thu hồi mã không dùng.")
            % {"limit": MAX_ACTIVE_PERSONAL_TOKENS},
        )
    token, key = _issue(kind=ApiToken.Kind.PERSONAL, name=name, user=actor.user, expires_at=expires_at)
    audit.record(
        actor=actor,
        verb="api_token.created",
        target=token,
        data={"kind": token.kind, "prefix": token.prefix, "expires_at": expires_at},
    )
    return token, key


@transaction.atomic
def service_token_create(
    *, actor: Actor, name: str, agency: Agency, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """A service token: the system acting for one agency (integrations, sync jobs)."""
    require(
        policies.can_create_service_token(actor), _("Chỉ quản trị hệ thống tạo được mã truy cập dịch vụ.")
    )
    name, expires_at = _clean_token_name(name), _clean_expiry(expires_at)
    if agency.status != AgencyStatus.ACTIVE:
        raise ValidationFailed("agency_not_active", _("Cơ quan đã sáp nhập hoặc giải thể."), field="agency")
    token, key = _issue(kind=ApiToken.Kind.SERVICE, name=name, agency=agency, expires_at=expires_at)
    audit.record(
        actor=actor,
        verb="api_token.created",
        target=token,
        agency_id=agency.pk,
        data={"kind": token.kind, "prefix": token.prefix, "expires_at": expires_at},
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    # Lock the token so two revokes do not both succeed.
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    require(policies.can_revoke_token(actor, locked), _("Bạn không có quyền thu hồi mã truy cập này."))
    if locked.revoked_at is not None:
        raise Conflict("token_revoked", _("Mã truy cập đã được thu hồi trước đó."))
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        verb="api_token.revoked",
        target=locked,
        agency_id=locked.agency_id,
        data={"kind": locked.kind},
    )
    return locked


# --- Second factor --------------------------------------------------------------------------


def clean_code(code: str) -> str:
    """A 6-digit TOTP code or a backup code; spaces people type in are dropped."""
    code = "".join((code or "").split())
    if not code or len(code) > MAX_CODE_LENGTH or not code.isalnum():
        raise ValidationFailed("code_invalid", _("Mã xác thực không hợp lệ."), field="code")
    return code


@transaction.atomic
def totp_enrolment_start(*, actor: Actor) -> TOTPDevice:
    """Create (or reuse) the unconfirmed authenticator the profile page shows as a QR code."""
    require(actor.user is not None, _("Cần đăng nhập."))
    assert actor.user is not None
    user = User.objects.select_for_update().get(pk=actor.user.pk)
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise Conflict("two_factor_on", _("Xác thực hai bước đang bật."))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="eOffice", confirmed=False)
        audit.record(actor=actor, verb="two_factor.enrolment_started", target=user)
    return device


def _new_backup_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Mã dự phòng", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def totp_enrolment_confirm(*, actor: Actor, code: str) -> list[str]:
    """Turn the second factor on once the authenticator's code checks out.

    Returns the backup codes, shown only this once.
    """
    require(actor.user is not None, _("Cần đăng nhập."))
    assert actor.user is not None
    code = clean_code(code)
    # Lock the device: its drift and throttling counters change during verification.
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=actor.user, confirmed=False)
        .order_by("-id")
        .first()
    )
    if device is None:
        raise Conflict("no_enrolment", _("Chưa bắt đầu đăng ký ứng dụng xác thực."))
    if not device.verify_token(code):
        raise ValidationFailed("code_wrong", _("Mã xác thực không đúng hoặc đã hết hạn."), field="code")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=actor.user, confirmed=False).delete()
    codes = _new_backup_codes(actor.user)
    audit.record(actor=actor, verb="two_factor.enabled", target=actor.user)
    return codes


def _verify_any(user: User, code: str) -> Device | None:
    # Lock the devices: a code (above all a one-time backup code) must not be accepted twice.
    for model in (TOTPDevice, StaticDevice):
        for device in model.objects.select_for_update().filter(user=user, confirmed=True):
            if device.verify_token(code):
                return device
    return None


@transaction.atomic
def second_factor_verify(*, user: User, code: str) -> Device | None:
    """The sign-in's second step: the device that accepts `code`, or None. A backup code is used up."""
    try:
        code = clean_code(code)
    except ValidationFailed:
        return None
    device = _verify_any(user, code)
    if isinstance(device, StaticDevice):
        audit.record(
            actor=Actor(user=user),
            verb="two_factor.backup_code_used",
            target=user,
            data={"left": device.token_set.count()},
        )
    return device


@transaction.atomic
def backup_codes_regenerate(*, actor: Actor, code: str) -> list[str]:
    require(actor.user is not None, _("Cần đăng nhập."))
    assert actor.user is not None
    if not TOTPDevice.objects.filter(user=actor.user, confirmed=True).exists():
        raise Conflict("two_factor_off", _("Xác thực hai bước chưa bật."))
    if _verify_any(actor.user, clean_code(code)) is None:
        raise ValidationFailed("code_wrong", _("Mã xác thực không đúng hoặc đã hết hạn."), field="code")
    codes = _new_backup_codes(actor.user)
    audit.record(actor=actor, verb="two_factor.backup_codes_renewed", target=actor.user)
    return codes


@transaction.atomic
def two_factor_disable(*, actor: Actor, user: User, code: str = "") -> User:
    """Turn the second factor off: the person with a current code, or their administrator (lost phone)."""
    require(
        policies.can_reset_two_factor(actor, user),
        _("Bạn không có quyền tắt xác thực hai bước của người này."),
    )
    own = actor.user is not None and actor.user.pk == user.pk
    if (
        not TOTPDevice.objects.filter(user=user).exists()
        and not StaticDevice.objects.filter(user=user).exists()
    ):
        raise Conflict("two_factor_off", _("Xác thực hai bước chưa bật."))
    if own and _verify_any(user, clean_code(code)) is None:
        raise ValidationFailed("code_wrong", _("Mã xác thực không đúng hoặc đã hết hạn."), field="code")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit.record(actor=actor, verb="two_factor.disabled", target=user, data={"by_self": own})
    return user


# --- Single sign-on -------------------------------------------------------------------------


@transaction.atomic
def user_create_from_sso(*, claims: dict[str, Any], username: str) -> User:
    """Only when OIDC_CREATE_USER is on: a person the identity provider vouches for, with no password."""
    email = str(claims.get("email") or "").strip()[:254]
    full_name = " ".join(str(claims.get("name") or "").split())[:200]
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict("username_taken", _("Tên đăng nhập đã được dùng."), field="username")
    user = User(username=username[:150], email=email, full_name=full_name)
    user.set_unusable_password()
    user.refresh_search_text()
    user.save()
    audit.record(actor=Actor.system("oidc"), verb="user.created", target=user, data={"source": "oidc"})
    return user
