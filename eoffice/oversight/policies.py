"""Who sees which figures.

- A leader of an agency (lãnh đạo cơ quan) sees their agency (and the agencies merged into it).
- A leader of the province office or of the province itself sees every agency of the province.
- A unit head (lãnh đạo đơn vị) sees their own unit.
- Everyone sees their own figures (their own page); nobody else's.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from eoffice.core.actor import Actor
from eoffice.core.errors import PermissionDenied
from eoffice.core.roles import Role
from eoffice.directory.lineage import agency_lineage_ids
from eoffice.directory.models import Agency, AgencyKind

PROVINCE_WIDE_KINDS = frozenset({AgencyKind.PROVINCE, AgencyKind.PROVINCE_OFFICE})


@dataclass(frozen=True)
class Scope:
    """The agencies (and, for a unit head, the one unit) whose figures an actor may read."""

    root: Agency
    agency_ids: frozenset[int]
    unit_id: int | None = None

    @property
    def province_wide(self) -> bool:
        return len(self.agency_ids) > 1 and self.unit_id is None


def _province_of(agency: Agency) -> Agency:
    """The province an agency of kind province/province office stands for."""
    if agency.kind == AgencyKind.PROVINCE_OFFICE and agency.parent is not None:
        return agency.parent
    return agency


def board_scope(actor: Actor) -> Scope:
    position = actor.position
    if position is None:
        raise PermissionDenied(_("Bạn cần một chức vụ trong cơ quan để xem bảng điều hành."))
    agency = position.agency
    if position.has_role(Role.LANH_DAO_CO_QUAN):
        if agency.kind in PROVINCE_WIDE_KINDS:
            root = _province_of(agency)
            ids = Agency.objects.filter(tree_path__startswith=root.tree_path).values_list("pk", flat=True)
            return Scope(root=root, agency_ids=frozenset(ids) | {root.pk})
        return Scope(root=agency, agency_ids=frozenset(agency_lineage_ids(agency)))
    if position.has_role(Role.LANH_DAO_DON_VI) and position.unit_id is not None:
        return Scope(root=agency, agency_ids=frozenset({agency.pk}), unit_id=position.unit_id)
    raise PermissionDenied(_("Chỉ lãnh đạo cơ quan hoặc lãnh đạo đơn vị được xem bảng điều hành."))


def may_see_board(actor: Actor) -> bool:
    try:
        board_scope(actor)
    except PermissionDenied:
        return False
    return True
