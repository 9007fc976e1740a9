"""Every write about people, positions and delegations (one function per change, audited)."""

from eoffice.people.services.delegations import delegation_create, delegation_revoke
from eoffice.people.services.positions import (
    PositionSpec,
    position_create,
    position_end,
    position_set_roles,
    position_update,
)
from eoffice.people.services.users import (
    user_activate,
    user_create,
    user_deactivate,
    user_set_password,
    user_update,
)

__all__ = [
    "PositionSpec",
    "delegation_create",
    "delegation_revoke",
    "position_create",
    "position_end",
    "position_set_roles",
    "position_update",
    "user_activate",
    "user_create",
    "user_deactivate",
    "user_set_password",
    "user_update",
]
