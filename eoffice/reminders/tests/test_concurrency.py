"""Two automatic runs at the same moment (two workers, or a run overlapping the previous one):
each occasion is sent once, whichever run gets there first."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import time_machine
from django.db import IntegrityError, close_old_connections, connection, transaction

from eoffice.core.audit import GENESIS
from eoffice.core.models import AuditChainHead
from eoffice.notifications.models import Kind, Notification
from eoffice.reminders import automatic
from eoffice.reminders.models import OccasionKind, Reminder, ReminderOccasion
from eoffice.reminders.tests.conftest import SYSTEM, at, person_line
from eoffice.testing.cast import Cast
from eoffice.testing.locks import retry_locked


@pytest.fixture
def audit_head(transactional_db: None) -> None:
    # serialized_rollback may not find the migration-seeded chain head once Playwright ran (see people tests).
    AuditChainHead.objects.get_or_create(pk=1, defaults={"seq": 0, "last_hash": GENESIS})


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runs_at_once_send_each_occasion_once(
    audit_head: None, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    with time_machine.travel(at("2027-03-08 09:00"), tick=False):
        lines = [person_line(cast, at("2027-03-08 17:00"), title=f"Việc {n}") for n in range(3)]
    moment = at("2027-03-09 08:00")  # each line is one working day overdue
    both_read = threading.Barrier(2, timeout=30)
    real_send = automatic._send_line
    waited = threading.local()

    sent: list[str] = []

    def send_after_both_read(*args: Any) -> list[str]:
        # Both runs have listed the same due lines before either sends: the race the lock settles.
        if not getattr(waited, "done", False):
            waited.done = True
            both_read.wait()
        kinds = real_send(*args)
        # Counted per line, not from the run's result: a run that retry_locked starts again
        # after SQLite's "locked" would forget the lines it had already sent.
        sent.extend(kinds)
        return kinds

    monkeypatch.setattr(automatic, "_send_line", send_after_both_read)
    errors: list[str] = []

    def worker() -> None:
        try:
            retry_locked(lambda: automatic.reminders_run_due(actor=SYSTEM, now=moment))
        except Exception as exc:  # pragma: no cover - shown by the assertion below
            errors.append(repr(exc))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(sent) == 3  # split between the runs in any way, never more
    assert ReminderOccasion.objects.filter(kind=OccasionKind.OVERDUE).count() == 3
    for line in lines:
        line.refresh_from_db()
        assert line.reminder_count == 1
        assert list(Reminder.objects.filter(line=line).values_list("ordinal", flat=True)) == [1]
    assert Notification.objects.filter(kind=Kind.DEADLINE).count() == 3


@pytest.mark.django_db
def test_the_unique_occasion_is_enforced_by_the_database(cast: Cast) -> None:
    with time_machine.travel(at("2027-03-08 09:00"), tick=False):
        line = person_line(cast, at("2027-03-08 17:00"))
    when = at("2027-03-08 17:00")
    row = {"line": line, "kind": OccasionKind.DUE, "key": "2027-03-08T17:00:00+07:00"}
    ReminderOccasion.objects.create(**row, deadline=when, sent_at=when)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderOccasion.objects.create(**row, deadline=when, sent_at=when)
