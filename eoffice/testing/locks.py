"""Concurrency tests on both databases: retry a write the way a file database would wait."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError, connection

T = TypeVar("T")


def retry_locked(write: Callable[[], T], *, attempts: int = 400, pause: float = 0.05) -> T:
    """Run `write`; while SQLite says "database is locked", wait and run it again.

    The shared-cache in-memory SQLite test database answers "locked" at once where a file
    database would wait for the other writer (PostgreSQL waits on its row locks by itself), so a
    race test would fail on the test database's nature instead of the code under test.
    """
    for _attempt in range(attempts):
        try:
            return write()
        except OperationalError as exc:
            if connection.vendor != "sqlite" or "locked" not in str(exc):
                raise
            time.sleep(pause)
    raise AssertionError("the other writer never released the database")
