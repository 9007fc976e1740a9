"""/api/v1/people: search people, positions, delegations. Every read is scoped by the actor."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from eoffice.core.actor import Actor
from eoffice.core.errors import NotFound, PermissionDenied
from eoffice.directory.models import Agency, Unit
from eoffice.people import selectors, services
from eoffice.people.acting import acting_choices
from eoffice.people.models import Delegation, DelegationScope, Position

router = Router(tags=["people"])

MAX_QUERY = 100
# Past this a database refuses the OFFSET (SQLite: "datatype mismatch", a 500); the client gets a 422.
MAX_OFFSET = 10_000_000


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


class PersonOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    is_active: bool


class PositionOut(Schema):
    id: int
    user_id: int
    title: str
    agency_id: int
    agency: str = Field(alias="agency.name")
    unit_id: int | None
    is_primary: bool
    is_active: bool
    roles: list[str]

    @staticmethod
    def resolve_roles(obj: Position) -> list[str]:
        return sorted(obj.role_set)


class DelegationOut(Schema):
    id: int
    position_id: int
    position: str
    delegator_id: int
    delegator: str
    delegate_id: int
    delegate: str
    scope: str
    starts_at: datetime
    ends_at: datetime
    revoked_at: datetime | None
    reason: str

    @staticmethod
    def resolve_position(obj: Delegation) -> str:
        return str(obj.position)

    @staticmethod
    def resolve_delegator(obj: Delegation) -> str:
        return obj.delegator.get_full_name()

    @staticmethod
    def resolve_delegate(obj: Delegation) -> str:
        return obj.delegate.get_full_name()


class ActingOut(Schema):
    key: str
    label: str
    position: PositionOut
    on_behalf_of_id: int | None


def _person(user: Any) -> dict[str, Any]:
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.get_full_name(),
        "email": user.email,
        "is_active": user.is_active,
    }


@router.get("/search", response=list[PersonOut], summary="Tìm người (không dấu cũng được)")
def search(
    request: HttpRequest, q: str = Query(..., max_length=MAX_QUERY), limit: int = Query(20, ge=1, le=100)
) -> Any:
    return [_person(u) for u in selectors.person_search(_actor(request), q, limit=limit)]


@router.get("/me/acting", response=list[ActingOut], summary="Các chức vụ tôi có thể dùng lúc này")
def my_acting(request: HttpRequest) -> Any:
    user = request.user
    if not user.is_authenticated:
        return []
    return [
        {
            "key": c.key,
            "label": c.label,
            "position": c.position,
            "on_behalf_of_id": c.delegation.delegator_id if c.delegation else None,
        }
        for c in acting_choices(user)
    ]


@router.get("/admin/people", response=list[PersonOut], summary="Người dùng trong phạm vi quản trị")
def admin_people(
    request: HttpRequest,
    q: str = Query("", max_length=MAX_QUERY),
    agency_id: int | None = None,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> Any:
    actor = _actor(request)
    if not selectors.can_open_people_admin(actor) and selectors.service_scope(actor) is None:
        raise PermissionDenied(_("Chỉ quản trị cơ quan và quản trị hệ thống xem được danh sách này."))
    agency = None
    if agency_id is not None:
        agency = Agency.objects.filter(pk=agency_id).first()
        if agency is None:
            raise NotFound(_("Không tìm thấy cơ quan."), field="agency_id")
    people = selectors.people_for_admin(actor, agency=agency, query=q)
    return [_person(u) for u in people[offset : offset + limit]]


@router.get("/users/{user_id}/positions", response=list[PositionOut], summary="Chức vụ của một người")
def user_positions(request: HttpRequest, user_id: int) -> Any:
    actor = _actor(request)
    user = selectors.person_for_admin(actor, user_id)
    return selectors.positions_of_user(actor, user)


class PositionIn(Schema):
    agency_id: int
    unit_id: int | None = None
    title: str = Field(min_length=1, max_length=200)
    roles: list[str] = Field(min_length=1, max_length=10)
    is_primary: bool = False


class UserIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    full_name: str = Field(min_length=1, max_length=200)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=32)
    password: str | None = Field(None, max_length=128)
    position: PositionIn | None = None


def _spec(data: PositionIn) -> services.PositionSpec:
    agency = Agency.objects.filter(pk=data.agency_id).first()
    if agency is None:
        raise NotFound(_("Không tìm thấy cơ quan."), field="agency_id")
    unit = None
    if data.unit_id is not None:
        unit = Unit.objects.filter(pk=data.unit_id).first()
        if unit is None:
            raise NotFound(_("Không tìm thấy đơn vị."), field="unit_id")
    return services.PositionSpec(
        agency=agency, unit=unit, title=data.title, roles=data.roles, is_primary=data.is_primary
    )


@router.post("/admin/users", response={201: PersonOut}, summary="Tạo người dùng (kèm chức vụ đầu tiên)")
def create_user(request: HttpRequest, payload: UserIn) -> Any:
    user = services.user_create(
        actor=_actor(request),
        username=payload.username,
        full_name=payload.full_name,
        email=payload.email,
        phone=payload.phone,
        password=payload.password,
        position=_spec(payload.position) if payload.position else None,
    )
    return Status(201, _person(user))


@router.post("/users/{user_id}/positions", response={201: PositionOut}, summary="Gán thêm chức vụ")
def add_position(request: HttpRequest, user_id: int, payload: PositionIn) -> Any:
    actor = _actor(request)
    user = selectors.person_for_admin(actor, user_id)
    position = services.position_create(actor=actor, user=user, spec=_spec(payload))
    return Status(201, selectors.with_roles(Position.objects.filter(pk=position.pk)).get())


class RolesIn(Schema):
    roles: list[str] = Field(min_length=1, max_length=10)


@router.put("/positions/{position_id}/roles", response=PositionOut, summary="Đặt vai trò của chức vụ")
def set_roles(request: HttpRequest, position_id: int, payload: RolesIn) -> Any:
    actor = _actor(request)
    position = selectors.position_for_admin(actor, position_id)
    services.position_set_roles(actor=actor, position=position, roles=payload.roles)
    return selectors.with_roles(Position.objects.filter(pk=position.pk)).get()


@router.post("/positions/{position_id}/end", response=PositionOut, summary="Kết thúc chức vụ")
def end_position(request: HttpRequest, position_id: int) -> Any:
    actor = _actor(request)
    position = selectors.position_for_admin(actor, position_id)
    services.position_end(actor=actor, position=position)
    return selectors.with_roles(Position.objects.filter(pk=position.pk)).get()


@router.get(
    "/delegations", response=list[DelegationOut], summary="Ủy quyền: tôi giao, tôi nhận, trong cơ quan"
)
def list_delegations(
    request: HttpRequest, box: str = Query("given", pattern="^(given|received|agency)$")
) -> Any:
    actor = _actor(request)
    boxes = {
        "given": selectors.delegations_given,
        "received": selectors.delegations_received,
        "agency": selectors.delegations_of_agency,
    }
    return list(boxes[box](actor)[:500])


class DelegationIn(Schema):
    position_id: int
    delegate_id: int
    starts_at: datetime | None = None
    ends_at: datetime
    scope: DelegationScope = DelegationScope.ALL
    reason: str = Field("", max_length=500)


@router.post("/delegations", response={201: DelegationOut}, summary="Tạo ủy quyền")
def create_delegation(request: HttpRequest, payload: DelegationIn) -> Any:
    actor = _actor(request)
    position = Position.objects.select_related("agency", "user").filter(pk=payload.position_id).first()
    if position is None:
        raise NotFound(_("Không tìm thấy chức vụ."), field="position_id")
    delegate = get_user_model().objects.filter(pk=payload.delegate_id).first()
    if delegate is None:
        raise NotFound(_("Không tìm thấy người được ủy quyền."), field="delegate_id")
    delegation = services.delegation_create(
        actor=actor,
        position=position,
        delegate=delegate,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        scope=payload.scope,
        reason=payload.reason,
    )
    return Status(201, selectors.delegation_for_actor(actor, delegation.pk))


@router.post("/delegations/{delegation_id}/revoke", response=DelegationOut, summary="Thu hồi ủy quyền")
def revoke_delegation(request: HttpRequest, delegation_id: int) -> Any:
    actor = _actor(request)
    delegation = selectors.delegation_for_actor(actor, delegation_id)
    services.delegation_revoke(actor=actor, delegation=delegation)
    return selectors.delegation_for_actor(actor, delegation_id)
