"""User accounts, as administrators manage them (create, edit, reset password, lock)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, ValidationFailed
from eoffice.core.policies import require
from eoffice.people import policies
from eoffice.people.models import Delegation
from eoffice.people.services.positions import PositionSpec, create_position_unchecked

if TYPE_CHECKING:
    from eoffice.accounts.models import User

MAX_USERNAME = 150
MAX_FULL_NAME = 200
MAX_EMAIL = 254
MAX_PHONE = 32
MAX_PASSWORD = 128
_PHONE = re.compile(r"^[0-9+()\-. ]*$")


def _clean_username(username: str) -> str:
    username = (username or "").strip()
    if not username:
        raise ValidationFailed("username_required", _("Vui lòng nhập tên đăng nhập."), field="username")
    if len(username) > MAX_USERNAME:
        raise ValidationFailed(
            "username_too_long",
            _("Tên đăng nhập tối đa %(limit)s ký tự.") % {"limit": MAX_USERNAME},
            field="username",
        )
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError as exc:
        raise ValidationFailed(
            "username_invalid",
            _("Tên đăng nhập chỉ gồm chữ, số và các ký tự @ . + - _ (không có khoảng trắng)."),
            field="username",
        ) from exc
    if get_user_model().objects.filter(username__iexact=username).exists():
        raise Conflict(
            "username_taken",
            _("Tên đăng nhập “%(username)s” đã được dùng.") % {"username": username},
            field="username",
        )
    return username


def _clean_full_name(full_name: str) -> str:
    full_name = " ".join((full_name or "").split())
    if not full_name:
        raise ValidationFailed("full_name_required", _("Vui lòng nhập họ và tên."), field="full_name")
    if len(full_name) > MAX_FULL_NAME:
        raise ValidationFailed(
            "full_name_too_long",
            _("Họ và tên tối đa %(limit)s ký tự.") % {"limit": MAX_FULL_NAME},
            field="full_name",
        )
    return full_name


def _clean_email(email: str, *, exclude_pk: int | None = None) -> str:
    email = (email or "").strip()
    if not email:
        return ""
    if len(email) > MAX_EMAIL:
        raise ValidationFailed(
            "email_too_long",
            _("Thư điện tử tối đa %(limit)s ký tự.") % {"limit": MAX_EMAIL},
            field="email",
        )
    try:
        EmailValidator()(email)
    except ValidationError as exc:
        raise ValidationFailed(
            "email_invalid", _("Địa chỉ thư điện tử không hợp lệ."), field="email"
        ) from exc
    # Sign-in with SSO matches people by e-mail, so two accounts may not share one.
    clash = get_user_model().objects.filter(email__iexact=email)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise Conflict(
            "email_taken",
            _("Thư điện tử “%(email)s” đã được dùng cho tài khoản khác.") % {"email": email},
            field="email",
        )
    return email


def _clean_phone(phone: str) -> str:
    phone = (phone or "").strip()
    if len(phone) > MAX_PHONE or not _PHONE.match(phone):
        raise ValidationFailed("phone_invalid", _("Số điện thoại không hợp lệ."), field="phone")
    return phone


def _check_password(password: str, user: User) -> None:
    if not password:
        raise ValidationFailed("password_required", _("Vui lòng nhập mật khẩu."), field="password")
    if len(password) > MAX_PASSWORD:
        raise ValidationFailed(
            "password_too_long",
            _("Mật khẩu tối đa %(limit)s ký tự.") % {"limit": MAX_PASSWORD},
            field="password",
        )
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed("password_weak", " ".join(exc.messages), field="password") from exc


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    full_name: str,
    email: str = "",
    phone: str = "",
    password: str | None = None,
    position: PositionSpec | None = None,
) -> User:
    """Create an account. An agency admin must give its first position, in their sub-tree;
    without a password the account can only sign in by SSO."""
    require(policies.can_create_people(actor), _("Bạn không có quyền tạo người dùng."))
    if position is None and not actor.is_superuser:
        raise ValidationFailed(
            "position_required", _("Cần gán một chức vụ cho người dùng mới."), field="agency"
        )
    if position is not None:
        require(
            policies.can_manage_positions_in(actor, position.agency),
            _("Bạn không có quyền gán chức vụ trong cơ quan này."),
        )
    user = get_user_model()(
        username=_clean_username(username),
        full_name=_clean_full_name(full_name),
        email=_clean_email(email),
        phone=_clean_phone(phone),
    )
    if password:
        _check_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.refresh_search_text()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        # Another request created the same username between our check and the insert.
        raise Conflict("username_taken", _("Tên đăng nhập đã được dùng."), field="username") from exc
    audit.record(
        actor=actor,
        verb="user.created",
        target=user,
        agency_id=position.agency.pk if position else None,
        data={"username": user.username, "has_password": bool(password)},
    )
    if position is not None:
        create_position_unchecked(actor=actor, user=user, spec=position)
    return user


def _lock_account(actor: Actor, user: User) -> User:
    require(policies.can_manage_account(actor, user), _("Bạn không có quyền quản lý tài khoản này."))
    # Lock the row: concurrent edits of one account apply one after the other.
    return get_user_model().objects.select_for_update().get(pk=user.pk)


@transaction.atomic
def user_update(*, actor: Actor, user: User, full_name: str, email: str = "", phone: str = "") -> User:
    locked = _lock_account(actor, user)
    before = {"full_name": locked.full_name, "email": locked.email, "phone": locked.phone}
    locked.full_name = _clean_full_name(full_name)
    locked.email = _clean_email(email, exclude_pk=locked.pk)
    locked.phone = _clean_phone(phone)
    locked.refresh_search_text()
    locked.save(update_fields=["full_name", "email", "phone", "search_text"])
    after = {"full_name": locked.full_name, "email": locked.email, "phone": locked.phone}
    audit.record(actor=actor, verb="user.updated", target=locked, data={"before": before, "after": after})
    return locked


@transaction.atomic
def user_set_password(*, actor: Actor, user: User, password: str) -> User:
    locked = _lock_account(actor, user)
    _check_password(password, locked)
    locked.set_password(password)
    locked.save(update_fields=["password"])
    audit.record(actor=actor, verb="user.password_set", target=locked)
    return locked


@transaction.atomic
def user_deactivate(*, actor: Actor, user: User) -> User:
    """Lock the account: it can no longer sign in or use its tokens, and its delegations end."""
    if actor.user is not None and actor.user.pk == user.pk:
        raise ValidationFailed("deactivate_self", _("Không thể tự khóa tài khoản của chính mình."))
    locked = _lock_account(actor, user)
    if not locked.is_active:
        raise Conflict("user_inactive", _("Tài khoản đã bị khóa trước đó."))
    now = timezone.now()
    locked.is_active = False
    locked.save(update_fields=["is_active"])
    running = Delegation.objects.filter(revoked_at__isnull=True, ends_at__gt=now)
    revoked = running.filter(delegator=locked).update(revoked_at=now)
    revoked += running.filter(delegate=locked).update(revoked_at=now)
    audit.record(actor=actor, verb="user.deactivated", target=locked, data={"delegations_revoked": revoked})
    return locked


@transaction.atomic
def user_activate(*, actor: Actor, user: User) -> User:
    locked = _lock_account(actor, user)
    if locked.is_active:
        raise Conflict("user_active", _("Tài khoản đang hoạt động."))
    locked.is_active = True
    locked.save(update_fields=["is_active"])
    audit.record(actor=actor, verb="user.activated", target=locked)
    return locked
