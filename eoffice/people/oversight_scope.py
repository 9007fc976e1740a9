"""Whom a leader oversees: the agencies, or the one unit, whose processing they direct and watch.

- A leader of an agency (lãnh đạo cơ quan) oversees their agency and the agencies merged into it.
- A leader of the province or of the province office oversees every agency of the province.
- A unit head (lãnh đạo đơn vị) oversees their own unit.

One rule, read by the status board (its figures), the reminders (who may chase a line) and the
work engine (who may open a line's item to follow it), so that a figure a leader may click on
always opens.
"""

from __future__ import annotations

from dataclasses import dataclass

from eoffice.core.actor import Actor
from eoffice.core.roles import Role
from eoffice.directory.lineage import agency_lineage_ids
from eoffice.directory.models import Agency, AgencyKind

PROVINCE_WIDE_KINDS = frozenset({AgencyKind.PROVINCE, AgencyKind.PROVINCE_OFFICE})


@dataclass(frozen=True)
class Scope:
    """The agencies (and, for a unit head, the one unit) whose processing an actor oversees."""

    root: Agency
    agency_ids: frozenset[int]
    unit_id: int | None = None
    # Every agency whose tree path starts with the root's (a province); queries match on the
    # path instead of listing a thousand communes.
    whole_tree: bool = False

    @property
    def province_wide(self) -> bool:
        return len(self.agency_ids) > 1 and self.unit_id is None


def _province_of(agency: Agency) -> Agency:
    """The province an agency of kind province/province office stands for."""
    if agency.kind == AgencyKind.PROVINCE_OFFICE and agency.parent is not None:
        return agency.parent
    return agency


def oversight_scope(actor: Actor) -> Scope | None:
    """The actor's scope, or None when their acting position oversees nobody."""
    position = actor.position
    if position is None:
        return None
    agency = position.agency
    if position.has_role(Role.LANH_DAO_CO_QUAN):
        if agency.kind in PROVINCE_WIDE_KINDS:
            root = _province_of(agency)
            ids = Agency.objects.filter(tree_path__startswith=root.tree_path).values_list("pk", flat=True)
            return Scope(root=root, agency_ids=frozenset(ids) | {root.pk}, whole_tree=True)
        return Scope(root=agency, agency_ids=frozenset(agency_lineage_ids(agency)))
    if position.has_role(Role.LANH_DAO_DON_VI) and position.unit_id is not None:
        return Scope(root=agency, agency_ids=frozenset({agency.pk}), unit_id=position.unit_id)
    return None
