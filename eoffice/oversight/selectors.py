"""Reads of the status board (bảng điều hành): counts per person, unit and agency, and the lines
behind every count. Always within the actor's scope (`policies.board_scope`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from eoffice.core.actor import Actor
from eoffice.core.errors import PermissionDenied, ValidationFailed
from eoffice.directory.models import Agency, Unit
from eoffice.oversight import policies, summaries
from eoffice.oversight.cohort import COLUMN_BY_SLUG, COLUMNS, Column, among, facts_in, window
from eoffice.oversight.filters import Filters
from eoffice.oversight.models import LineFact
from eoffice.oversight.policies import Scope

__all__ = ["COLUMNS", "COLUMN_BY_SLUG", "Column", "LineFact", "facts_in", "window"]


@dataclass
class Row:
    key: str
    label: str
    counts: dict[str, int]
    agency_id: int | None = None
    note: str = ""

    @property
    def cells(self) -> list[tuple[str, int]]:
        return [(column.slug, self.counts.get(column.slug, 0)) for column in COLUMNS]


@dataclass
class Board:
    scope: Scope
    filters: Filters
    total: Row
    agencies: list[Row] = field(default_factory=list)
    units: list[Row] = field(default_factory=list)
    people: list[Row] = field(default_factory=list)


def scoped_facts(scope: Scope, filters: Filters) -> QuerySet[LineFact]:
    return facts_in(scope.agency_ids, filters, scope.unit_id)


def _counts(now: datetime) -> dict[str, Count]:
    w = window()
    return {column.slug: Count("pk", filter=column.condition(now, w)) for column in COLUMNS}


def _only_counts(values: dict[str, Any]) -> dict[str, int]:
    return {column.slug: int(values.get(column.slug) or 0) for column in COLUMNS}


def _rows(
    prefix: str, sums: dict[Any, dict[str, int]], label: Callable[[Any], str], note: Callable[[Any], str]
) -> list[Row]:
    rows = [Row(f"{prefix}:{key}", label(key), counts, note=note(key)) for key, counts in sums.items()]
    return sorted(rows, key=lambda row: (row.note, row.label))


def board(actor: Actor, filters: Filters, *, now: datetime) -> Board:
    """Counts per (agency, unit, person) from the rollups (`summaries`), summed up here into the
    agency, unit, person and total rows."""
    scope = policies.board_scope(actor)
    groups = summaries.board_groups(scope.agency_ids, filters, scope.unit_id, now=now)
    total: dict[str, int] = dict.fromkeys(COLUMN_BY_SLUG, 0)
    agencies: dict[Any, dict[str, int]] = {}
    units: dict[Any, dict[str, int]] = {}
    people: dict[Any, dict[str, int]] = {}
    unit_agency: dict[int, int] = {}
    for (agency_id, unit_id, user_id), counts in groups.items():
        targets = [total, agencies.setdefault(agency_id, dict.fromkeys(COLUMN_BY_SLUG, 0))]
        if unit_id is not None:
            unit_agency[unit_id] = agency_id
            targets.append(units.setdefault(unit_id, dict.fromkeys(COLUMN_BY_SLUG, 0)))
        if user_id is not None:
            targets.append(people.setdefault(f"{agency_id}:{user_id}", dict.fromkeys(COLUMN_BY_SLUG, 0)))
        for target in targets:
            for slug, count in counts.items():
                target[slug] += count
    names = dict(Agency.objects.filter(among("pk", agencies)).values_list("pk", "name"))
    unit_names = dict(Unit.objects.filter(among("pk", units)).values_list("pk", "name"))
    user_ids = [int(key.split(":")[1]) for key in people]
    person_names = user_names(user_ids)
    result = Board(scope=scope, filters=filters, total=Row("all", _("Tổng cộng"), total))
    if scope.province_wide and not filters.agency_id:
        result.agencies = _rows("agency", agencies, lambda k: names.get(k, "?"), lambda k: "")
    result.units = _rows(
        "unit", units, lambda k: unit_names.get(k, "?"), lambda k: names.get(unit_agency[k], "")
    )
    result.people = _rows(
        "person",
        people,
        lambda k: person_names.get(int(k.split(":")[1]), "?"),
        lambda k: names.get(int(k.split(":")[0]), ""),
    )
    for row in result.agencies:
        row.agency_id = int(row.key.split(":")[1])
    return result


def _row_filter(row: str, scope: Scope) -> Q:
    """The lines of one board row; a row outside the scope is refused like an unknown one."""
    parts = row.split(":")
    refused = ValidationFailed("unknown_row", _("Dòng bảng điều hành không hợp lệ."), field="row")
    if parts == ["all"]:
        return Q()
    if not all(part.isdigit() and len(part) < 19 for part in parts[1:]):
        raise refused
    numbers = [int(part) for part in parts[1:]]
    if parts[0] == "agency" and len(numbers) == 1 and numbers[0] in scope.agency_ids:
        return Q(agency_id=numbers[0])
    if parts[0] == "unit" and len(numbers) == 1:
        return Q(unit_id=numbers[0])
    if parts[0] == "person" and len(numbers) == 2 and numbers[0] in scope.agency_ids:
        return Q(agency_id=numbers[0], user_id=numbers[1])
    raise refused


def column_of(slug: str) -> Column:
    column = COLUMN_BY_SLUG.get(slug)
    if column is None:
        raise ValidationFailed("unknown_column", _("Cột bảng điều hành không hợp lệ."), field="column")
    return column


def drill_down(actor: Actor, filters: Filters, *, row: str, column: str, now: datetime) -> QuerySet[LineFact]:
    """The lines behind one figure of the board, most urgent first."""
    scope = policies.board_scope(actor)
    condition = column_of(column).condition(now, window())
    facts = scoped_facts(scope, filters).filter(_row_filter(row, scope)).filter(condition)
    return facts.select_related("line__item", "agency", "unit", "user").order_by(
        "deadline", "assigned_at", "pk"
    )


def own_facts(actor: Actor, filters: Filters) -> QuerySet[LineFact]:
    """A person's own lines, in the agency they act in (their own page)."""
    if actor.user is None or actor.position is None:
        raise PermissionDenied(_("Bạn cần một chức vụ trong cơ quan để xem số liệu của mình."))
    own = Filters(
        date_from=filters.date_from,
        date_to=filters.date_to,
        document_type_id=filters.document_type_id,
        urgency=filters.urgency,
        kind=filters.kind,
    )
    return facts_in({actor.position.agency_id}, own).filter(user_id=actor.user.pk)


def own_row(actor: Actor, filters: Filters, *, now: datetime) -> Row:
    facts = own_facts(actor, filters)
    assert actor.user is not None
    return Row("me", actor.user.get_full_name(), _only_counts(facts.order_by().aggregate(**_counts(now))))


def own_drill_down(actor: Actor, filters: Filters, *, column: str, now: datetime) -> QuerySet[LineFact]:
    condition = column_of(column).condition(now, window())
    facts = own_facts(actor, filters).filter(condition)
    return facts.select_related("line__item", "agency", "unit", "user").order_by(
        "deadline", "assigned_at", "pk"
    )


def user_names(user_ids: list[int]) -> dict[int, str]:
    return dict(get_user_model().objects.filter(among("pk", user_ids)).values_list("pk", "full_name"))
