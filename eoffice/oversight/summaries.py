"""Reading the rollups: the board's counts and the processing-time figures of a scope, exact.

A period is cut into local months. A month is read from the rollups (`MonthSummary`,
`DurationHistogram`) when the period covers it, or when no fact of the scope was assigned in the
part of it the period leaves out (the current month of a period ending today); otherwise the
period's part of that month is read from the facts. What depends on "now" (due soon, overdue)
comes from the open lines whose deadline is still ahead — few, through a partial index: the
rollups keep the open lines that have a deadline, and overdue = those − the ones still ahead.

Exact medians and p90 (nearest rank, like percentile_disc): the histograms give how many
durations lie below each bucket, so the bucket holding rank k and the rank r inside it are known;
the r-th duration of that bucket is then read from the facts through the index on
(agency, duration), which walks only that bucket, in order, and stops at r.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, DateField, F, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber, TruncMonth

from eoffice.oversight.cohort import COLUMNS, OPEN, SLUGS, agencies_of, among, facts_in, narrowed, window
from eoffice.oversight.filters import Filters
from eoffice.oversight.models import BUCKET_FIELDS, DurationHistogram, LineFact, MonthSummary, Outcome
from eoffice.oversight.rollup import MEASURES, bucket_bounds, bucket_counts
from eoffice.workcalendar.engine import LOCAL_TZ

GroupKey = tuple[int, int | None, int | None]
PERCENTILES = (
    ("work", 0.5, "median_seconds"),
    ("work", 0.9, "p90_seconds"),
    ("open", 0.5, "open_median_seconds"),
)
_NO_LIMIT = 2**62


class RollupOutOfStep(RuntimeError):
    """A histogram counts a duration the facts do not hold: the rollups were changed around the
    observer. `manage.py oversight_refresh_facts --rollups-only` rebuilds them."""

    def __init__(self) -> None:
        super().__init__(
            "oversight rollups disagree with the facts; run oversight_refresh_facts --rollups-only"
        )


@contextmanager
def _tuned() -> Iterator[None]:
    """PostgreSQL settings for these reads, for their transaction only: memory to add up a
    province's histogram rows (about 1 kB each) in a hash table rather than a sort on disk, and
    no JIT — the planner prices the loop of thousands of index walks high enough to compile it,
    which takes longer (~0.2 s) than the walks themselves; and cursors planned to be read to the end
    (left at 0.1, a streamed GROUP BY of a part-month picked a fast-start plan 50 times slower)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")
        yield


def month_start(month: date) -> datetime:
    return datetime.combine(month, time(0), LOCAL_TZ)


def _local_month(moment: datetime) -> date:
    return moment.astimezone(LOCAL_TZ).date().replace(day=1)


def _next_month(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1)


@dataclass(frozen=True)
class Plan:
    """The months read from the rollups (consecutive) and the ranges read from the facts."""

    months: tuple[date, ...]
    parts: tuple[tuple[datetime, datetime], ...]

    @property
    def span(self) -> tuple[datetime, datetime]:
        return month_start(self.months[0]), month_start(_next_month(self.months[-1]))


def plan(agency_ids: list[int], filters: Filters) -> Plan:
    months: list[date] = []
    parts: list[tuple[datetime, datetime]] = []
    month = filters.date_from.replace(day=1)
    while month <= filters.date_to:
        low, high = month_start(month), month_start(_next_month(month))
        start, end = max(low, filters.start), min(high, filters.end)
        outside = Q()
        if low < start:
            outside |= Q(assigned_at__gte=low, assigned_at__lt=start)
        if end < high:
            outside |= Q(assigned_at__gte=end, assigned_at__lt=high)
        if outside and LineFact.objects.filter(outside, among("agency_id", agency_ids)).exists():
            parts.append((start, end))
        else:
            months.append(month)
        month = _next_month(month)
    return Plan(tuple(months), tuple(parts))


def _summaries(
    agency_ids: list[int], filters: Filters, unit_id: int | None, months: tuple[date, ...]
) -> QuerySet[Any]:
    rows = MonthSummary.objects.filter(
        among("agency_id", agency_ids), month__gte=months[0], month__lte=months[-1]
    )
    return narrowed(rows, filters, unit_id).order_by()


def _key(agency: int, unit: int | None, user: int | None) -> GroupKey:
    return agency, unit or None, user or None


@_tuned()
def board_groups(
    agency_ids: Iterable[int], filters: Filters, unit_id: int | None, *, now: datetime
) -> dict[GroupKey, dict[str, int]]:
    """The board's column counts per (agency, unit, person) of the scope."""
    ids = agencies_of(agency_ids, filters)
    unit = unit_id or filters.unit_id
    found = plan(ids, filters)
    groups: dict[GroupKey, dict[str, int]] = defaultdict(lambda: dict.fromkeys(SLUGS, 0))
    keys = ("agency_id", "unit_id", "user_id")
    if found.months:
        sums = ("waiting", "processing", "open_with_deadline", "on_time", "late", "returned")
        rows = (
            _summaries(ids, filters, unit, found.months)
            .values(*keys)
            .annotate(**{f"s_{name}": Sum(name) for name in sums})
        )
        for row in rows:
            counts = groups[_key(*(row[k] for k in keys))]
            for name in ("waiting", "processing", "on_time", "late", "returned"):
                counts[name] += row[f"s_{name}"]
            counts["overdue"] += row["s_open_with_deadline"]
        ahead = (
            facts_in(ids, filters, unit, between=found.span)
            .filter(outcome__in=OPEN, deadline__gte=now)
            .order_by()
            .values(*keys)
            .annotate(soon=Count("pk", filter=Q(deadline__lt=now + window())), ahead=Count("pk"))
        )
        for row in ahead:
            counts = groups[_key(*(row[k] for k in keys))]
            counts["due_soon"] += row["soon"]
            counts["overdue"] -= row["ahead"]
    conditions = {column.slug: Count("pk", filter=column.condition(now, window())) for column in COLUMNS}
    for part in found.parts:
        for row in facts_in(ids, filters, unit, between=part).order_by().values(*keys).annotate(**conditions):
            counts = groups[_key(*(row[k] for k in keys))]
            for slug in SLUGS:
                counts[slug] += row[slug]
    return dict(groups)


def _grouped(rows: QuerySet[Any], group: str | None, **aggregates: Any) -> list[tuple[Any, dict[str, Any]]]:
    """Aggregates per value of `group`, or once for everything (group None, key None)."""
    if group is None:
        return [(None, rows.aggregate(**aggregates))]
    return [(row[group], row) for row in rows.values(group).annotate(**aggregates)]


def _part_histograms(facts: QuerySet[LineFact], group: str | None) -> dict[tuple[Any, str], list[int]]:
    """Bucket counts of the facts of a part of a month, per group and measure."""
    found: dict[tuple[Any, str], list[int]] = {}
    for measure, (population, field) in MEASURES.items():
        chosen = facts.filter(population).order_by()
        for key, counts in bucket_counts(chosen, field, [group] if group else []):
            found[(key[0] if group else None, measure)] = counts
    return found


def _histograms(
    ids: list[int], filters: Filters, found: Plan, group: str | None
) -> dict[tuple[Any, str], list[int]]:
    """Per (group, measure): how many durations of the period fall in each bucket."""
    totals: dict[tuple[Any, str], list[int]] = defaultdict(lambda: [0] * len(BUCKET_FIELDS))
    if found.months:
        rows = DurationHistogram.objects.filter(
            among("agency_id", ids), month__gte=found.months[0], month__lte=found.months[-1]
        )
        rows = narrowed(rows, filters)
        keys = ["measure"] + ([group] if group else [])
        sums = rows.order_by().values(*keys).annotate(**{f"s{name}": Sum(name) for name in BUCKET_FIELDS})
        for row in sums:
            counts = totals[(row[group] if group else None, row["measure"])]
            for index, name in enumerate(BUCKET_FIELDS):
                counts[index] += row[f"s{name}"]
    for part in found.parts:
        facts = facts_in(ids, filters, between=part)
        # A part lies inside one month: per month, its histograms are the part's, keyed by it.
        by_month = group == "month"
        for key, counts in _part_histograms(facts, None if by_month else group).items():
            key = (_local_month(part[0]), key[1]) if by_month else key
            totals[key] = [a + b for a, b in zip(totals[key], counts, strict=True)]
    return totals


@dataclass(frozen=True)
class Target:
    """The rank-th smallest duration of one group and measure lies in `bucket`, at `rank` inside it."""

    group: Any
    measure: str
    figure: str
    bucket: int
    rank: int


def _targets(histograms: dict[tuple[Any, str], list[int]]) -> list[Target]:
    targets = []
    for (group, measure), counts in histograms.items():
        total = sum(counts)
        for wanted, fraction, figure in PERCENTILES:
            if wanted != measure or not total:
                continue
            rank = max(1, math.ceil(fraction * total))
            below = 0
            for index, count in enumerate(counts):
                if below + count >= rank:
                    targets.append(Target(group, measure, figure, index, rank - below))
                    break
                below += count
    return targets


def _exact_values(facts: QuerySet[LineFact], group: str | None, targets: list[Target]) -> dict[Target, int]:
    """The duration each target names, read from the facts inside its bucket."""
    found: dict[Target, int] = {}
    by_measure: dict[str, list[Target]] = defaultdict(list)
    for target in targets:
        by_measure[target.measure].append(target)
    for measure, chosen in by_measure.items():
        population, field = MEASURES[measure]
        facts_of_measure = facts.filter(population).order_by()
        if connection.vendor == "postgresql":
            found.update(_exact_values_pg(facts_of_measure, group, field, chosen))
            continue
        for target in chosen:
            low, high = bucket_bounds(target.bucket)
            inside = facts_of_measure.filter(**{f"{field}__gte": low, f"{field}__lt": high or _NO_LIMIT})
            if group:
                inside = inside.filter(**{group: target.group})
            value = (
                inside.order_by(field).values_list(field, flat=True)[target.rank - 1 : target.rank].first()
            )
            if value is None:
                raise RollupOutOfStep()
            found[target] = value
    return found


def _exact_values_pg(
    facts: QuerySet[LineFact], group: str | None, field: str, targets: list[Target]
) -> dict[Target, int]:
    """All targets of one measure in one statement: for each, an index walk that stops at its rank."""
    inner, params = facts.values(group or "pk", field).query.sql_with_params()
    same_group = f'AND x."{group}" = t.g ' if group else ""
    sql = (
        f'SELECT t.i, (SELECT x."{field}" FROM ({inner}) x WHERE x."{field}" >= t.lo AND x."{field}" < t.hi '  # noqa: S608
        f'{same_group}ORDER BY x."{field}" LIMIT 1 OFFSET t.r - 1) '
        "FROM unnest(%s::int[], %s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[]) AS t(i, g, lo, hi, r)"
    )
    bounds = [bucket_bounds(target.bucket) for target in targets]
    arrays = [
        list(range(len(targets))),
        [int(target.group or 0) for target in targets],
        [low for low, _high in bounds],
        [high or _NO_LIMIT for _low, high in bounds],
        [target.rank for target in targets],
    ]
    with connection.cursor() as cursor:
        # Walk the (agency, duration) index in order and stop at the rank. Given a short period,
        # the planner would rather fetch the agency's lines of the period through the
        # (agency, assigned_at) index and sort them — a heap fetch per line, for every walk.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(sql, [*params, *arrays])
        found = dict(cursor.fetchall())
        cursor.execute("SET LOCAL enable_sort = on")
    if None in found.values() or len(found) != len(targets):
        raise RollupOutOfStep()
    return {targets[index]: int(value) for index, value in found.items()}


@_tuned()
def figure_parts(
    agency_ids: Iterable[int], filters: Filters, *, by_agency: bool
) -> dict[Any, dict[str, Any]]:
    """Per agency (or once, key None): on_time, late, late_seconds and the exact median, p90 and
    median time to first opening. Not for a unit: the histograms do not split by unit."""
    ids = agencies_of(agency_ids, filters)
    group = "agency_id" if by_agency else None
    found = plan(ids, filters)
    empty = {"median_seconds": None, "p90_seconds": None, "open_median_seconds": None}
    result: dict[Any, dict[str, Any]] = defaultdict(
        lambda: {"on_time": 0, "late": 0, "late_seconds": 0, **empty}
    )
    sources: list[tuple[QuerySet[Any], dict[str, Any]]] = []
    if found.months:
        sums = {"on_time": Sum("on_time"), "late": Sum("late"), "late_seconds": Sum("late_seconds")}
        sources.append((_summaries(ids, filters, None, found.months), sums))
    late = Q(outcome=Outcome.LATE)
    counts = {
        "on_time": Count("pk", filter=Q(outcome=Outcome.ON_TIME)),
        "late": Count("pk", filter=late),
        "late_seconds": Sum("late_seconds", filter=late),
    }
    sources += [(facts_in(ids, filters, between=part).order_by(), counts) for part in found.parts]
    for rows, aggregates in sources:
        for key, row in _grouped(rows, group, **{f"s_{name}": a for name, a in aggregates.items()}):
            for name in aggregates:
                result[key][name] += int(row[f"s_{name}"] or 0)
    targets = _targets(_histograms(ids, filters, found, group))
    # Per agency, each walk names its agency; the scope's list would only slow every walk down.
    period = LineFact.objects.filter(assigned_at__gte=filters.start, assigned_at__lt=filters.end)
    facts = narrowed(period, filters) if group else facts_in(ids, filters)
    for target, value in _exact_values(facts, group, targets).items():
        result[target.group][target.figure] = value
    return {key: entry for key, entry in result.items() if key is not None or group is None}


def _monthly_values(facts: QuerySet[LineFact], targets: list[Target]) -> dict[Target, int]:
    """The duration each target names, where a target's group is a local month. One statement
    per figure (median, p90, ...): it keeps, for every month, that month's durations inside the
    month's bucket, numbers them in order within the month and returns the wanted ranks. The
    index is walked once per agency over the range spanning the months' buckets (they lie close
    together), rather than once per agency and bucket."""
    found: dict[Target, int] = {}
    wanted: dict[tuple[str, str], list[Target]] = defaultdict(list)
    for target in targets:
        wanted[(target.measure, target.figure)].append(target)
    month = TruncMonth("assigned_at", tzinfo=LOCAL_TZ, output_field=DateField())
    for (measure, _figure), chosen in wanted.items():
        population, field = MEASURES[measure]
        inside_buckets = Q()
        for target in chosen:
            low, high = bucket_bounds(target.bucket)
            inside_buckets |= Q(
                **{f"{field}__gte": low, f"{field}__lt": high or _NO_LIMIT},
                assigned_at__gte=month_start(target.group),
                assigned_at__lt=month_start(_next_month(target.group)),
            )
        spans = [bucket_bounds(target.bucket) for target in chosen]
        lowest, highest = min(low for low, _ in spans), max(high or _NO_LIMIT for _, high in spans)
        rows = (
            facts.filter(population, inside_buckets)
            .filter(**{f"{field}__gte": lowest, f"{field}__lt": highest})
            .order_by()
            .annotate(m=month, n=Window(RowNumber(), partition_by=[month], order_by=F(field).asc()))
            .filter(n__in=sorted({target.rank for target in chosen}))
        )
        values = {(m, n): value for m, n, value in rows.values_list("m", "n", field)}
        for target in chosen:
            value = values.get((target.group, target.rank))
            if value is None:
                raise RollupOutOfStep()
            found[target] = value
    return found


@_tuned()
def month_parts(agency_ids: Iterable[int], filters: Filters) -> dict[date, dict[str, Any]]:
    """Per local month of the period that has lines of the scope: its lines, on_time, late,
    late_seconds and the exact median, p90 and median time to first opening — of the month's part
    inside the period. Not for a unit (no histogram per unit)."""
    ids = agencies_of(agency_ids, filters)
    found = plan(ids, filters)
    result: dict[date, dict[str, Any]] = defaultdict(
        lambda: (
            {"lines": 0, "on_time": 0, "late": 0, "late_seconds": 0}
            | dict.fromkeys(("median_seconds", "p90_seconds", "open_median_seconds"))
        )
    )
    names = ("on_time", "late", "late_seconds")
    if found.months:
        every = sum((F(outcome) for outcome in Outcome.values[1:]), F(Outcome.values[0]))
        rows = (
            _summaries(ids, filters, None, found.months)
            .values("month")
            .annotate(s_lines=Sum(every), **{f"s_{name}": Sum(name) for name in names})
        )
        for row in rows:
            for name in ("lines", *names):
                result[row["month"]][name] += int(row[f"s_{name}"] or 0)
    late = Q(outcome=Outcome.LATE)
    for part in found.parts:
        row = facts_in(ids, filters, between=part).aggregate(
            s_lines=Count("pk"),
            s_on_time=Count("pk", filter=Q(outcome=Outcome.ON_TIME)),
            s_late=Count("pk", filter=late),
            s_late_seconds=Sum("late_seconds", filter=late),
        )
        for name in ("lines", *names):
            result[_local_month(part[0])][name] += int(row[f"s_{name}"] or 0)
    targets = _targets(_histograms(ids, filters, found, "month"))
    for target, value in _monthly_values(facts_in(ids, filters), targets).items():
        result[target.group][target.figure] = value
    # Summary rows whose counts all went back to zero are no month of the trend.
    return {month: entry for month, entry in result.items() if entry["lines"]}
