"""Two transactions whose rollup changes meet on the same rows in opposite orders: both succeed and
no count is lost or counted twice. On PostgreSQL the two are held side by side after their first
line, so each has changed one person's counters before it changes the other's."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from eoffice.core.audit import GENESIS
from eoffice.core.models import AuditChainHead
from eoffice.oversight import facts, rollup, rollup_deltas
from eoffice.oversight.models import MonthSummary
from eoffice.testing.cast import Cast
from eoffice.testing.locks import retry_locked
from eoffice.work import engine, services
from eoffice.work.models import AssignmentLine, WorkItem
from eoffice.work.services import LineSpec
from eoffice.work.statuses import ItemKind, LineRole, LineStatus

from .conftest import actor_of, make_line
from .test_rollup import _snapshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def audit_head(transactional_db: None) -> None:
    # A transactional test's flush removes the migration-seeded chain head (see people's conftest).
    AuditChainHead.objects.get_or_create(pk=1, defaults={"seq": 0, "last_hash": GENESIS})


def _item(cast: Cast) -> WorkItem:
    return WorkItem.objects.create(
        agency=cast.agency_a,
        kind=ItemKind.INCOMING_DOCUMENT,
        title="Việc giao song song",
        arrived_at=timezone.now(),
        urgency="normal",
    )


def _holder() -> Callable[[], None]:
    """Stop each worker once (after its first line's changes) until both are there. Only on
    PostgreSQL: SQLite has one writer, so the second transaction cannot begin meanwhile."""
    both = threading.Barrier(2, timeout=30)
    held = threading.local()

    def hold() -> None:
        if connection.vendor != "postgresql" or getattr(held, "done", False):
            return
        held.done = True
        both.wait()

    return hold


def _run_side_by_side(work: Callable[[Any], None], arguments: list[Any]) -> list[str]:
    """Run `work(argument)` in one thread (its own connection) per argument; the errors raised."""
    errors: list[str] = []

    def run(argument: Any) -> None:
        try:
            retry_locked(lambda: work(argument))
        except Exception as exc:  # pragma: no cover - shown by the callers' assertions
            errors.append(repr(exc))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def _hold_after_first_line(monkeypatch: pytest.MonkeyPatch) -> None:
    hold = _holder()

    # Observers run in registration order: this one after oversight's.
    monkeypatch.setitem(engine._OBSERVERS, "tests.hold_after_first_line", lambda line: hold())


def test_assignments_in_opposite_orders_both_succeed_and_stay_exact(
    audit_head: None, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = cast.specialist_a, cast.unit_head_a
    now = timezone.now()
    for user in (first, second):
        # Both people already have a counter row this month: the changes are updates of existing rows.
        make_line(agency=cast.agency_a, user=user, status=LineStatus.CHO_TIEP_NHAN, assigned_at=now)
    orders = [(first, second), (second, first)]
    items = [_item(cast) for _ in orders]
    _hold_after_first_line(monkeypatch)

    def assign(work: tuple[WorkItem, tuple[Any, Any]]) -> None:
        item, order = work
        specs = [LineSpec.person(LineRole.LEAD, order[0].pk), LineSpec.person(LineRole.CO, order[1].pk)]
        services.lines_assign(item=item, specs=specs, actor=actor_of(cast, cast.leader_a))

    assert _run_side_by_side(assign, list(zip(items, orders, strict=True))) == []
    assert AssignmentLine.objects.filter(item__in=items).count() == 4
    waiting = MonthSummary.objects.filter(user_id__in=[first.pk, second.pk]).values_list("user_id", "waiting")
    assert sorted(waiting) == sorted([(first.pk, 3), (second.pk, 3)])
    kept = _snapshot()
    rollup.rebuild()
    assert _snapshot() == kept


def test_fact_changes_in_opposite_orders_through_the_observer(audit_head: None, cast: Cast) -> None:
    """The rows-only case, with no other lock involved: each transaction starts work on one line of
    each of two people (the observer's entry point, as the engine calls it), in opposite orders."""
    first, second = cast.specialist_a, cast.unit_head_a
    now = timezone.now()
    lines = {
        (user.pk, n): make_line(agency=cast.agency_a, user=user, status=LineStatus.CHO_XU_LY, assigned_at=now)
        for user in (first, second)
        for n in range(2)
    }
    hold = _holder()

    def start(pair: list[AssignmentLine]) -> None:
        with transaction.atomic():
            for index, line in enumerate(pair):
                line.status = LineStatus.DANG_XU_LY
                line.save(update_fields=["status"])
                facts.line_changed(line)
                if index == 0:
                    hold()

    orders = [
        [lines[(first.pk, 0)], lines[(second.pk, 0)]],
        [lines[(second.pk, 1)], lines[(first.pk, 1)]],
    ]
    assert _run_side_by_side(start, orders) == []
    counts = MonthSummary.objects.filter(user_id__in=[first.pk, second.pk])
    assert sorted(counts.values_list("user_id", "waiting", "processing")) == sorted(
        [(first.pk, 0, 2), (second.pk, 0, 2)]
    )
    kept = _snapshot()
    rollup.rebuild()
    assert _snapshot() == kept


def _waiting(agency: int) -> int | None:
    return MonthSummary.objects.filter(agency_id=agency).values_list("waiting", flat=True).first()


def _key(agency: int) -> tuple[str, tuple[Any, ...]]:
    return ("summary", (agency, 0, 0, timezone.localdate().replace(day=1), "task", "normal", 0))


def _count(agency: int, waiting: int) -> None:
    rollup.apply({}, {_key(agency): {"waiting": waiting}})


def test_nothing_pending_outlives_its_transaction() -> None:
    """A transaction that rolls back, or whose connection closes, leaves nothing for the next."""
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        _count(1, 1)
        _ = 1 / 0
    with transaction.atomic():
        _count(2, 1)
        # Another write of the same transaction, made at once.
        rollup_deltas.write(transaction.get_connection(), {_key(20): {"waiting": 7}})
        connection.close()
    with transaction.atomic():
        _count(3, 1)
    assert (_waiting(1), _waiting(3)) == (None, 1)
    # PostgreSQL rolls the closed transaction back; the tests' in-memory SQLite is not closed by
    # close(), and the transaction commits. Either way its changes went with the rest of it.
    closed = connection.vendor == "postgresql"
    assert (_waiting(2), _waiting(20)) == ((None, None) if closed else (1, 7))


def test_two_transactions_creating_the_same_row_both_count() -> None:
    """The row is new to both: the second insert waits for the first transaction, then adds to the
    row it made (once done with a savepoint and a second update, now by the upsert itself)."""
    inserted = threading.Event()

    def write(amount: int) -> None:
        if amount != 1:
            assert inserted.wait(30)
            with transaction.atomic():
                _count(9, amount)
            return
        with transaction.atomic():
            # As this transaction's commit would: the row inserted and not yet committed.
            rollup_deltas.write(transaction.get_connection(), {_key(9): {"waiting": 1}})
            inserted.set()
            time.sleep(0.5)

    assert _run_side_by_side(write, [1, 2]) == []
    assert _waiting(9) == 3
