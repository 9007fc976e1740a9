"""Fixtures of the two-installation suite.

The installations are real processes with their own databases, created from this process's
DATABASE_URL (PostgreSQL when it names a server, SQLite files otherwise), so these tests use no
pytest-django database themselves. On a failure both installations' logs are copied to
var/test-artifacts/exchange/<test>/.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from eoffice.exchange.testing.pair import InstallationPair


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.failed:
        item.stash.setdefault(_FAILED, True)


_FAILED = pytest.StashKey[bool]()


@pytest.fixture(scope="module")
def pair(request: pytest.FixtureRequest) -> Iterator[InstallationPair]:
    installation_pair = InstallationPair(name=request.module.__name__.rsplit(".", 1)[-1]).start()
    failed = False
    try:
        yield installation_pair
    finally:
        failed = any(
            item.stash.get(_FAILED, False)
            for item in request.session.items
            if getattr(item, "module", None) is request.module
        )
        installation_pair.close(failed=failed)
