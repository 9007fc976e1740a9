"""Questions every app's policies ask about an actor: which roles, in which agency.

Rights come from the *acting* position only (the one chosen in the header), so a person who
holds posts in two agencies (kiêm nhiệm) never mixes them in one action.
"""

from __future__ import annotations

from eoffice.core.actor import Actor
from eoffice.directory.models import Agency
from eoffice.people.models import Role


def acting_agency_id(actor: Actor) -> int | None:
    return actor.position.agency_id if actor.position is not None else None


def has_role(actor: Actor, role: str, agency: Agency | None = None) -> bool:
    position = actor.position
    if position is None or not position.has_role(role):
        return False
    return agency is None or position.agency_id == agency.pk


def administers(actor: Actor, agency: Agency) -> bool:
    """System admins administer everything; an agency admin, their agency and its sub-tree."""
    if actor.is_superuser:
        return True
    position = actor.position
    if position is None or not position.has_role(Role.QUAN_TRI_CO_QUAN):
        return False
    own = position.agency
    return agency.pk == own.pk or agency.tree_path.startswith(own.tree_path)
