"""A transaction's rollup changes are written when its outermost block ends, all at once and in one
order; a savepoint that rolls back takes its changes with it; a rebuild in the same transaction
does not count them twice. (Whole transactions rolling back: test_rollup_concurrency.)"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from eoffice.oversight import rollup
from eoffice.oversight.models import MonthSummary
from eoffice.testing.cast import Cast
from eoffice.work.statuses import LineStatus

from .conftest import make_line
from .test_rollup import _snapshot

pytestmark = pytest.mark.django_db
MONTH = date(2031, 5, 1)


class Boom(Exception):
    pass


def _count(agency: int, waiting: int) -> None:
    """What a new waiting line of (made-up) agency `agency` would add, through the observer's call."""
    rollup.apply({}, {("summary", (agency, 0, 0, MONTH, "task", "normal", 0)): {"waiting": waiting}})


def _written() -> dict[int, int]:
    return dict(MonthSummary.objects.filter(month=MONTH).values_list("agency_id", "waiting"))


def test_changes_are_written_when_the_outermost_block_ends() -> None:
    with transaction.atomic():
        _count(1, 1)
        with transaction.atomic():
            _count(1, 2)
            _count(2, 5)
        assert _written() == {}
        _count(2, -1)
    assert _written() == {1: 3, 2: 4}


def test_outside_a_transaction_a_change_is_written_at_once() -> None:
    _count(7, 1)
    assert _written() == {7: 1}


def test_a_savepoint_that_rolls_back_takes_its_changes_with_it() -> None:
    with transaction.atomic():
        _count(1, 1)
        with pytest.raises(Boom), transaction.atomic():
            _count(1, 10)
            with transaction.atomic():
                _count(2, 100)
            raise Boom
        _count(3, 1000)
    assert _written() == {1: 1, 3: 1000}
    with pytest.raises(Boom), transaction.atomic():
        _count(4, 1)
        raise Boom
    with transaction.atomic():
        _count(5, 1)
    assert _written() == {1: 1, 3: 1000, 5: 1}


def test_rows_are_written_in_one_order_whatever_the_order_of_the_changes() -> None:
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        for agency in (3, 1, 2, 1):
            _count(agency, 1)
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT INTO")]
    assert [sql.split("VALUES (")[1].split(",")[0] for sql in inserts] == ["1", "2", "3"]
    assert _written() == {1: 2, 2: 1, 3: 1}


def _line(cast: Cast, **kw: Any) -> None:
    make_line(agency=cast.agency_a, user=cast.specialist_a, assigned_at=timezone.now(), **kw)


def test_a_rebuild_in_the_same_transaction_does_not_count_twice(cast: Cast) -> None:
    with transaction.atomic():
        _line(cast, status=LineStatus.CHO_XU_LY)
        rollup.rebuild()
        _line(cast, status=LineStatus.DANG_XU_LY)
    kept = _snapshot()
    rollup.rebuild()
    assert _snapshot() == kept


def test_a_rebuild_that_rolls_back_leaves_the_changes_to_count(cast: Cast) -> None:
    with transaction.atomic():
        _line(cast, status=LineStatus.CHO_XU_LY)
        with pytest.raises(Boom), transaction.atomic():
            rollup.rebuild()
            raise Boom
    kept = _snapshot()
    assert kept
    rollup.rebuild()
    assert _snapshot() == kept
