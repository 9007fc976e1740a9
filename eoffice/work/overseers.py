"""Who follows a line without holding it: the leaders who oversee its holder
(`people.oversight_scope`). They open its item and read its timeline, as on their status board,
and may chase it (reminders); only its holders act on it (`policies.holds_line`)."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q

from eoffice.core.actor import Actor
from eoffice.people.oversight_scope import Scope, oversight_scope
from eoffice.work.models import AssignmentLine

UnitLines = Callable[[int], Q]
_UNIT_LINES: list[UnitLines] = []


def register_unit_lines(rule: UnitLines) -> None:
    """The status board tells which person lines count for a unit (a Q over AssignmentLine for a
    unit id). It fixes a line's unit when the line is given, so the line stays with the unit, and
    opens for its head, after its holder leaves."""
    if rule not in _UNIT_LINES:
        _UNIT_LINES.append(rule)


def lines_of_scope(scope: Scope) -> Q:
    """A Q over AssignmentLine: the lines held in the scope, counted the way the board counts them
    (a line given to the unit, or a person's line the board counts for it)."""
    if scope.whole_tree:
        lines = Q(assignee_agency__tree_path__startswith=scope.root.tree_path)
    else:
        lines = Q(assignee_agency_id__in=sorted(scope.agency_ids))
    if scope.unit_id is None:
        return lines
    unit = Q(assignee_unit_id=scope.unit_id)
    for rule in _UNIT_LINES:
        unit |= rule(scope.unit_id)
    return lines & unit


def overseen_lines(actor: Actor) -> Q | None:
    """A Q over AssignmentLine of the lines the actor oversees, or None when they oversee none."""
    scope = oversight_scope(actor)
    return None if scope is None else lines_of_scope(scope)


def unit_lines(actor: Actor) -> Q | None:
    """The lines of a unit head's unit, or None for anyone else: a unit head reads the documents
    their people handle, while an agency's documents stay with that agency's own leaders."""
    scope = oversight_scope(actor)
    return None if scope is None or scope.unit_id is None else lines_of_scope(scope)


def oversees_line(actor: Actor, line: AssignmentLine) -> bool:
    condition = overseen_lines(actor)
    return condition is not None and AssignmentLine.objects.filter(pk=line.pk).filter(condition).exists()
