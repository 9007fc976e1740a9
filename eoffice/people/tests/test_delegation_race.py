"""Two requests delegating the same position at the same moment: the row lock lets only one through."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import OperationalError, close_old_connections, connection

from eoffice.core.errors import Conflict
from eoffice.people.models import Delegation
from eoffice.people.services import delegations as delegation_services
from eoffice.people.tests.helpers import actor_of, window


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_overlapping_delegations_only_one_wins(
    audit_head: None, cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = threading.Event()
    real_check = delegation_services._check_overlap

    def slow_check(*args: Any, **kwargs: Any) -> None:
        real_check(*args, **kwargs)
        # Hold the window open between "no overlap found" and the insert: without the lock the
        # other request would pass its own check here.
        checked.set()
        time.sleep(0.5)

    monkeypatch.setattr(delegation_services, "_check_overlap", slow_check)
    position = cast.position(cast.leader_a)
    starts_at, ends_at = window(1, 24)
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def create(delegate: Any) -> None:
        for _ in range(200):
            try:
                delegation_services.delegation_create(
                    actor=actor_of(cast.leader_a),
                    position=position,
                    delegate=delegate,
                    starts_at=starts_at,
                    ends_at=ends_at,
                )
                return
            except OperationalError as exc:
                # The in-memory SQLite test database (shared cache) answers "table is locked" at
                # once where the real file database waits (busy timeout); wait like it does.
                if connection.vendor != "sqlite" or "locked" not in str(exc):
                    raise
                time.sleep(0.05)
        raise AssertionError("the other writer never released the database")

    def attempt(delegate: Any) -> None:
        try:
            start.wait()
            create(delegate)
            outcomes.append("created")
        except Conflict:
            outcomes.append("conflict")
        except Exception as exc:  # pragma: no cover - shown in the assertion below
            outcomes.append(f"error: {exc!r}")
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=attempt, args=(d,)) for d in (cast.specialist_a, cast.unit_head_a)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert checked.is_set()
    assert sorted(outcomes) == ["conflict", "created"], outcomes
    assert Delegation.objects.filter(position=position).count() == 1
