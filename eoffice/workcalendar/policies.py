"""Who may read and edit the installation's working calendar."""

from __future__ import annotations

from eoffice.core.actor import Actor

# Operators run these commands on the server; they act as the system, not as a person.
TRUSTED_COMMANDS = frozenset({"manage.py calendar_seed"})


def can_view_calendar(actor: Actor) -> bool:
    """Deadlines are computed on it, so everyone signed in (and every machine) may read it."""
    if actor.user is None:
        return True
    return bool(actor.user.is_active)


def can_edit_calendar(actor: Actor) -> bool:
    """The calendar is installation-wide: only system administrators change it, not agency admins."""
    return actor.is_superuser or (actor.is_system and actor.system_name in TRUSTED_COMMANDS)
