"""Writes of the axis integration: configure an axis, sync its directory into the agency directory
and the routes table. Only a system administrator (or the system itself, for scheduled jobs)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import ValidationFailed
from eoffice.core.policies import require
from eoffice.directory.models import Agency
from eoffice.exchange import edxml, receiving
from eoffice.exchange.axis.base import AxisAccount, AxisAdapter, AxisStyle, adapter_for
from eoffice.exchange.axis.directory_sync import DirectorySync, sync_directory
from eoffice.exchange.axis.models import AxisAuthChoice
from eoffice.exchange.models import Axis, AxisRoute

EDITABLE = (
    "name",
    "style",
    "base_url",
    "system_id",
    "secret",
    "auth",
    "consumer_key",
    "consumer_secret",
    "api_path",
    "province_path",
    "is_active",
    "is_default",
)


def require_axis_admin(actor: Actor) -> None:
    require(
        actor.is_superuser or (actor.is_system and bool(actor.system_name)),
        _("Chỉ quản trị hệ thống mới được cấu hình trục liên thông."),
    )


def account_of(axis: Axis, *, max_retries: int = 4) -> AxisAccount:
    return AxisAccount(
        style=AxisStyle(axis.style),
        base_url=axis.base_url,
        system_id=axis.system_id,
        secret=axis.secret,
        auth=axis.auth,
        consumer_key=axis.consumer_key,
        consumer_secret=axis.consumer_secret,
        api_path=axis.api_path,
        province_path=axis.province_path,
        max_retries=max_retries,
        max_package_bytes=edxml.limits_from_settings().max_package_bytes,
        spool_dir=str(receiving.work_root()),
    )


def adapter_of(axis: Axis, *, max_retries: int = 4) -> AxisAdapter:
    return adapter_for(account_of(axis, max_retries=max_retries))


def axis_for(agency_id: int) -> Axis | None:
    """The axis that reaches an external agency: the one whose directory lists it, else the default."""
    route = AxisRoute.objects.select_related("axis").filter(agency_id=agency_id, axis__is_active=True).first()
    if route is not None:
        return route.axis
    return Axis.objects.filter(is_active=True, is_default=True).first()


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"axis_{field}", message, field=field)


def _check_lengths(target: Axis) -> None:
    for name in EDITABLE:
        model_field = Axis._meta.get_field(name)
        limit = getattr(model_field, "max_length", None)
        if limit and len(str(getattr(target, name) or "")) > limit:
            raise _invalid(name, _("Quá dài: tối đa %(n)s ký tự.") % {"n": limit})


def _check(target: Axis) -> None:
    """The rules of an axis account, each refusal beside its field in Vietnamese."""
    _check_lengths(target)
    if not target.name.strip():
        raise _invalid("name", _("Cần đặt tên cho trục liên thông."))
    if target.style not in {s.value for s in AxisStyle}:
        raise _invalid("style", _("Kiểu trục không hợp lệ."))
    try:
        URLValidator(schemes=["http", "https"])(target.base_url)
    except DjangoValidationError:
        raise _invalid(
            "base_url", _("Địa chỉ trục không hợp lệ: cần dạng http://… hoặc https://….")
        ) from None
    if not target.system_id.strip():
        raise _invalid("system_id", _("Cần mã hệ thống do trục cấp."))
    if target.auth not in {a.value for a in AxisAuthChoice}:
        raise _invalid("auth", _("Cách xác thực không hợp lệ."))
    token = target.style == AxisStyle.LGSP and target.auth == AxisAuthChoice.TOKEN
    if token and not (target.consumer_key.strip() and target.consumer_secret):
        raise _invalid(
            "consumer_key" if not target.consumer_key.strip() else "consumer_secret",
            _("Xác thực bằng token cần consumer key và consumer secret do LGSP cấp."),
        )
    if not token and not target.secret:
        raise _invalid("secret", _("Cần khóa bí mật do trục cấp cho mã hệ thống này."))
    if target.style == AxisStyle.LGSP and not target.api_path.startswith("/"):
        raise _invalid("api_path", _("Đường dẫn API phải bắt đầu bằng dấu /."))
    twin = Axis.objects.filter(base_url=target.base_url, system_id=target.system_id).exclude(pk=target.pk)
    if twin.exists():
        raise _invalid("system_id", _("Đã có tài khoản trục với địa chỉ và mã hệ thống này."))


@transaction.atomic
def axis_save(*, actor: Actor, axis: Axis | None = None, values: dict[str, Any]) -> Axis:
    """Create an axis, or change one; making it the default takes the default from any other."""
    require_axis_admin(actor)
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValidationFailed(
            "axis_field", _("Trường không hợp lệ: %(f)s.") % {"f": ", ".join(sorted(unknown))}
        )
    target = axis or Axis()
    for name, value in values.items():
        setattr(target, name, value.strip() if isinstance(value, str) and "secret" not in name else value)
    _check(target)
    if target.is_default:
        Axis.objects.exclude(pk=target.pk).filter(is_default=True).update(is_default=False)
    target.save()
    audit.record(
        actor=actor,
        verb="exchange.axis_saved" if axis else "exchange.axis_created",
        target=target,
        data={f: getattr(target, f) for f in EDITABLE if f not in ("secret", "consumer_secret")},
    )
    return target


def axis_sync_directory(*, actor: Actor, axis: Axis, adapter: AxisAdapter | None = None) -> DirectorySync:
    """Import the axis's agency list into the directory, then route every external agency it
    lists through this axis. The import commits in batches on its own (a 100,000-row listing);
    the routes and the audit event commit together afterwards."""
    require_axis_admin(actor)
    result = sync_directory(adapter or adapter_of(axis), actor=actor)
    _write_routes(actor=actor, axis=axis, result=result)
    return result


@transaction.atomic
def _write_routes(*, actor: Actor, axis: Axis, result: DirectorySync) -> None:
    now = timezone.now()
    ids = list(
        Agency.objects.filter(code__in=result.external_codes, hosted=False).values_list("pk", flat=True)
    )
    AxisRoute.objects.bulk_create(
        [AxisRoute(agency_id=pk, axis=axis, synced_at=now) for pk in ids],
        update_conflicts=True,
        unique_fields=["agency"],
        update_fields=["axis", "synced_at"],
        batch_size=2000,
    )
    Axis.objects.filter(pk=axis.pk).update(directory_synced_at=now)
    audit.record(
        actor=actor,
        verb="exchange.axis_directory_synced",
        target=axis,
        data={
            "listed": result.listed,
            "created": result.report.created,
            "updated": result.report.updated,
            "errors": result.report.error_count,
            "routes": len(ids),
        },
    )
