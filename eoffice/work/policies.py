"""Who may do what with work items and lines.

A line is held by whoever sits in its box: the person (in the line's agency), the head of the unit
(lãnh đạo đơn vị), or the văn thư / lãnh đạo of the agency for a whole-agency line. Rights come from
the acting position, so a delegate acting in the delegator's position (ủy quyền) holds the same
lines, within the delegation's scope.
"""

from __future__ import annotations

from eoffice.core.actor import Actor
from eoffice.people.models import DelegationScope, Role
from eoffice.people.rights import delegation_allows
from eoffice.work.models import AssignmentLine, WorkItem
from eoffice.work.statuses import ItemKind

_SCOPE_OF_KIND = {
    ItemKind.INCOMING_DOCUMENT: DelegationScope.INCOMING,
    ItemKind.TASK: DelegationScope.TASKS,
    ItemKind.OUTGOING_DRAFT: DelegationScope.OUTGOING,
}
_KINDS_OF_SCOPE = {
    DelegationScope.INCOMING: [ItemKind.INCOMING_DOCUMENT],
    DelegationScope.TASKS: [ItemKind.TASK],
    DelegationScope.OUTGOING: [ItemKind.OUTGOING_DRAFT],
}


def scope_of_kind(kind: str) -> str:
    return _SCOPE_OF_KIND.get(ItemKind(kind), DelegationScope.ALL)


def kinds_of_scopes(scopes: set[str]) -> list[str] | None:
    """Item kinds a set of delegation scopes covers; None means every kind."""
    if DelegationScope.ALL in scopes:
        return None
    kinds: list[str] = []
    for scope in scopes:
        kinds += [str(k) for k in _KINDS_OF_SCOPE.get(DelegationScope(scope), [])]
    return sorted(set(kinds))


def box_keys(actor: Actor) -> list[str]:
    """The work boxes the acting position sits in (see AssignmentLine.box_key)."""
    position = actor.position
    if position is None or actor.user is None:
        return []
    keys = [f"u{position.user_id}a{position.agency_id}"]
    if position.unit_id is not None and position.has_role(Role.LANH_DAO_DON_VI):
        keys.append(f"n{position.unit_id}")
    if position.has_role(Role.VAN_THU) or position.has_role(Role.LANH_DAO_CO_QUAN):
        keys.append(f"a{position.agency_id}")
    return keys


def acts_for_kind(actor: Actor, kind: str) -> bool:
    """The holder always; a delegate only within the delegation's scope and window."""
    return delegation_allows(actor, scope_of_kind(kind))


def holds_line(actor: Actor, line: AssignmentLine) -> bool:
    return line.box_key in box_keys(actor) and acts_for_kind(actor, line.kind)


def is_agency_leader(actor: Actor, agency_id: int) -> bool:
    position = actor.position
    return (
        position is not None and position.agency_id == agency_id and position.has_role(Role.LANH_DAO_CO_QUAN)
    )


def manages_item(actor: Actor, item: WorkItem) -> bool:
    """The văn thư and the leaders of the item's agency route it at the top level."""
    position = actor.position
    if position is None or position.agency_id != item.agency_id:
        return False
    if not (position.has_role(Role.VAN_THU) or position.has_role(Role.LANH_DAO_CO_QUAN)):
        return False
    return acts_for_kind(actor, item.kind)


def may_create_item(actor: Actor, agency_id: int, kind: str) -> bool:
    if actor.is_system:
        return True
    position = actor.position
    if position is None or position.agency_id != agency_id:
        return False
    if not (position.has_role(Role.VAN_THU) or position.has_role(Role.LANH_DAO_CO_QUAN)):
        return False
    return acts_for_kind(actor, kind)


def is_assigner_of(actor: Actor, line: AssignmentLine) -> bool:
    """Who sent a line may recall it and decide on its extensions: the holder of the line above,
    or, for a top-level line, the item's văn thư and leaders. Never the line's own holder: they
    return a line rather than recall it, and do not approve their own extension."""
    if holds_line(actor, line):
        return False
    if line.parent_id is not None:
        parent = line.parent
        return parent is not None and holds_line(actor, parent)
    return manages_item(actor, line.item)


def manages_rules(actor: Actor, agency_id: int) -> bool:
    """The văn thư and the agency's administrator keep its standing routing rules."""
    position = actor.position
    return (
        position is not None
        and position.agency_id == agency_id
        and (position.has_role(Role.VAN_THU) or position.has_role(Role.QUAN_TRI_CO_QUAN))
    )
