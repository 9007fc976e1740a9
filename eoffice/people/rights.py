"""Questions every app's policies ask about an actor: which roles, in which agency.

Rights come from the *acting* position only (the one chosen in the header), so a person who
holds posts in two agencies (kiêm nhiệm) never mixes them in one action.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from eoffice.core.actor import Actor
from eoffice.directory.models import Agency
from eoffice.people.models import Delegation, DelegationScope, Role


@dataclass(frozen=True)
class ServiceActor(Actor):
    """A service token: the system acting for one agency (and its sub-tree), never a person."""

    agency: Agency | None = None


def service_agency(actor: Actor) -> Agency | None:
    return actor.agency if isinstance(actor, ServiceActor) else None


def acting_agency_id(actor: Actor) -> int | None:
    return actor.position.agency_id if actor.position is not None else None


def has_role(actor: Actor, role: str, agency: Agency | None = None) -> bool:
    position = actor.position
    if position is None or not position.has_role(role):
        return False
    return agency is None or position.agency_id == agency.pk


def in_subtree(agency: Agency, root: Agency) -> bool:
    return agency.pk == root.pk or agency.tree_path.startswith(root.tree_path)


def administers(actor: Actor, agency: Agency) -> bool:
    """System admins administer everything; an agency admin, their agency and its sub-tree."""
    if actor.is_superuser:
        return True
    position = actor.position
    if position is None or not position.has_role(Role.QUAN_TRI_CO_QUAN):
        return False
    return in_subtree(agency, position.agency)


def admin_root(actor: Actor) -> Agency | None:
    """The top of the sub-tree an agency admin (or a service token) may see; None for anyone else."""
    service = service_agency(actor)
    if service is not None:
        return service
    position = actor.position
    if position is not None and position.has_role(Role.QUAN_TRI_CO_QUAN):
        return position.agency
    return None


def delegation_allows(actor: Actor, scope: str) -> bool:
    """Whether the actor may do work of `scope` in the acting position.

    A holder always may; a delegate only while a delegation of that position covering `scope`
    (or "all") is in force. Other apps call this before a scoped action, e.g. "incoming".
    """
    position = actor.position
    if actor.user is None or position is None:
        return False
    if actor.on_behalf_of is None:
        return position.user_id == actor.user.pk
    now = timezone.now()
    return Delegation.objects.filter(
        Q(scope=DelegationScope.ALL) | Q(scope=scope),
        position=position,
        delegator=actor.on_behalf_of,
        delegate=actor.user,
        revoked_at__isnull=True,
        starts_at__lte=now,
        ends_at__gt=now,
    ).exists()
