"""The monthly rollups stay exact: after random lines and real transitions through the engine's
services (reassign, return, complete late, open, deadline extension), the rows kept incrementally
equal a rebuild from the facts, and the board, totals and ranking read from them equal brute force
from the raw lines — for whole months, for a period cutting months, and for a period ending today."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from eoffice.oversight import rollup, selectors, stats, summaries
from eoffice.oversight.filters import Filters
from eoffice.oversight.models import (
    BUCKET_FIELDS,
    HISTOGRAM_KEY,
    SUMMARY_COUNTS,
    SUMMARY_KEY,
    DurationHistogram,
    MonthSummary,
)
from eoffice.testing.cast import Cast
from eoffice.work import services
from eoffice.work.models import AssignmentLine
from eoffice.work.services import LineSpec
from eoffice.work.statuses import ItemKind, LineRole, LineStatus
from eoffice.workcalendar.engine import LOCAL_TZ
from eoffice.workcalendar.loader import get_calendar

from . import brute
from .conftest import actor_of, make_line

pytestmark = pytest.mark.django_db

STATUSES = [
    LineStatus.CHO_TIEP_NHAN,
    LineStatus.CHO_XU_LY,
    LineStatus.DANG_XU_LY,
    LineStatus.DA_CHUYEN,
    LineStatus.HOAN_THANH,
    LineStatus.HOAN_THANH,
    LineStatus.TRA_LAI,
    LineStatus.THU_HOI,
]


def _months_back(day: date, n: int) -> date:
    month = day.replace(day=1)
    for _ in range(n):
        month = (month - timedelta(days=1)).replace(day=1)
    return month


def _snapshot() -> dict[tuple[Any, ...], dict[str, int]]:
    """Every non-zero rollup counter, keyed by its row's key."""
    found: dict[tuple[Any, ...], dict[str, int]] = {}
    tables = (
        ("summary", MonthSummary.objects.values(), SUMMARY_KEY, SUMMARY_COUNTS),
        ("histogram", DurationHistogram.objects.values(), HISTOGRAM_KEY, BUCKET_FIELDS),
    )
    for table, rows, key, columns in tables:
        for values in rows:
            row: dict[str, Any] = dict(values)
            counts = {name: row[name] for name in columns if row[name]}
            if counts:
                found[(table, *(row[k] for k in key))] = counts
    return found


def _random_lines(cast: Cast, rng: random.Random, now: datetime, count: int) -> None:
    people: list[dict[str, Any]] = [
        {"user": cast.specialist_a, "agency": cast.agency_a},
        {"user": cast.unit_head_a, "agency": cast.agency_a},
        {"user": cast.leader_a, "agency": cast.agency_a},
        {"unit": cast.unit_a, "agency": cast.agency_a},
        {"user": cast.clerk_b, "agency": cast.agency_b},
    ]
    first = datetime.combine(_months_back(now.date(), 4), datetime.min.time(), LOCAL_TZ)
    span = int((now - first).total_seconds() // 60) - 1
    for _ in range(count):
        start = first + timedelta(minutes=rng.randrange(span))
        deadline = None if rng.random() < 0.2 else start + timedelta(hours=rng.randrange(1, 24 * 20))
        opened = None if rng.random() < 0.3 else min(start + timedelta(minutes=rng.randrange(1, 3000)), now)
        make_line(
            status=rng.choice(STATUSES),
            role=rng.choice([LineRole.LEAD, LineRole.CO, LineRole.INFO]),
            assigned_at=start,
            deadline=deadline,
            completed_at=min(start + timedelta(minutes=rng.randrange(1, 40000)), now),
            first_opened_at=opened,
            urgency=rng.choice(["normal", "khan"]),
            kind=rng.choice([ItemKind.INCOMING_DOCUMENT, ItemKind.TASK]),
            **rng.choice(people),
        )


def _transitions(cast: Cast, now: datetime) -> None:
    """One of each change the rollups must follow, through the engine's real services."""
    specialist, leader = actor_of(cast, cast.specialist_a), actor_of(cast, cast.leader_a)
    unit_head = actor_of(cast, cast.unit_head_a)
    ago = now - timedelta(days=9)
    mine: dict[str, Any] = {"agency": cast.agency_a, "user": cast.specialist_a}
    late = make_line(status=LineStatus.DANG_XU_LY, assigned_at=ago, deadline=now - timedelta(days=2), **mine)
    services.line_open(line=late, actor=specialist)
    services.line_complete(line=late, actor=specialist, note="Xong muộn")
    back = make_line(
        status=LineStatus.CHO_XU_LY, assigned_at=ago, agency=cast.agency_a, user=cast.unit_head_a
    )
    services.line_return(line=back, reason="Không đúng thẩm quyền", actor=unit_head)
    moved = make_line(
        status=LineStatus.CHO_TIEP_NHAN, assigned_at=ago, deadline=now + timedelta(days=3), **mine
    )
    services.line_recall(line=moved, actor=leader, note="Giao lại")
    services.lines_assign(
        item=moved.item, specs=[LineSpec.person(LineRole.LEAD, cast.unit_head_a.pk)], actor=leader
    )
    extended = make_line(
        status=LineStatus.DANG_XU_LY, assigned_at=ago, deadline=now - timedelta(days=1), **mine
    )
    request = services.extension_request(
        line=extended, proposed_deadline=now + timedelta(hours=5), reason="Chờ số liệu", actor=specialist
    )
    services.extension_decide(request=request, approve=True, actor=leader)


def _periods(now: datetime) -> dict[str, Filters]:
    today = timezone.localdate(now)
    first, last = _months_back(today, 3), _months_back(today, 0) - timedelta(days=1)
    cut = (first + timedelta(days=14), _months_back(today, 1) + timedelta(days=9))
    return {
        "whole_months": Filters(date_from=first, date_to=last),
        "cut_months": Filters(date_from=cut[0], date_to=cut[1]),
        "to_today": Filters(date_from=_months_back(today, 2), date_to=today),
    }


def _expected_trend(lines: list[AssignmentLine]) -> list[tuple[datetime, dict[str, Any]]]:
    """Figures per local month of assignment of raw lines: every month that has a line."""
    months: dict[date, list[AssignmentLine]] = {}
    for line in lines:
        months.setdefault(timezone.localtime(line.assigned_at, LOCAL_TZ).date().replace(day=1), []).append(
            line
        )
    return [
        (datetime.combine(month, time(0), LOCAL_TZ), brute.expected_figures(months[month]))
        for month in sorted(months)
    ]


def _trend(agency_ids: set[int], period: Filters) -> list[tuple[datetime, dict[str, Any]]]:
    return [
        (bucket, figures.as_dict()) for bucket, figures in stats.scope_trend(agency_ids, period, by="month")
    ]


def _check_against_brute_force(cast: Cast, now: datetime) -> None:
    actor = actor_of(cast, cast.leader_a)
    window = selectors.window()
    for name, period in _periods(now).items():
        lines_a = brute.raw_lines({cast.agency_a.pk}, period.start, period.end)
        board = selectors.board(actor, period, now=now)
        assert brute.board_as_dict(board) == brute.expected_board(lines_a, now, window), name
        assert stats.total({cast.agency_a.pk}, period).as_dict() == brute.expected_figures(lines_a), name
        both = {cast.agency_a.pk, cast.agency_b.pk}
        lines = brute.raw_lines(both, period.start, period.end)
        ranked = {entry.agency_id: entry.figures.as_dict() for entry in stats.ranking(both, period, {})}
        expected = {
            agency: brute.expected_figures([x for x in lines if x.assignee_agency_id == agency])
            for agency in both
        }
        assert ranked == {agency: figures for agency, figures in expected.items() if figures["handled"]}, name
        # The monthly trend from the rollups: the brute-force figures of each month's lines, and
        # the trend read from the facts, bucket for bucket.
        assert _trend(both, period) == _expected_trend(lines), name
        from_facts = stats.trend(selectors.facts_in(both, period), "month")
        assert _trend(both, period) == [(bucket, figures.as_dict()) for bucket, figures in from_facts], name
        # Filters narrow the rollup rows the same way they narrow the facts.
        narrowed = Filters(date_from=period.date_from, date_to=period.date_to, urgency="khan", kind="task")
        chosen = [x for x in lines_a if x.item.urgency == "khan" and x.kind == "task"]
        board = selectors.board(actor, narrowed, now=now)
        assert brute.board_as_dict(board) == brute.expected_board(chosen, now, window), name
        assert stats.total({cast.agency_a.pk}, narrowed).as_dict() == brute.expected_figures(chosen), name
        assert _trend({cast.agency_a.pk}, narrowed) == _expected_trend(chosen), name
        # A unit: the board from the rollups, the figures from the facts (no histogram per unit).
        unit = Filters(date_from=period.date_from, date_to=period.date_to, unit_id=cast.unit_a.pk)
        in_unit = [x for x in lines_a if brute.unit_of(x) == cast.unit_a.pk]
        board = selectors.board(actor, unit, now=now)
        assert brute.board_as_dict(board) == brute.expected_board(in_unit, now, window), name
        assert stats.total({cast.agency_a.pk}, unit).as_dict() == brute.expected_figures(in_unit), name
        assert _trend({cast.agency_a.pk}, unit) == _expected_trend(in_unit), name


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rollups_follow_every_change_and_equal_brute_force(cast: Cast, seed: int) -> None:
    rng = random.Random(seed)
    now = timezone.now()
    _random_lines(cast, rng, now, 45)
    _transitions(cast, now)
    now = timezone.now()
    kept = _snapshot()
    assert kept, "the lines made rollup rows"
    rollup.rebuild()
    assert _snapshot() == kept
    _check_against_brute_force(cast, now)


def test_both_ways_of_reading_a_month_are_exercised(cast: Cast) -> None:
    """A period cutting a month with lines outside the period reads that part from the facts; a
    month with nothing outside the period is read from the rollups."""
    now = timezone.now()
    _random_lines(cast, random.Random(9), now, 60)
    periods = _periods(now)
    ids = [cast.agency_a.pk, cast.agency_b.pk]
    assert summaries.plan(ids, periods["whole_months"]).parts == ()
    assert len(summaries.plan(ids, periods["cut_months"]).parts) == 2
    assert summaries.plan(ids, periods["to_today"]).parts == ()


def test_rebuild_counts_lines_written_around_the_engine(cast: Cast) -> None:
    """Facts loaded without the observer (as the benchmark does) are counted by the rebuild the
    refresh command runs."""
    now = timezone.now()
    _random_lines(cast, random.Random(4), now, 20)
    kept = _snapshot()
    MonthSummary.objects.all().delete()
    DurationHistogram.objects.all().delete()
    call_command("oversight_refresh_facts", rollups_only=True, verbosity=0)
    assert _snapshot() == kept
    assert AssignmentLine.objects.count() >= 20


def test_exact_value_inside_a_crowded_bucket(cast: Cast) -> None:
    """Many durations in one histogram bucket: the median and p90 are the exact ranked values
    inside it, not the bucket's bounds."""
    today = timezone.localdate()
    day = get_calendar().next_working_day(_months_back(today, 1))
    start = datetime.combine(day, time(8, 0), LOCAL_TZ)
    rng = random.Random(5)
    for index in range(29):
        took = timedelta(seconds=rng.randrange(1, 290))
        make_line(
            agency=cast.agency_a if index % 3 else cast.agency_b,
            user=cast.specialist_a if index % 3 else cast.clerk_b,
            status=LineStatus.HOAN_THANH,
            assigned_at=start + timedelta(seconds=index),
            deadline=start + timedelta(hours=1),
            completed_at=start + timedelta(seconds=index) + took,
            first_opened_at=start + timedelta(seconds=index) + took / 2,
        )
    period = Filters(date_from=_months_back(today, 1), date_to=today)
    both = {cast.agency_a.pk, cast.agency_b.pk}
    lines = brute.raw_lines(both, period.start, period.end)
    assert stats.total(both, period).as_dict() == brute.expected_figures(lines)
    ranked = {entry.agency_id: entry.figures.as_dict() for entry in stats.ranking(both, period, {})}
    assert ranked == {
        agency: brute.expected_figures([x for x in lines if x.assignee_agency_id == agency])
        for agency in both
    }
    assert _trend(both, period) == _expected_trend(lines)


def test_a_histogram_out_of_step_with_the_facts_is_an_error_not_a_wrong_figure(cast: Cast) -> None:
    now = timezone.now()
    _random_lines(cast, random.Random(6), now, 30)
    period = _periods(now)["whole_months"]
    assert stats.total({cast.agency_a.pk}, period).handled > 0
    row = (
        DurationHistogram.objects.filter(agency_id=cast.agency_a.pk, measure="work").order_by("month").first()
    )
    assert row is not None
    DurationHistogram.objects.filter(pk=row.pk).update(b117=F("b117") + 50)
    with pytest.raises(summaries.RollupOutOfStep):
        stats.total({cast.agency_a.pk}, Filters(date_from=row.month, date_to=period.date_to))
    with pytest.raises(summaries.RollupOutOfStep):
        stats.scope_trend(
            {cast.agency_a.pk}, Filters(date_from=row.month, date_to=period.date_to), by="month"
        )
    call_command("oversight_refresh_facts", rollups_only=True, verbosity=0)
    assert stats.total({cast.agency_a.pk}, period).handled > 0


def test_a_province_sized_list_of_agencies_reads_the_same(cast: Cast) -> None:
    """Past a few dozen agencies the ids travel as one array parameter on PostgreSQL
    (`cohort.among`); the figures are those of the short list."""
    now = timezone.now()
    _random_lines(cast, random.Random(8), now, 30)
    period = _periods(now)["to_today"]
    both = {cast.agency_a.pk, cast.agency_b.pk}
    many = both | set(range(10**6, 10**6 + 80))
    assert stats.ranking(many, period, {}) == stats.ranking(both, period, {})
    assert stats.total(many, period) == stats.total(both, period)
    assert stats.scope_trend(many, period, by="month") == stats.scope_trend(both, period, by="month")
    groups = summaries.board_groups(many, period, None, now=now)
    assert groups == summaries.board_groups(both, period, None, now=now) and groups
