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


def _assigned(actor: Actor, line: AssignmentLine) -> bool:
    assert actor.user is not None
    return actor.user.pk in (line.assigned_by_id, line.assigned_on_behalf_of_id)


def may_chase(actor: Actor, line: AssignmentLine) -> bool:
    """Đôn đốc: whoever assigned the line, and the leaders who oversee its holder."""
    return actor.user is not None and (_assigned(actor, line) or oversees_line(actor, line))


def chaseable(actor: Actor, lines: list[AssignmentLine]) -> set[int]:
    """The ids of those lines the actor may chase, in one query (the item page's rows)."""
    if actor.user is None or not lines:
        return set()
    chosen = {line.pk for line in lines if _assigned(actor, line)}
    condition = overseen_lines(actor)
    if condition is not None:
        rest = [line.pk for line in lines if line.pk not in chosen]
        chosen |= set(AssignmentLine.objects.filter(condition, pk__in=rest).values_list("pk", flat=True))
    return chosen
