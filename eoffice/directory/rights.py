"""Questions every app's policies ask about an actor: which roles, in which agency.

Rights come from the *acting* position only (the one chosen in the header), so a person who
holds posts in two agencies (kiêm nhiệm) never mixes them in one action. These depend on the
directory alone; `eoffice.people.rights` adds the delegation checks.
"""

from __future__ import annotations

from dataclasses import dataclass

from eoffice.core.actor import Actor
from eoffice.core.roles import Role
from eoffice.directory.lineage import agency_lineage_ids
from eoffice.directory.models import Agency, AgencyStatus


@dataclass(frozen=True)
class ServiceActor(Actor):
    """A service token: the system acting for one agency (and its sub-tree), never a person."""

    agency: Agency | None = None


def service_agency(actor: Actor) -> Agency | None:
    return actor.agency if isinstance(actor, ServiceActor) else None


def acting_agency_id(actor: Actor) -> int | None:
    return actor.position.agency_id if actor.position is not None else None


def has_role(actor: Actor, role: str, agency: Agency | None = None) -> bool:
    """The acting position has `role` in `agency`, or in the agency that `agency` was merged into:
    a successor's clerk keeps the predecessor's registers and documents (issue #2, mergers)."""
    position = actor.position
    if position is None or not position.has_role(role):
        return False
    if agency is None or position.agency_id == agency.pk:
        return True
    return agency.status == AgencyStatus.MERGED and agency.pk in agency_lineage_ids(position.agency)


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
