"""Processing time (thời gian xử lý) per person, unit and agency, the agencies' ranking and trends.

Population: the acting lines assigned in the period (the same cohort as the board). "Handled" are
those finished (on time or late). Durations are working time on the calendar, stored per line when
it finished (`facts`), so every figure here is SQL over stored numbers — over the facts for a
person or a unit, over the rollups (`summaries`) for an agency, the ranking and a whole scope:

- median and p90 use the nearest-rank definition: the value at position ceil(p × n) of the sorted
  durations (PostgreSQL's percentile_disc; computed the same way in Python on SQLite);
- on-time rate = on time / handled; time to first opening = median of assignment → first opening
  over the cohort's opened lines; average delay = mean working time past the deadline of late lines.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Aggregate, Count, Expression, F, FloatField, Q, QuerySet, Sum, Value
from django.db.models.functions import TruncMonth, TruncWeek

from eoffice.oversight import summaries
from eoffice.oversight.cohort import facts_in
from eoffice.oversight.filters import Filters
from eoffice.oversight.models import DONE_OUTCOMES, LineFact, Outcome
from eoffice.workcalendar.engine import LOCAL_TZ

MEDIAN, P90 = 0.5, 0.9
DONE = sorted(DONE_OUTCOMES)


class PercentileDisc(Aggregate):
    """PostgreSQL's ordered-set aggregate: the first value whose cumulative share reaches p."""

    function = "PERCENTILE_DISC"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float) -> None:
        super().__init__(expression, fraction=repr(float(fraction)))


def nearest_rank(ordered: list[int], fraction: float) -> int | None:
    """The value at position ceil(fraction × n) (1-based) of sorted values, like percentile_disc."""
    if not ordered:
        return None
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1]


@dataclass
class Figures:
    handled: int = 0
    on_time: int = 0
    late: int = 0
    late_seconds: int = 0
    median_seconds: int | None = None
    p90_seconds: int | None = None
    open_median_seconds: int | None = None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.handled if self.handled else None

    @property
    def average_delay_seconds(self) -> float | None:
        return self.late_seconds / self.late if self.late else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "handled": self.handled,
            "on_time": self.on_time,
            "late": self.late,
            "on_time_rate": self.on_time_rate,
            "median_seconds": self.median_seconds,
            "p90_seconds": self.p90_seconds,
            "open_median_seconds": self.open_median_seconds,
            "average_delay_seconds": self.average_delay_seconds,
        }


def _keyed(facts: QuerySet[LineFact], key: str | Expression | None) -> Any:
    expression = F(key) if isinstance(key, str) else (key if key is not None else Value(0))
    return facts.order_by().annotate(k=expression)


def _percentiles(
    facts: QuerySet[LineFact], key: str | Expression | None, value: str, fractions: tuple[float, ...]
) -> dict[Any, list[int | None]]:
    keyed = _keyed(facts, key)
    if connection.vendor == "postgresql":
        names = {f"p{i}": PercentileDisc(value, fraction) for i, fraction in enumerate(fractions)}
        rows = keyed.values("k").annotate(**names)
        return {row["k"]: [None if row[n] is None else int(row[n]) for n in names] for row in rows}
    grouped: dict[Any, list[int]] = defaultdict(list)
    for k, number in keyed.values_list("k", value).iterator(chunk_size=5000):
        grouped[k].append(number)
    result: dict[Any, list[int | None]] = {}
    for k, numbers in grouped.items():
        numbers.sort()
        result[k] = [nearest_rank(numbers, fraction) for fraction in fractions]
    return result


def grouped_figures(facts: QuerySet[LineFact], key: str | Expression | None) -> dict[Any, Figures]:
    """Figures per value of `key` (a field name or an expression); key None: one group, `None`."""
    keyed = _keyed(facts, key)
    counts = keyed.values("k").annotate(
        handled=Count("pk", filter=Q(outcome__in=DONE)),
        on_time=Count("pk", filter=Q(outcome=Outcome.ON_TIME)),
        late=Count("pk", filter=Q(outcome=Outcome.LATE)),
        late_seconds=Sum("late_seconds", filter=Q(outcome=Outcome.LATE)),
    )
    result: dict[Any, Figures] = {}
    for row in counts:
        k = row["k"] if key is not None else None
        result[k] = Figures(
            handled=row["handled"],
            on_time=row["on_time"],
            late=row["late"],
            late_seconds=row["late_seconds"] or 0,
        )
    work = _percentiles(facts.filter(outcome__in=DONE), key, "work_seconds", (MEDIAN, P90))
    opened = _percentiles(facts.filter(open_seconds__isnull=False), key, "open_seconds", (MEDIAN,))
    for k, figures in result.items():
        lookup = k if key is not None else 0
        figures.median_seconds, figures.p90_seconds = work.get(lookup, [None, None])
        figures.open_median_seconds = opened.get(lookup, [None])[0]
    return result


def figures(facts: QuerySet[LineFact]) -> Figures:
    return grouped_figures(facts, None).get(None) or Figures()


@dataclass
class Ranked:
    agency_id: int
    name: str
    figures: Figures


def _assembled(parts: dict[str, Any]) -> Figures:
    return Figures(
        handled=parts["on_time"] + parts["late"],
        on_time=parts["on_time"],
        late=parts["late"],
        late_seconds=parts["late_seconds"],
        median_seconds=parts["median_seconds"],
        p90_seconds=parts["p90_seconds"],
        open_median_seconds=parts["open_median_seconds"],
    )


def scope_figures(
    agency_ids: Iterable[int], filters: Filters, unit_id: int | None = None, *, by_agency: bool = False
) -> dict[Any, Figures]:
    """Figures per agency (or once, key None) of the agencies' lines: from the rollups, or from
    the facts for one unit (the histograms are kept per agency, not per unit)."""
    if unit_id or filters.unit_id:
        return grouped_figures(facts_in(agency_ids, filters, unit_id), "agency_id" if by_agency else None)
    parts = summaries.figure_parts(agency_ids, filters, by_agency=by_agency)
    return {key: _assembled(entry) for key, entry in parts.items()}


def total(agency_ids: Iterable[int], filters: Filters, unit_id: int | None = None) -> Figures:
    return scope_figures(agency_ids, filters, unit_id).get(None) or Figures()


def ranking(agency_ids: Iterable[int], filters: Filters, names: dict[int, str]) -> list[Ranked]:
    """Agencies by on-time rate (best first), then by median working time (shortest first)."""
    per_agency = scope_figures(agency_ids, filters, by_agency=True)
    ranked = [Ranked(int(k), names.get(int(k), "?"), f) for k, f in per_agency.items() if f.handled]
    ranked.sort(key=lambda r: (-(r.figures.on_time_rate or 0), r.figures.median_seconds or 0, r.name))
    return ranked


def scope_trend(
    agency_ids: Iterable[int], filters: Filters, unit_id: int | None = None, *, by: str
) -> list[tuple[Any, Figures]]:
    """Figures per month (from the rollups) or per week (from the facts) of assignment, in order.
    A unit's trend reads the facts: the histograms are kept per agency, not per unit."""
    if by != "month" or unit_id or filters.unit_id:
        return trend(facts_in(agency_ids, filters, unit_id), by)
    parts = summaries.month_parts(agency_ids, filters)
    return [(summaries.month_start(month), _assembled(parts[month])) for month in sorted(parts)]


def trend(facts: QuerySet[LineFact], by: str) -> list[tuple[Any, Figures]]:
    """Figures per week or per month of assignment (local time), in order, read from the facts."""
    bucket = (
        TruncMonth("assigned_at", tzinfo=LOCAL_TZ)
        if by == "month"
        else TruncWeek("assigned_at", tzinfo=LOCAL_TZ)
    )
    per_bucket = grouped_figures(facts, bucket)
    return sorted(per_bucket.items(), key=lambda pair: pair[0])
