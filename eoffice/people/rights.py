"""Rights of an actor: the directory-level questions (roles in an agency, administration of a
sub-tree) re-exported from `eoffice.directory.rights`, plus whether a delegation covers the work."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from eoffice.core.actor import Actor
from eoffice.directory.rights import (
    ServiceActor,
    acting_agency_id,
    admin_root,
    administers,
    has_role,
    in_subtree,
    service_agency,
)
from eoffice.people.models import Delegation, DelegationScope

__all__ = [
    "ServiceActor",
    "acting_agency_id",
    "admin_root",
    "administers",
    "delegation_allows",
    "has_role",
    "in_subtree",
    "service_agency",
]


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
