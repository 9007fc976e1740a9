"""Keeping the rollups (`MonthSummary`, `DurationHistogram`) exact.

Incrementally: the fact observer passes what a fact contributed before its change and what it
contributes after; the difference is added to the rollup rows in the line's own transaction, so
the rollups commit or roll back with the line — summed over the transaction and written just
before it commits, in one order for every transaction (`rollup_deltas`, which says why).
From scratch: `rebuild()` recomputes every row from the facts with GROUP BY queries — after an
upgrade, from `oversight_refresh_facts`, and by the benchmark after it loads its facts.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Count, DateField, Func, IntegerField, Q, Sum, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from eoffice.oversight import rollup_deltas
from eoffice.oversight.models import (
    BUCKET_EDGES,
    BUCKET_FIELDS,
    DONE_OUTCOMES,
    OPEN_OUTCOMES,
    SUMMARY_COUNTS,
    DurationHistogram,
    LineFact,
    Measure,
    MonthSummary,
    Outcome,
)
from eoffice.workcalendar.engine import LOCAL_TZ

Contribution = rollup_deltas.Deltas
BATCH = 5000
# Which facts each measure's histogram counts, and the duration it counts.
MEASURES: dict[str, tuple[Q, str]] = {
    Measure.WORK.value: (Q(outcome__in=sorted(DONE_OUTCOMES)), "work_seconds"),
    Measure.OPEN.value: (Q(open_seconds__isnull=False), "open_seconds"),
}


def bucket_of(seconds: int) -> int:
    """Index of the bucket holding a duration (the last bucket is open-ended)."""
    return max(0, bisect_right(BUCKET_EDGES, seconds) - 1)


def bucket_bounds(index: int) -> tuple[int, int | None]:
    """[low, high) of a bucket; high None for the last one."""
    high = BUCKET_EDGES[index + 1] if index + 1 < len(BUCKET_EDGES) else None
    return BUCKET_EDGES[index], high


def month_of(fact: LineFact) -> date:
    return timezone.localtime(fact.assigned_at, LOCAL_TZ).date().replace(day=1)


def contribution(fact: LineFact | None) -> Contribution:
    """What one fact adds to the rollup rows: {(table, key): {column: amount}}."""
    if fact is None:
        return {}
    month = month_of(fact)
    type_key = fact.document_type_id or 0
    summary_key = (
        fact.agency_id,
        fact.unit_id or 0,
        fact.user_id or 0,
        month,
        fact.kind,
        fact.urgency,
        type_key,
    )
    counts = {str(fact.outcome): 1}
    if fact.outcome in OPEN_OUTCOMES and fact.deadline is not None:
        counts["open_with_deadline"] = 1
    if fact.outcome == Outcome.LATE:
        counts["late_seconds"] = fact.late_seconds or 0
    found: Contribution = {("summary", summary_key): counts}
    values = {
        Measure.WORK: fact.work_seconds if fact.outcome in DONE_OUTCOMES else None,
        Measure.OPEN: fact.open_seconds,
    }
    for measure, seconds in values.items():
        if seconds is not None:
            key = (fact.agency_id, month, fact.kind, fact.urgency, type_key, str(measure))
            found[("histogram", key)] = {BUCKET_FIELDS[bucket_of(seconds)]: 1}
    return found


def apply(before: Contribution, after: Contribution) -> None:
    """Add `after − before` to the rollup rows, when the fact's transaction commits."""
    deltas: Contribution = defaultdict(lambda: defaultdict(int))
    for sign, part in ((-1, before), (1, after)):
        for target, columns in part.items():
            for column, amount in columns.items():
                deltas[target][column] += sign * amount
    # Not written here: a row locked now would be held while the transaction goes on to lock
    # others in an order nobody chose, and two transactions could deadlock (`rollup_deltas`).
    rollup_deltas.add(deltas)


def _keyed(facts: models.QuerySet[Any]) -> models.QuerySet[Any]:
    return facts.order_by().annotate(
        m=TruncMonth("assigned_at", tzinfo=LOCAL_TZ, output_field=DateField()),
        u=Coalesce("unit_id", Value(0)),
        p=Coalesce("user_id", Value(0)),
        t=Coalesce("document_type_id", Value(0)),
    )


def _summary_rows(fact_model: type[models.Model]) -> Iterator[dict[str, Any]]:
    open_ = sorted(OPEN_OUTCOMES)
    counts = {outcome: Count("pk", filter=Q(outcome=outcome)) for outcome in Outcome.values}
    rows = (
        _keyed(fact_model._default_manager.all())
        .values("agency_id", "u", "p", "m", "kind", "urgency", "t")
        .annotate(
            **counts,
            open_with_deadline=Count("pk", filter=Q(outcome__in=open_, deadline__isnull=False)),
            late_sum=Sum("late_seconds", filter=Q(outcome=Outcome.LATE)),
        )
    )
    for row in rows.iterator(chunk_size=BATCH):
        yield {
            "agency_id": row["agency_id"],
            "unit_id": row["u"],
            "user_id": row["p"],
            "month": row["m"],
            "kind": row["kind"],
            "urgency": row["urgency"],
            "document_type_id": row["t"],
            **{column: int(row[column] or 0) for column in SUMMARY_COUNTS if column != "late_seconds"},
            "late_seconds": int(row["late_sum"] or 0),
        }


class WidthBucket(Func):
    """PostgreSQL's width_bucket(value, thresholds): 1 + the index of the bucket holding value."""

    function = "WIDTH_BUCKET"
    output_field = IntegerField()


def bucket_expression(field: str) -> WidthBucket:
    """The 0-based bucket of a duration column, computed by PostgreSQL."""
    edges = "ARRAY[" + ",".join(str(edge) for edge in BUCKET_EDGES) + "]"
    thresholds = RawSQL(edges, (), output_field=IntegerField())  # noqa: S611 -- integer constants
    return WidthBucket(field, thresholds) - 1  # type: ignore[return-value]


def bucket_counts(
    facts: models.QuerySet[Any], field: str, keys: list[str]
) -> Iterator[tuple[tuple[Any, ...], list[int]]]:
    """Per value of `keys`: how many facts have their `field` in each bucket."""
    found: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0] * len(BUCKET_FIELDS))
    if connection.vendor == "postgresql":
        rows = facts.annotate(bucket=bucket_expression(field)).values(*keys, "bucket").annotate(n=Count("pk"))
        for row in rows.iterator(chunk_size=BATCH):
            found[tuple(row[k] for k in keys)][row["bucket"]] += row["n"]
    else:
        for *key, seconds in facts.values_list(*keys, field).iterator(chunk_size=BATCH):
            found[tuple(key)][bucket_of(seconds)] += 1
    yield from found.items()


def _histogram_rows(fact_model: type[models.Model]) -> Iterator[dict[str, Any]]:
    keys = ["agency_id", "m", "kind", "urgency", "t"]
    for measure, (population, field) in MEASURES.items():
        facts = _keyed(fact_model._default_manager.filter(population))
        for (agency, month, kind, urgency, type_key), counts in bucket_counts(facts, field, keys):
            yield {
                "agency_id": agency,
                "month": month,
                "kind": kind,
                "urgency": urgency,
                "document_type_id": type_key,
                "measure": measure,
                **dict(zip(BUCKET_FIELDS, counts, strict=True)),
            }


def _write(model: type[models.Model], rows: Iterator[dict[str, Any]]) -> int:
    written, batch = 0, []
    for row in rows:
        batch.append(model(**row))
        if len(batch) >= BATCH:
            model._default_manager.bulk_create(batch)
            written, batch = written + len(batch), []
    model._default_manager.bulk_create(batch)
    return written + len(batch)


@transaction.atomic
def rebuild(
    *,
    fact_model: type[models.Model] = LineFact,
    summary_model: type[models.Model] = MonthSummary,
    histogram_model: type[models.Model] = DurationHistogram,
) -> tuple[int, int]:
    """Recompute every rollup row from the facts. Returns (summary rows, histogram rows).
    The models are parameters so that a migration can pass its historical ones."""
    if connection.vendor == "postgresql":
        # Writers of facts wait until the rollups are rebuilt: a fact changed after this
        # transaction's snapshot would otherwise add its difference to rows about to be replaced.
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {fact_model._meta.db_table} IN SHARE MODE")
            # The streamed GROUP BY queries below are read to the end: plan them for that.
            cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")
    summary_model._default_manager.all().delete()
    histogram_model._default_manager.all().delete()
    written = (
        _write(summary_model, _summary_rows(fact_model)),
        _write(histogram_model, _histogram_rows(fact_model)),
    )
    # The rows just written count the facts this transaction changed: their pending changes must
    # not be added a second time when it commits.
    rollup_deltas.cancel_pending()
    return written
