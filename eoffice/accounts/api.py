"""/api/v1/accounts: who am I, and my API tokens (personal; service tokens for system admins)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from eoffice.accounts import selectors, services
from eoffice.accounts.models import ApiToken
from eoffice.core.actor import Actor
from eoffice.core.errors import NotFound, PermissionDenied
from eoffice.directory.models import Agency
from eoffice.people.rights import service_agency

router = Router(tags=["accounts"])


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


def _session_only(request: HttpRequest) -> None:
    # A leaked token must not be able to mint more tokens: manage them from a signed-in browser.
    if getattr(request, "api_token", None) is not None:
        raise PermissionDenied(
            _("Chỉ quản lý mã truy cập khi đăng nhập bằng trình duyệt, không bằng mã truy cập.")
        )


class PositionOut(Schema):
    id: int
    title: str
    agency_id: int
    agency: str
    unit: str | None
    roles: list[str]


class MeOut(Schema):
    id: int | None
    username: str | None
    full_name: str
    kind: str
    position: PositionOut | None
    on_behalf_of: str | None
    agency_id: int | None


def position_out(position: Any) -> dict[str, Any] | None:
    if position is None:
        return None
    return {
        "id": position.pk,
        "title": position.title,
        "agency_id": position.agency_id,
        "agency": position.agency.name,
        "unit": position.unit.name if position.unit_id else None,
        "roles": sorted(position.role_set),
    }


@router.get("/me", response=MeOut, summary="Người dùng (hoặc dịch vụ) đang gọi API")
def me(request: HttpRequest) -> dict[str, Any]:
    actor = _actor(request)
    service = service_agency(actor)
    if actor.user is None:
        return {
            "id": None,
            "username": None,
            "full_name": actor.describe(),
            "kind": "service",
            "position": None,
            "on_behalf_of": None,
            "agency_id": service.pk if service else None,
        }
    return {
        "id": actor.user.pk,
        "username": actor.user.username,
        "full_name": actor.user.get_full_name(),
        "kind": "user",
        "position": position_out(actor.position),
        "on_behalf_of": actor.on_behalf_of.get_full_name() if actor.on_behalf_of else None,
        "agency_id": actor.position.agency_id if actor.position else None,
    }


class TokenOut(Schema):
    id: int
    kind: str
    name: str
    prefix: str
    agency_id: int | None
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    key: str = Field(description="Chỉ hiển thị một lần; hãy lưu lại ngay.")


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    expires_at: datetime | None = None


class ServiceTokenIn(TokenIn):
    agency_id: int


def _created(token: ApiToken, key: str) -> dict[str, Any]:
    data = TokenOut.model_validate(token).model_dump()
    data["key"] = key
    return data


@router.get("/tokens", response=list[TokenOut], summary="Mã truy cập cá nhân của tôi")
def list_tokens(request: HttpRequest) -> Any:
    return list(selectors.personal_tokens(_actor(request)))


@router.post("/tokens", response={201: TokenCreatedOut}, summary="Tạo mã truy cập cá nhân")
def create_token(request: HttpRequest, payload: TokenIn) -> Any:
    _session_only(request)
    token, key = services.api_token_create(
        actor=_actor(request), name=payload.name, expires_at=payload.expires_at
    )
    return Status(201, _created(token, key))


@router.post("/tokens/{token_id}/revoke", response=TokenOut, summary="Thu hồi mã truy cập")
def revoke_token(request: HttpRequest, token_id: int) -> Any:
    actor = _actor(request)
    token = selectors.token_for_actor(actor, token_id)
    return services.api_token_revoke(actor=actor, token=token)


@router.get("/service-tokens", response=list[TokenOut], summary="Mã truy cập dịch vụ (quản trị hệ thống)")
def list_service_tokens(request: HttpRequest) -> Any:
    return list(selectors.service_tokens(_actor(request)))


@router.post(
    "/service-tokens", response={201: TokenCreatedOut}, summary="Tạo mã truy cập dịch vụ cho một cơ quan"
)
def create_service_token(request: HttpRequest, payload: ServiceTokenIn) -> Any:
    _session_only(request)
    actor = _actor(request)
    if not actor.is_superuser:
        raise PermissionDenied(_("Chỉ quản trị hệ thống tạo được mã truy cập dịch vụ."))
    agency = Agency.objects.filter(pk=payload.agency_id).first()
    if agency is None:
        raise NotFound(_("Không tìm thấy cơ quan."), field="agency_id")
    token, key = services.service_token_create(
        actor=actor, name=payload.name, agency=agency, expires_at=payload.expires_at
    )
    return Status(201, _created(token, key))
