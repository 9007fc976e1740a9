"""Who may chase a line: whoever assigned it, and the leaders who oversee the holder's agency.

Overseeing (as on the status board): the leader of the line's agency; the leader of the province
or of the province office, for every agency of the province; the head of the line's unit.
"""

from __future__ import annotations

from eoffice.core.actor import Actor
from eoffice.core.roles import Role
from eoffice.directory.lineage import agency_lineage_ids
from eoffice.directory.models import AgencyKind
from eoffice.directory.rights import in_subtree
from eoffice.work.models import AssignmentLine

_PROVINCE_WIDE = frozenset({AgencyKind.PROVINCE, AgencyKind.PROVINCE_OFFICE})


def _oversees_agency(actor: Actor, line: AssignmentLine) -> bool:
    position = actor.position
    if position is None or not position.has_role(Role.LANH_DAO_CO_QUAN):
        return False
    agency = position.agency
    if agency.kind in _PROVINCE_WIDE:
        province = agency.parent if agency.kind == AgencyKind.PROVINCE_OFFICE and agency.parent else agency
        return in_subtree(line.assignee_agency, province)
    return line.assignee_agency_id in agency_lineage_ids(agency)


def _heads_unit(actor: Actor, line: AssignmentLine) -> bool:
    position = actor.position
    if position is None or position.unit_id is None or not position.has_role(Role.LANH_DAO_DON_VI):
        return False
    if line.assignee_unit_id is not None:
        return line.assignee_unit_id == position.unit_id
    holder = line.assignee_user
    return holder is not None and holder.positions.filter(unit_id=position.unit_id, is_active=True).exists()


def may_remind(actor: Actor, line: AssignmentLine) -> bool:
    if actor.user is None:
        return False
    if line.assigned_by_id == actor.user.pk or line.assigned_on_behalf_of_id == actor.user.pk:
        return True
    return _oversees_agency(actor, line) or _heads_unit(actor, line)
