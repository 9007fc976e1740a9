from __future__ import annotations

from collections.abc import Iterator

import pytest

from eoffice.workcalendar import loader


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    # Each test starts from the database, not from a calendar cached by the previous test.
    loader.invalidate()
    yield
    loader.invalidate()
