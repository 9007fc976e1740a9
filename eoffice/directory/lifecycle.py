"""The agency lifecycle as data: which status may follow which, checked in one place.

An agency is never deleted. It is active, then possibly merged into a successor (the 2025
provincial mergers, the end of the district level) or dissolved. Nothing comes back from
merged or dissolved: a re-founded body is a new agency with a new code.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from eoffice.core.errors import Conflict
from eoffice.directory.models import AgencyStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    AgencyStatus.ACTIVE: frozenset({AgencyStatus.MERGED, AgencyStatus.DISSOLVED}),
    AgencyStatus.MERGED: frozenset(),
    AgencyStatus.DISSOLVED: frozenset(),
}


def transition_problem(current: str, target: str) -> str | None:
    if current == target:
        return None
    if target in TRANSITIONS.get(current, frozenset()):
        return None
    return _("Không thể chuyển trạng thái cơ quan từ «%(current)s» sang «%(target)s».") % {
        "current": AgencyStatus(current).label,
        "target": AgencyStatus(target).label,
    }


def check_transition(current: str, target: str) -> None:
    problem = transition_problem(current, target)
    if problem:
        raise Conflict("invalid_transition", problem, field="status")
