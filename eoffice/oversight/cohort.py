"""Which facts a board or a figure counts: the lines assigned in the period (the period's cohort),
narrowed by the filters, and the board's columns as conditions on a fact."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _lazy

from eoffice.oversight.filters import Filters
from eoffice.oversight.models import DONE_OUTCOMES, OPEN_OUTCOMES, LineFact, Outcome

DEFAULT_WINDOW_HOURS = 24
MANY = 50
OPEN = sorted(OPEN_OUTCOMES)
DONE = sorted(DONE_OUTCOMES)


@dataclass(frozen=True)
class Column:
    slug: str
    label: Any
    condition: Callable[[datetime, timedelta], Q]


COLUMNS: tuple[Column, ...] = (
    Column("waiting", _lazy("Chờ xử lý"), lambda now, w: Q(outcome=Outcome.WAITING)),
    Column("processing", _lazy("Đang xử lý"), lambda now, w: Q(outcome=Outcome.PROCESSING)),
    Column(
        "due_soon",
        _lazy("Sắp đến hạn"),
        lambda now, w: Q(outcome__in=OPEN, deadline__gte=now, deadline__lt=now + w),
    ),
    Column("overdue", _lazy("Quá hạn"), lambda now, w: Q(outcome__in=OPEN, deadline__lt=now)),
    Column("on_time", _lazy("Hoàn thành đúng hạn"), lambda now, w: Q(outcome=Outcome.ON_TIME)),
    Column("late", _lazy("Hoàn thành quá hạn"), lambda now, w: Q(outcome=Outcome.LATE)),
    Column("returned", _lazy("Trả lại"), lambda now, w: Q(outcome=Outcome.RETURNED)),
)
COLUMN_BY_SLUG = {column.slug: column for column in COLUMNS}
SLUGS = tuple(COLUMN_BY_SLUG)


def window() -> timedelta:
    return timedelta(hours=int(getattr(settings, "EOFFICE_WORK_DUE_SOON_HOURS", DEFAULT_WINDOW_HOURS)))


def among(field: str, ids: Collection[int]) -> Q:
    """`field` is one of `ids`. A province names thousands of agencies: on PostgreSQL they travel
    as one array parameter, not thousands of placeholders to prepare, send and parse."""
    chosen = sorted(ids)
    if len(chosen) == 1:
        return Q(**{field: chosen[0]})
    if connection.vendor == "postgresql" and len(chosen) > MANY:
        return Q(**{f"{field}__in": RawSQL("SELECT unnest(%s::bigint[])", (chosen,))})
    return Q(**{f"{field}__in": chosen})


def agencies_of(agency_ids: Iterable[int], filters: Filters) -> list[int]:
    """The agencies counted: the one chosen in the filter, else every agency of the scope."""
    return [filters.agency_id] if filters.agency_id else sorted(agency_ids)


def facts_in(
    agency_ids: Iterable[int],
    filters: Filters,
    unit_id: int | None = None,
    *,
    between: tuple[datetime, datetime] | None = None,
) -> QuerySet[LineFact]:
    """Lines assigned within the period (or within `between`, a part of it), narrowed by the filters."""
    start, end = between or (filters.start, filters.end)
    facts = LineFact.objects.filter(assigned_at__gte=start, assigned_at__lt=end)
    facts = facts.filter(among("agency_id", agencies_of(agency_ids, filters)))
    return narrowed(facts, filters, unit_id)


def narrowed(facts: QuerySet[Any], filters: Filters, unit_id: int | None = None) -> QuerySet[Any]:
    """Facts (or rollup rows: the same columns) narrowed by every filter but the period and agency."""
    unit = unit_id or filters.unit_id
    if unit:
        facts = facts.filter(unit_id=unit)
    if filters.document_type_id:
        facts = facts.filter(document_type_id=filters.document_type_id)
    if filters.urgency:
        facts = facts.filter(urgency=filters.urgency)
    if filters.kind:
        facts = facts.filter(kind=filters.kind)
    return facts
