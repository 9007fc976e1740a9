"""A child created under C while C's ancestor is being moved: the tree lock keeps paths right.

Without it, on PostgreSQL the move's sub-tree UPDATE waits for C's row lock, then misses the new
child (inserted after the UPDATE's snapshot) and leaves it with a stale path."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import close_old_connections, connection

from eoffice.core.actor import Actor
from eoffice.directory import services
from eoffice.directory.models import Agency
from eoffice.directory.services import agencies as agency_services
from eoffice.testing.cast import Cast
from eoffice.testing.locks import retry_locked


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_create_under_a_subtree_being_moved_keeps_paths(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    su = Actor(user=cast.superuser)
    middle = services.agency_create(actor=su, code="000.00.31.H99", name="Chi cục", parent=cast.agency_a)
    inserted = threading.Event()
    real_record = agency_services.record_event

    def slow_record(agency: Agency, kind: str, **kwargs: Any) -> Any:
        event = real_record(agency, kind, **kwargs)
        if kind == "created" and agency.code == "000.00.32.H99":
            inserted.set()
            time.sleep(1.0)  # keep the new child uncommitted while the move runs
        return event

    monkeypatch.setattr(agency_services, "record_event", slow_record)
    errors: list[str] = []

    def create() -> None:
        try:
            retry_locked(
                lambda: services.agency_create(actor=su, code="000.00.32.H99", name="Trạm", parent=middle)
            )
        except Exception as exc:  # pragma: no cover - shown by the assertion
            errors.append(repr(exc))
        finally:
            close_old_connections()
            connection.close()

    def move() -> None:
        try:
            inserted.wait(timeout=30)
            retry_locked(
                lambda: services.agency_move(actor=su, agency=cast.agency_a, new_parent=cast.agency_b)
            )
        except Exception as exc:  # pragma: no cover
            errors.append(repr(exc))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=create), threading.Thread(target=move)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    for agency in Agency.objects.select_related("parent"):
        expected = f"{agency.parent.tree_path if agency.parent else '/'}{agency.pk}/"
        assert agency.tree_path == expected, agency.code
    child = Agency.objects.get(code="000.00.32.H99")
    assert child.tree_path.startswith(Agency.objects.get(pk=cast.agency_b.pk).tree_path)
