"""/api/v1/exchange/axes: the axis accounts (system administrator): list, create, change, directory
sync, poll now, test connection. Secrets go in and never come out (a hint of the last characters).
The answers are the selectors' and the poller's own dataclasses: one definition of their fields."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from eoffice.core.actor import Actor
from eoffice.exchange.axis import polling, selectors, services
from eoffice.exchange.axis.polling import CheckResult, PollSummary
from eoffice.exchange.axis.selectors import AxisView

router = Router(tags=["exchange"])


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


class AxisIn(Schema):
    name: str = Field(..., max_length=200)
    style: str = Field(..., description="vxp | lgsp", max_length=16)
    base_url: str = Field(..., max_length=300)
    system_id: str = Field(..., max_length=100)
    secret: str = Field("", max_length=300)
    auth: str = Field("key", description="LGSP: key (X-SystemId/X-SecretKey) | token", max_length=16)
    consumer_key: str = Field("", max_length=200)
    consumer_secret: str = Field("", max_length=300)
    api_path: str = Field("/truclienthong/v1.0.0", max_length=200)
    province_path: str = Field("qn", max_length=50)
    is_active: bool = True
    is_default: bool = False


class AxisPatch(Schema):
    """Only the fields sent change; a secret left out is kept."""

    name: str | None = Field(None, max_length=200)
    style: str | None = Field(None, max_length=16)
    base_url: str | None = Field(None, max_length=300)
    system_id: str | None = Field(None, max_length=100)
    secret: str | None = Field(None, max_length=300)
    auth: str | None = Field(None, max_length=16)
    consumer_key: str | None = Field(None, max_length=200)
    consumer_secret: str | None = Field(None, max_length=300)
    api_path: str | None = Field(None, max_length=200)
    province_path: str | None = Field(None, max_length=50)
    is_active: bool | None = None
    is_default: bool | None = None


class SyncOut(Schema):
    listed: int
    created: int
    updated: int
    errors: int
    axis: AxisView


def _out(actor: Actor, axis_id: int) -> AxisView:
    return selectors.view_of(selectors.axis_get(actor, axis_id))


@router.get("", response=list[AxisView], summary="Trục liên thông (quản trị hệ thống)")
def axis_list(request: HttpRequest) -> Any:
    return [selectors.view_of(a) for a in selectors.axes(_actor(request))]


@router.post("", response={201: AxisView}, summary="Thêm tài khoản trục liên thông")
def axis_create(request: HttpRequest, body: AxisIn) -> Any:
    actor = _actor(request)
    axis = services.axis_save(actor=actor, values=body.dict())
    return Status(201, _out(actor, axis.pk))


@router.get("/{axis_id}", response=AxisView, summary="Một trục liên thông")
def axis_detail(request: HttpRequest, axis_id: int) -> Any:
    return _out(_actor(request), axis_id)


@router.patch("/{axis_id}", response=AxisView, summary="Sửa tài khoản trục liên thông")
def axis_update(request: HttpRequest, axis_id: int, body: AxisPatch) -> Any:
    actor = _actor(request)
    values = {k: v for k, v in body.dict(exclude_unset=True).items() if v is not None}
    services.axis_save(actor=actor, axis=selectors.axis_get(actor, axis_id), values=values)
    return _out(actor, axis_id)


@router.post("/{axis_id}/sync", response=SyncOut, summary="Đồng bộ danh bạ cơ quan từ trục")
def axis_sync(request: HttpRequest, axis_id: int) -> Any:
    actor = _actor(request)
    result = services.axis_sync_directory(actor=actor, axis=selectors.axis_get(actor, axis_id))
    return {
        "listed": result.listed,
        "created": result.report.created,
        "updated": result.report.updated,
        "errors": result.report.error_count,
        "axis": _out(actor, axis_id),
    }


@router.post("/{axis_id}/poll", response=PollSummary, summary="Nhận văn bản và trạng thái từ trục ngay")
def axis_poll(request: HttpRequest, axis_id: int) -> Any:
    actor = _actor(request)
    return polling.axis_poll(actor=actor, axis=selectors.axis_get(actor, axis_id))


@router.post("/{axis_id}/check", response=CheckResult, summary="Kiểm tra kết nối tới trục")
def axis_check(request: HttpRequest, axis_id: int) -> Any:
    actor = _actor(request)
    return polling.axis_check(actor=actor, axis=selectors.axis_get(actor, axis_id))
