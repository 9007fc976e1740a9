"""Every write to the directory. Each function checks its policy, changes rows and records the
audit event in one transaction (see shared/notes/style.md, "One write, end to end")."""

from eoffice.directory.services.agencies import agency_create, agency_move, agency_set_hosted, agency_update
from eoffice.directory.services.lifecycle import agency_dissolve, agency_merge
from eoffice.directory.services.units import unit_create, unit_deactivate, unit_move, unit_update

__all__ = [
    "agency_create",
    "agency_dissolve",
    "agency_merge",
    "agency_move",
    "agency_set_hosted",
    "agency_update",
    "unit_create",
    "unit_deactivate",
    "unit_move",
    "unit_update",
]
