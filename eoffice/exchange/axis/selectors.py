"""Reads of the axis configuration: only the system administrator sees the axes, and never a
secret in full (a hint of its last characters tells two keys apart)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from eoffice.core.actor import Actor
from eoffice.core.errors import NotFound
from eoffice.exchange.axis.services import require_axis_admin
from eoffice.exchange.models import Axis


def axes(actor: Actor) -> QuerySet[Axis]:
    require_axis_admin(actor)
    return Axis.objects.annotate(route_count=Count("routes")).order_by("name", "pk")


def axis_get(actor: Actor, axis_id: int) -> Axis:
    axis = axes(actor).filter(pk=axis_id).first()
    if axis is None:
        raise NotFound(_("Không tìm thấy trục liên thông."))
    return axis


def secret_hint(value: str) -> str:
    """ "" when unset; else dots, with the last four characters only when that leaves most hidden."""
    if not value:
        return ""
    return "••••••" + (value[-4:] if len(value) >= 16 else "")


@dataclass(frozen=True)
class AxisView:
    """What pages and the API show of an axis: everything but the secrets themselves."""

    id: int
    name: str
    style: str
    base_url: str
    system_id: str
    auth: str
    consumer_key: str
    api_path: str
    province_path: str
    is_active: bool
    is_default: bool
    secret_hint: str
    consumer_secret_hint: str
    last_polled_at: datetime | None
    last_poll_error: str
    directory_synced_at: datetime | None
    routes: int


def view_of(axis: Axis) -> AxisView:
    routes = getattr(axis, "route_count", None)
    return AxisView(
        id=axis.pk,
        name=axis.name,
        style=axis.style,
        base_url=axis.base_url,
        system_id=axis.system_id,
        auth=axis.auth,
        consumer_key=axis.consumer_key,
        api_path=axis.api_path,
        province_path=axis.province_path,
        is_active=axis.is_active,
        is_default=axis.is_default,
        secret_hint=secret_hint(axis.secret),
        consumer_secret_hint=secret_hint(axis.consumer_secret),
        last_polled_at=axis.last_polled_at,
        last_poll_error=axis.last_poll_error,
        directory_synced_at=axis.directory_synced_at,
        routes=routes if routes is not None else axis.routes.count(),
    )
