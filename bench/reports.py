"""Benchmark: the province-wide status board and the agency ranking over one year of lines.

    python bench/reports.py [--quick] [--lines N] [--agencies N] [--out FILE.json] [--keep | --reuse]

Uses a throwaway database (bench/_common.throwaway_database): PostgreSQL when DATABASE_URL names a
server (the target), else a SQLite file. Fills a province of `--agencies` agencies (2,000; quick
200), five people and three units each, and `--lines` assignment lines (5,000,000; quick 100,000)
assigned over 2025, in every state, written with COPY (multi-row INSERT on SQLite) together with
their fact rows — the working durations computed with the real calendar by the same functions the
engine's observer calls — then builds the monthly rollups from the facts with `rollup.rebuild`,
the function `manage.py oversight_refresh_facts` runs. Then, as the leader of the province office
(who sees every agency), measures `selectors.board` and `stats.ranking` for the year (target ≤ 1 s
each) and for a period cutting two months (its parts read from the facts), and checks every figure
of both against a brute-force recomputation: board counts by SQL straight over the raw lines,
ranking counts the same way, percentiles and delays in Python over all stored durations, and a
sample of stored durations against the calendar. Exits non-zero when a check fails.

`--keep` leaves the PostgreSQL database (name it with EOFFICE_BENCH_DB); `--reuse` measures again
on it without filling.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

from _common import is_postgres_url, report, throwaway_database

TARGET_SECONDS = 1.0
PEOPLE_PER_AGENCY = 5
UNITS_PER_AGENCY = 3
LINES_PER_ITEM = 50
STATUSES = [
    ("hoan_thanh", 80), ("tra_lai", 4), ("thu_hoi", 2), ("cho_tiep_nhan", 3), ("cho_xu_ly", 4),
    ("dang_xu_ly", 4), ("da_chuyen", 3),
]  # fmt: skip
OPEN = ("cho_tiep_nhan", "cho_xu_ly", "dang_xu_ly", "da_chuyen")
SAMPLE = 3000


def local(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    from eoffice.workcalendar.engine import LOCAL_TZ

    return datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ)


def make_province(agencies: int) -> tuple[Any, dict[int, list[tuple[int, int]]]]:
    """The province, its office with a leader, `agencies` agencies with units and people.
    Returns (the office leader's position, {agency: [(user, unit)]})."""
    from eoffice.accounts.models import User
    from eoffice.directory.models import Agency, AgencyKind, Unit
    from eoffice.people.models import Position, PositionRole, Role

    province = Agency.objects.create(
        code="000.00.00.H99", name="UBND tỉnh Thử Nghiệm", kind=AgencyKind.PROVINCE
    )
    province.tree_path = f"/{province.pk}/"
    province.save()
    office = Agency.objects.create(
        code="000.00.99.H99",
        name="Văn phòng UBND tỉnh",
        kind=AgencyKind.PROVINCE_OFFICE,
        parent=province,
        depth=1,
    )
    office.tree_path = f"{province.tree_path}{office.pk}/"
    office.save()
    rows = Agency.objects.bulk_create(
        [
            Agency(
                code=f"H99.{i:05d}",
                name=f"Cơ quan số {i + 1}",
                kind=AgencyKind.COMMUNE,
                parent=province,
                depth=1,
            )
            for i in range(agencies)
        ]
    )
    for agency in rows:
        agency.tree_path = f"{province.tree_path}{agency.pk}/"
    Agency.objects.bulk_update(rows, ["tree_path"], batch_size=2000)
    units = Unit.objects.bulk_create(
        [Unit(agency=a, name=f"Phòng {j + 1}") for a in rows for j in range(UNITS_PER_AGENCY)],
        batch_size=5000,
    )
    users = User.objects.bulk_create(
        [
            User(username=f"u{i}", full_name=f"Người {i}", password="!")  # noqa: S106
            for i in range(agencies * PEOPLE_PER_AGENCY)
        ],
        batch_size=5000,
    )
    people: dict[int, list[tuple[int, int]]] = defaultdict(list)
    positions = []
    for index, user in enumerate(users):
        agency_index, slot = divmod(index, PEOPLE_PER_AGENCY)
        unit = units[agency_index * UNITS_PER_AGENCY + slot % UNITS_PER_AGENCY]
        positions.append(
            Position(user=user, agency=rows[agency_index], unit=unit, title="Chuyên viên", is_primary=True)
        )
        people[rows[agency_index].pk].append((user.pk, unit.pk))
    Position.objects.bulk_create(positions, batch_size=5000)
    leader = User.objects.create(username="chanhvanphong", full_name="Chánh Văn phòng", password="!")  # noqa: S106
    position = Position.objects.create(user=leader, agency=office, title="Chánh Văn phòng", is_primary=True)
    PositionRole.objects.create(position=position, role=Role.LANH_DAO_CO_QUAN)
    return position, dict(people)


def generate(
    total: int, people: dict[int, list[tuple[int, int]]], now: datetime, seed: int = 5
) -> Iterator[Any]:
    """("item", row), ("line", row) and ("fact", row) tuples for `total` lines over 2025."""
    from eoffice.oversight.facts import outcome_of, working_seconds

    rng = random.Random(seed)
    statuses = [s for s, w in STATUSES for _ in range(w)]
    agencies = sorted(people)
    year_start = local(2025, 1, 1, 0, 0)
    item_id = 0
    for line_id in range(1, total + 1):
        if (line_id - 1) % LINES_PER_ITEM == 0:
            item_id += 1
            arrived = year_start + timedelta(days=rng.randrange(365), hours=7 + rng.randrange(10))
            title = f"Văn bản số {item_id}"
            yield "item", (item_id, agencies[0], "incoming_document", "", None, title, "", "", "normal",
                           arrived, None, "in_progress", "", None, None, arrived, None)  # fmt: skip
        agency = rng.choice(agencies)
        person, unit = rng.choice(people[agency])
        user: int | None = person
        target = "person"
        if rng.random() < 0.1:
            user, target = None, "unit"
        role = rng.choices(("lead", "co", "info"), (65, 30, 5))[0]
        status = rng.choice(statuses)
        assigned = year_start + timedelta(days=rng.randrange(365), minutes=7 * 60 + rng.randrange(600))
        deadline = None
        if rng.random() < 0.9:
            deadline = (assigned + timedelta(days=rng.randrange(1, 16))).replace(hour=17, minute=0)
        done = min(assigned + timedelta(minutes=rng.randrange(10, 60 * 24 * 20)), now)
        completed = done if status == "hoan_thanh" else None
        returned = done if status == "tra_lai" else None
        opened = assigned + timedelta(minutes=rng.randrange(1, 600)) if rng.random() < 0.85 else None
        box = f"u{user}a{agency}" if user else f"n{unit}"
        yield "line", (line_id, item_id, None, line_id, 0, "incoming_document", role, target, user,
                       None if user else unit, agency, box, None, None, assigned, "", status, deadline, None,
                       opened, None, completed, returned, None, "", 0)  # fmt: skip
        if role == "info":
            continue
        outcome = outcome_of(status, deadline, completed)
        late = working_seconds(deadline, completed) if outcome == "late" else None
        yield "fact", (line_id, item_id, agency, unit, user, "incoming_document", "normal", None, outcome,
                       assigned, deadline, opened, completed, working_seconds(assigned, completed),
                       working_seconds(assigned, opened), late)  # fmt: skip


TABLES = {
    "item": ("work_workitem", "id, agency_id, kind, subject_type, subject_id, title, reference, "
             "search_text, urgency, arrived_at, deadline, status, direction, presented_to_id, created_by_id, "
             "created_at, done_at"),
    "line": ("work_assignmentline", "id, item_id, parent_id, level_key, depth, kind, role, target_kind, "
             "assignee_user_id, assignee_unit_id, assignee_agency_id, box_key, assigned_by_id, "
             "assigned_on_behalf_of_id, assigned_at, note, status, deadline, received_at, first_opened_at, "
             "acted_at, completed_at, returned_at, recalled_at, return_reason, reminder_count"),
    "fact": ("oversight_linefact", "line_id, item_id, agency_id, unit_id, user_id, kind, urgency, "
             "document_type_id, outcome, assigned_at, deadline, first_opened_at, completed_at, work_seconds, "
             "open_seconds, late_seconds"),
}  # fmt: skip


def load(vendor: str, rows: Iterator[Any]) -> None:
    from django.db import connection

    batch: dict[str, list[Any]] = {"item": [], "line": [], "fact": []}
    with connection.cursor() as cursor:
        for kind, row in rows:
            if vendor != "postgresql":
                # SQLite keeps Django's naive-UTC text form, which its comparisons rely on.
                row = tuple(
                    v.astimezone(UTC).replace(tzinfo=None).isoformat(" ") if isinstance(v, datetime) else v
                    for v in row
                )
            batch[kind].append(row)
            if len(batch["line"]) >= 100_000:
                _flush(vendor, cursor, batch)
        _flush(vendor, cursor, batch)
        if vendor == "postgresql":
            # What autovacuum does to a live table: statistics and the visibility map.
            for table, _columns in TABLES.values():
                cursor.execute(f"VACUUM ANALYZE {table}")
        else:
            cursor.execute("ANALYZE")


def _flush(vendor: str, cursor: Any, batch: dict[str, list[Any]]) -> None:
    for kind in ("item", "line", "fact"):
        table, columns = TABLES[kind]
        if vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in batch[kind]:
                    copy.write_row(row)
        elif batch[kind]:
            marks = ", ".join(["%s"] * len(batch[kind][0]))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", batch[kind])  # noqa: S608
        batch[kind] = []


def timed(function: Any, runs: int) -> tuple[Any, list[float]]:
    function()  # warm-up: connections, plans, caches
    timings, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - start)
    return result, timings


BRUTE_BOARD = """
SELECT l.assignee_agency_id, l.assignee_user_id, COALESCE(l.assignee_unit_id, p.unit_id),
  count(*) FILTER (WHERE l.status IN ('cho_tiep_nhan', 'cho_xu_ly')),
  count(*) FILTER (WHERE l.status IN ('dang_xu_ly', 'da_chuyen')),
  count(*) FILTER (WHERE l.status IN %(open)s AND l.deadline >= %(now)s AND l.deadline < %(soon)s),
  count(*) FILTER (WHERE l.status IN %(open)s AND l.deadline < %(now)s),
  count(*) FILTER (WHERE l.status = 'hoan_thanh' AND (l.deadline IS NULL OR l.completed_at <= l.deadline)),
  count(*) FILTER (WHERE l.status = 'hoan_thanh' AND l.completed_at > l.deadline),
  count(*) FILTER (WHERE l.status = 'tra_lai')
FROM work_assignmentline l
LEFT JOIN people_position p ON p.user_id = l.assignee_user_id AND p.agency_id = l.assignee_agency_id
WHERE l.role IN ('lead', 'co') AND l.assigned_at >= %(start)s AND l.assigned_at < %(end)s
GROUP BY 1, 2, 3
"""
SLUGS = ("waiting", "processing", "due_soon", "overdue", "on_time", "late", "returned")


def brute_board(vendor: str, start: datetime, end: datetime, now: datetime, soon: datetime) -> dict[str, Any]:
    """Board counts by SQL straight over the raw lines and the people's posts (not the facts)."""
    from django.db import connection

    # SQLite has had aggregate FILTER clauses since 3.30: one statement for both databases.
    sql = BRUTE_BOARD.replace("%(open)s", "(" + ", ".join(f"'{s}'" for s in OPEN) + ")")
    params: dict[str, Any] = {"start": start, "end": end, "now": now, "soon": soon}
    if vendor != "postgresql":
        # SQLite compares Django's naive-UTC text form.
        params = {k: v.astimezone(UTC).replace(tzinfo=None).isoformat(" ") for k, v in params.items()}
    agencies: dict[int, list[int]] = defaultdict(lambda: [0] * 7)
    persons: dict[str, list[int]] = defaultdict(lambda: [0] * 7)
    units: dict[int, list[int]] = defaultdict(lambda: [0] * 7)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for agency, user, unit, *counts in cursor.fetchall():
            targets = [agencies[agency]]
            if user is not None:
                targets.append(persons[f"person:{agency}:{user}"])
            if unit is not None:
                targets.append(units[unit])
            for target in targets:
                for i, count in enumerate(counts):
                    target[i] += int(count or 0)
    return {"agencies": dict(agencies), "people": dict(persons), "units": dict(units)}


def nearest(values: list[int], fraction: float) -> int | None:
    values = sorted(values)
    return values[max(1, math.ceil(fraction * len(values))) - 1] if values else None


def month_of(moment: datetime) -> datetime:
    """The start of the local month of a moment, as the trend labels its points."""
    from eoffice.workcalendar.engine import LOCAL_TZ

    return datetime.combine(moment.astimezone(LOCAL_TZ).date().replace(day=1), datetime.min.time(), LOCAL_TZ)


def brute_ranking(start: datetime, end: datetime, *, by_month: bool = False) -> dict[Any, dict[str, Any]]:
    """Per agency (or per local month of assignment): counts from the raw lines; percentiles and
    delays over every stored duration. Per month, every month with a line, handled or not."""
    from eoffice.oversight.models import LineFact
    from eoffice.work.models import AssignmentLine

    lines = AssignmentLine.objects.filter(
        role__in=["lead", "co"], assigned_at__gte=start, assigned_at__lt=end
    )
    if not by_month:
        lines = lines.filter(status="hoan_thanh")
    counts: dict[Any, list[int]] = defaultdict(lambda: [0, 0])
    for agency, assigned, status, deadline, completed in lines.values_list(
        "assignee_agency_id", "assigned_at", "status", "deadline", "completed_at"
    ).iterator(chunk_size=50_000):
        key = month_of(assigned) if by_month else agency
        pair = counts[key]  # a month with only open lines is still a point of the trend
        if status == "hoan_thanh":
            assert completed is not None
            pair[0 if deadline is None or completed <= deadline else 1] += 1
    work: dict[Any, list[int]] = defaultdict(list)
    opened: dict[Any, list[int]] = defaultdict(list)
    delays: dict[Any, list[int]] = defaultdict(list)
    facts = LineFact.objects.filter(assigned_at__gte=start, assigned_at__lt=end)
    field = "assigned_at" if by_month else "agency_id"
    rows = facts.values_list(field, "outcome", "work_seconds", "open_seconds", "late_seconds")
    for value, outcome, work_s, open_s, late_s in rows.iterator(chunk_size=50_000):
        point: Any = month_of(value) if by_month else value
        if outcome in ("on_time", "late"):
            work[point].append(work_s or 0)
        if open_s is not None:
            opened[point].append(open_s)
        if outcome == "late":
            delays[point].append(late_s or 0)
    result = {}
    for agency, (on_time, late) in counts.items():
        result[agency] = {
            "handled": on_time + late,
            "on_time": on_time,
            "late": late,
            "on_time_rate": on_time / (on_time + late) if on_time + late else None,
            "median_seconds": nearest(work[agency], 0.5),
            "p90_seconds": nearest(work[agency], 0.9),
            "open_median_seconds": nearest(opened[agency], 0.5),
            "average_delay_seconds": sum(delays[agency]) / len(delays[agency]) if delays[agency] else None,
        }
    return result


def durations_match_calendar(sample: int) -> bool:
    """Stored durations of a random sample of finished lines equal the calendar's, recomputed."""
    from eoffice.oversight.models import LineFact
    from eoffice.workcalendar.loader import get_calendar

    calendar = get_calendar()
    ids = list(
        LineFact.objects.filter(outcome__in=["on_time", "late"]).values_list("pk", flat=True)[:200_000]
    )
    chosen = random.Random(3).sample(ids, min(sample, len(ids)))
    for fact in LineFact.objects.filter(pk__in=chosen).select_related("line"):
        line = fact.line
        assert line.completed_at is not None
        expected = int(calendar.working_time_between(line.assigned_at, line.completed_at).total_seconds())
        if fact.work_seconds != expected:
            return False
    return bool(chosen)


def compare(
    vendor: str, board: Any, ranking: Any, trend: Any, period: Any, now: datetime, window: timedelta
) -> dict[str, bool]:
    """Every figure of one board and one ranking against the brute-force recomputations."""
    expected = brute_board(vendor, period.start, period.end, now, now + window)
    got_agencies = {row.agency_id: [row.counts[s] for s in SLUGS] for row in board.agencies}
    got_people = {row.key: [row.counts[s] for s in SLUGS] for row in board.people}
    got_units = {int(row.key.split(":")[1]): [row.counts[s] for s in SLUGS] for row in board.units}
    total_expected = [sum(c[i] for c in expected["agencies"].values()) for i in range(7)]
    got_ranking = {r.agency_id: r.figures.as_dict() for r in ranking}
    rates = [r.figures.on_time_rate or 0.0 for r in ranking]
    return {
        "board_agencies_equal_brute_force": got_agencies == expected["agencies"],
        "board_people_equal_brute_force": got_people == expected["people"],
        "board_units_equal_brute_force": got_units == expected["units"],
        "board_total_equal_brute_force": [board.total.counts[s] for s in SLUGS] == total_expected,
        "ranking_equal_brute_force": got_ranking == brute_ranking(period.start, period.end)
        and len(ranking) > 0,
        "ranking_ordered_by_on_time_rate": rates == sorted(rates, reverse=True),
        "monthly_trend_equal_brute_force": {bucket: f.as_dict() for bucket, f in trend}
        == brute_ranking(period.start, period.end, by_month=True)
        and [bucket for bucket, _ in trend] == sorted(bucket for bucket, _ in trend)
        and len(trend) > 0,
    }


def fill(total: int, agencies: int, vendor: str, now: datetime) -> tuple[Any, float, float]:
    """The province, its lines and facts (COPY), then the rollups built from the facts by the
    function `oversight_refresh_facts --rollups` runs. Returns (office leader's position, fill
    seconds, rollup seconds)."""
    from django.db import connection

    from eoffice.oversight import rollup

    started = time.perf_counter()
    position, people = make_province(agencies)
    load(vendor, generate(total, people, now))
    loaded = time.perf_counter()
    rollup.rebuild()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE oversight_monthsummary" if vendor == "postgresql" else "ANALYZE")
        if vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE oversight_durationhistogram")
    return position, loaded - started, time.perf_counter() - loaded


def run(total: int, agencies: int, vendor: str, out: Path | None, reuse: bool) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    from eoffice.core.actor import Actor
    from eoffice.directory.models import Agency
    from eoffice.oversight import policies, selectors, stats
    from eoffice.oversight.filters import Filters
    from eoffice.people.models import Position

    call_command("migrate", verbosity=0)
    now = local(2026, 1, 5, 10, 0)
    fill_s = rollup_s = 0.0
    if reuse and Position.objects.filter(user__username="chanhvanphong").exists():
        position = Position.objects.get(user__username="chanhvanphong")
    else:
        position, fill_s, rollup_s = fill(total, agencies, vendor, now)
    actor = Actor(user=position.user, position=position)
    scope = policies.board_scope(actor)
    names = dict(Agency.objects.values_list("pk", "name"))
    year = Filters(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))
    board, board_times = timed(lambda: selectors.board(actor, year, now=now), 5)
    ranking, ranking_times = timed(lambda: stats.ranking(scope.agency_ids, year, names), 3)
    # A period that cuts two months: their parts are read from the facts, the rest from the rollups.
    cut = Filters(date_from=date(2025, 3, 15), date_to=date(2025, 9, 14))
    cut_board, cut_board_times = timed(lambda: selectors.board(actor, cut, now=now), 1)
    cut_ranking, cut_ranking_times = timed(lambda: stats.ranking(scope.agency_ids, cut, names), 1)
    trend, trend_times = timed(lambda: stats.scope_trend(scope.agency_ids, year, by="month"), 3)
    cut_trend, cut_trend_times = timed(lambda: stats.scope_trend(scope.agency_ids, cut, by="month"), 1)

    figures = {
        "database": vendor,
        "lines": total,
        "agencies": agencies,
        "load_seconds": round(fill_s, 1),
        "rollup_build_seconds": round(rollup_s, 1),
        "board_seconds_p50": round(statistics.median(board_times), 3),
        "board_seconds_max": round(max(board_times), 3),
        "ranking_seconds_p50": round(statistics.median(ranking_times), 3),
        "ranking_seconds_max": round(max(ranking_times), 3),
        "cut_period_board_seconds": round(cut_board_times[0], 3),
        "cut_period_ranking_seconds": round(cut_ranking_times[0], 3),
        "monthly_trend_seconds_p50": round(statistics.median(trend_times), 3),
        "monthly_trend_seconds_max": round(max(trend_times), 3),
        "cut_period_monthly_trend_seconds": round(cut_trend_times[0], 3),
        "board_rows": len(board.agencies) + len(board.units) + len(board.people),
        "overdue_total": board.total.counts["overdue"],
    }
    checks = compare(vendor, board, ranking, trend, year, now, selectors.window())
    cut_checks = compare(vendor, cut_board, cut_ranking, cut_trend, cut, now, selectors.window())
    checks.update({f"cut_period_{name}": ok for name, ok in cut_checks.items()})
    checks["stored_durations_equal_calendar"] = durations_match_calendar(SAMPLE)
    return report(
        f"Reports benchmark ({vendor}, {total:,} lines, {agencies:,} agencies, one year)",
        figures,
        {
            "board_seconds_p50": ["<=", TARGET_SECONDS],
            "ranking_seconds_p50": ["<=", TARGET_SECONDS],
            "monthly_trend_seconds_p50": ["<=", TARGET_SECONDS],
        },
        checks,
        out,
    )


def kept_database() -> str:
    """Point DATABASE_URL at the PostgreSQL database a run with --keep left (EOFFICE_BENCH_DB)."""
    url, name = os.environ.get("DATABASE_URL", ""), os.environ.get("EOFFICE_BENCH_DB", "")
    if not (is_postgres_url(url) and name):
        raise SystemExit(
            "--reuse needs DATABASE_URL (PostgreSQL) and EOFFICE_BENCH_DB naming the kept database"
        )
    os.environ["DATABASE_URL"] = urlunparse(urlparse(url)._replace(path=f"/{name}"))
    return "postgresql"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 lines over 200 agencies")
    parser.add_argument("--lines", type=int, default=None)
    parser.add_argument("--agencies", type=int, default=None)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL bench database")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure again on the database kept by --keep (EOFFICE_BENCH_DB) without filling it",
    )
    args = parser.parse_args()
    total = args.lines or (100_000 if args.quick else 5_000_000)
    agencies = args.agencies or (200 if args.quick else 2_000)
    if args.reuse:
        return run(total, agencies, kept_database(), out=args.out, reuse=True)
    with tempfile.TemporaryDirectory(prefix="eoffice-bench-") as tmp:
        vendor, drop = throwaway_database(Path(tmp), "reports")
        try:
            return run(total, agencies, vendor, out=args.out, reuse=args.reuse)
        finally:
            if not args.keep:
                drop()


if __name__ == "__main__":
    sys.exit(main())
