"""Reads about people, positions and delegations, always scoped by what the actor may see."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core.actor import Actor
from eoffice.core.errors import NotFound, PermissionDenied
from eoffice.core.text import search_terms
from eoffice.directory.models import Agency
from eoffice.people import policies
from eoffice.people.lineage import agency_people_q
from eoffice.people.models import Delegation, Position, PositionRole, Role
from eoffice.people.rights import admin_root, has_role, service_agency

if TYPE_CHECKING:
    from eoffice.accounts.models import User


def position_scope_q(actor: Actor) -> Q | None:
    """Positions the actor may see as an administrator. None means all (system admin)."""
    if actor.is_superuser:
        return None
    root = admin_root(actor)
    if root is None:
        return Q(pk__in=[])
    return agency_people_q(root)


def with_roles(queryset: QuerySet[Position]) -> QuerySet[Position]:
    return queryset.select_related("agency", "unit", "user").prefetch_related(
        Prefetch("roles", queryset=PositionRole.objects.only("id", "position_id", "role"))
    )


def _apply_search(queryset: QuerySet[User], query: str) -> QuerySet[User]:
    for term in search_terms(query):
        queryset = queryset.filter(search_text__contains=term)
    return queryset


def people_for_admin(actor: Actor, *, agency: Agency | None = None, query: str = "") -> QuerySet[User]:
    """People an administrator manages: anyone with a position (past or present) in their scope."""
    users = get_user_model().objects.all()
    scope = position_scope_q(actor)
    positions = Position.objects.filter(user=OuterRef("pk"))
    if agency is not None:
        if not actor.is_superuser and not policies.can_view_agency_people(actor, agency):
            raise PermissionDenied(_("Bạn không quản trị cơ quan này."))
        positions = positions.filter(agency_people_q(agency))
    elif scope is not None:
        positions = positions.filter(scope)
    if agency is not None or scope is not None:
        users = users.filter(Exists(positions))
    return _apply_search(users, query).order_by("full_name", "username")


def person_search(actor: Actor, query: str, *, limit: int = 20) -> list[User]:
    """Accent-insensitive search for picking a person (a delegate, an assignee).

    A system admin finds anyone; an agency admin or service token, their sub-tree; everyone
    else, the active people of the agency they act in (and of agencies merged into it).
    """
    if not search_terms(query):
        return []
    users = get_user_model().objects.filter(is_active=True)
    if not actor.is_superuser:
        root = admin_root(actor) or (actor.position.agency if actor.position is not None else None)
        if root is None:
            return []
        active = Position.objects.filter(agency_people_q(root), user=OuterRef("pk"), is_active=True)
        users = users.filter(Exists(active))
    return list(_apply_search(users, query).order_by("full_name", "username")[: max(1, min(limit, 100))])


def person_for_admin(actor: Actor, user_id: int) -> User:
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("Không tìm thấy người dùng."))
    if not policies.can_view_person(actor, user):
        raise PermissionDenied(_("Người dùng này không thuộc phạm vi quản trị của bạn."))
    return user


def positions_of_user(actor: Actor, user: User, *, active_only: bool = False) -> list[Position]:
    """A user's positions: all of them for the user and system admins, the in-scope ones for admins."""
    queryset = with_roles(Position.objects.filter(user=user))
    if active_only:
        queryset = queryset.filter(is_active=True)
    own = actor.user is not None and actor.user.pk == user.pk
    if not own:
        scope = position_scope_q(actor)
        if scope is not None:
            queryset = queryset.filter(scope)
    return list(queryset.order_by("-is_active", "-is_primary", "agency__name", "id"))


def position_for_admin(actor: Actor, position_id: int) -> Position:
    position = with_roles(Position.objects.filter(pk=position_id)).first()
    if position is None:
        raise NotFound(_("Không tìm thấy chức vụ."))
    if not policies.can_manage_positions_in(actor, position.agency):
        raise PermissionDenied(_("Chức vụ này không thuộc phạm vi quản trị của bạn."))
    return position


def active_delegations_received(user: User, *, at: datetime | None = None) -> QuerySet[Delegation]:
    """Delegations the user may act under at `at` (default now)."""
    moment = at or timezone.now()
    return Delegation.objects.select_related("position__agency", "position__unit", "delegator").filter(
        delegate=user,
        revoked_at__isnull=True,
        starts_at__lte=moment,
        ends_at__gt=moment,
        position__is_active=True,
        delegate__is_active=True,
    )


def _delegations() -> QuerySet[Delegation]:
    return Delegation.objects.select_related("position__agency", "position__unit", "delegator", "delegate")


def delegations_given(actor: Actor) -> QuerySet[Delegation]:
    if actor.user is None:
        return Delegation.objects.none()
    return _delegations().filter(delegator=actor.user).order_by("-starts_at", "-id")


def delegations_received(actor: Actor) -> QuerySet[Delegation]:
    if actor.user is None:
        return Delegation.objects.none()
    return _delegations().filter(delegate=actor.user).order_by("-starts_at", "-id")


def delegations_of_agency(actor: Actor) -> QuerySet[Delegation]:
    """What an admin (their sub-tree) or an agency leader (their agency) oversees."""
    if actor.is_superuser:
        return _delegations().order_by("-starts_at", "-id")
    root = admin_root(actor)
    if root is not None:
        return _delegations().filter(agency_people_q(root, "position__")).order_by("-starts_at", "-id")
    if actor.position is not None and has_role(actor, Role.LANH_DAO_CO_QUAN):
        return (
            _delegations().filter(position__agency_id=actor.position.agency_id).order_by("-starts_at", "-id")
        )
    return Delegation.objects.none()


def delegation_for_actor(actor: Actor, delegation_id: int) -> Delegation:
    delegation = _delegations().filter(pk=delegation_id).first()
    if delegation is None:
        raise NotFound(_("Không tìm thấy ủy quyền."))
    if not policies.can_view_delegation(actor, delegation):
        raise PermissionDenied(_("Bạn không có quyền xem ủy quyền này."))
    return delegation


def delegable_positions(actor: Actor) -> list[Position]:
    """Positions the actor may hand over: their own, and those of the agency they lead or administer."""
    if actor.user is None:
        return []
    query = Q(user=actor.user)
    position = actor.position
    if position is not None and (
        has_role(actor, Role.LANH_DAO_CO_QUAN) or has_role(actor, Role.QUAN_TRI_CO_QUAN) or actor.is_superuser
    ):
        query |= Q(agency_id=position.agency_id)
    queryset = with_roles(Position.objects.filter(query, is_active=True, user__is_active=True))
    return [
        p
        for p in queryset.order_by("agency__name", "title", "id")
        if policies.can_delegate_position(actor, p)
    ]


def delegate_candidates(position: Position) -> QuerySet[User]:
    """Who may receive a delegation of `position`: active people holding an active post in its agency."""
    holders = Position.objects.filter(user=OuterRef("pk"), agency_id=position.agency_id, is_active=True)
    return (
        get_user_model()
        .objects.filter(Exists(holders), is_active=True)
        .exclude(pk=position.user_id)
        .order_by("full_name", "username")
    )


def delegate_candidates_for(positions: list[Position]) -> QuerySet[User]:
    """Everyone who could receive one of `positions` (the form lists them; the service checks the pair)."""
    agency_ids = {p.agency_id for p in positions}
    holders = Position.objects.filter(user=OuterRef("pk"), agency_id__in=agency_ids, is_active=True)
    return get_user_model().objects.filter(Exists(holders), is_active=True).order_by("full_name", "username")


def can_open_people_admin(actor: Actor) -> bool:
    return policies.can_create_people(actor)


def service_scope(actor: Actor) -> Agency | None:
    """The agency a service token reads within (None for people)."""
    return service_agency(actor)
