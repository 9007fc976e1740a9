"""Who may do what with people, positions and delegations.

- A system admin (superuser) may do everything.
- An agency admin (quản trị cơ quan, in the acting position) manages the people and positions of
  their agency and its sub-tree, and oversees their delegations.
- Anyone may hand over (and take back) the work of their own positions.
- An agency leader (lãnh đạo cơ quan) may delegate for the people of the agency they act in.
- Service tokens read within their agency; they never change people.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from eoffice.core.actor import Actor
from eoffice.directory.models import Agency
from eoffice.people.lineage import agency_lineage_ids
from eoffice.people.models import Delegation, Position, Role
from eoffice.people.rights import admin_root, administers, has_role, in_subtree

if TYPE_CHECKING:
    from eoffice.accounts.models import User


def can_view_agency_people(actor: Actor, agency: Agency) -> bool:
    if actor.is_superuser:
        return True
    root = admin_root(actor)
    return root is not None and (in_subtree(agency, root) or agency.pk in agency_lineage_ids(root))


def can_manage_positions_in(actor: Actor, agency: Agency) -> bool:
    return not actor.is_system and administers(actor, agency)


def can_view_person(actor: Actor, user: User) -> bool:
    if actor.is_superuser or (actor.user is not None and actor.user.pk == user.pk):
        return True
    return any(can_view_agency_people(actor, p.agency) for p in user.positions.select_related("agency"))


def can_manage_account(actor: Actor, user: User) -> bool:
    """Edit, reset the password of, or deactivate an account.

    An agency admin may only when every post the person still holds is in their sub-tree, so the
    admin of one agency cannot lock a kiêm nhiệm colleague out of another agency.
    """
    if actor.is_system:
        return False
    if actor.is_superuser:
        return True
    if user.is_superuser or (actor.user is not None and actor.user.pk == user.pk):
        return False
    positions = list(user.positions.select_related("agency"))
    if not positions:
        return False
    held = [p for p in positions if p.is_active] or positions
    return all(can_manage_positions_in(actor, p.agency) for p in held)


def can_create_people(actor: Actor) -> bool:
    return not actor.is_system and (actor.is_superuser or admin_root(actor) is not None)


def can_delegate_position(actor: Actor, position: Position) -> bool:
    if actor.user is None:
        return False
    if actor.is_superuser or position.user_id == actor.user.pk:
        return True
    if has_role(actor, Role.LANH_DAO_CO_QUAN, position.agency):
        return True
    return can_manage_positions_in(actor, position.agency)


def can_revoke_delegation(actor: Actor, delegation: Delegation) -> bool:
    if actor.user is not None and actor.user.pk == delegation.delegator_id:
        return True
    return can_delegate_position(actor, delegation.position)


def can_view_delegation(actor: Actor, delegation: Delegation) -> bool:
    if actor.user is not None and actor.user.pk in (delegation.delegator_id, delegation.delegate_id):
        return True
    if can_revoke_delegation(actor, delegation):
        return True
    return can_view_agency_people(actor, delegation.position.agency)
