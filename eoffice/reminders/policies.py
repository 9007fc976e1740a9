"""Who may chase a line: whoever assigned it, and the leaders who oversee its holder, as on the
status board (`work.overseers`): the leader of the line's agency; the leader of the province or of
the province office, for every agency of the province; the head of the line's unit.
"""

from __future__ import annotations

from eoffice.core.actor import Actor
from eoffice.work.models import AssignmentLine
from eoffice.work.overseers import oversees_line


def may_remind(actor: Actor, line: AssignmentLine) -> bool:
    if actor.user is None:
        return False
    if line.assigned_by_id == actor.user.pk or line.assigned_on_behalf_of_id == actor.user.pk:
        return True
    return oversees_line(actor, line)
