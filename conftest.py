"""Project-wide pytest set-up.

- `cast`: the standing cast every authorisation test starts from (see eoffice.testing.cast).
- Under CI=true a skipped test is a failed test: nothing may skip for a missing tool or service.
"""

from __future__ import annotations

import os

import pytest

from eoffice.testing.cast import Cast, build_cast

# Browser fixtures (chromium, page, phone_page), shared by every app's browser tests; the xdist
# scheduler that keeps the tests of one costly session fixture in one worker.
pytest_plugins = ["eoffice.testing.browser", "eoffice.testing.xdist_groups"]

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """Live-server request threads close their database connection when the request ends.

    With the production CONN_MAX_AGE a thread kept it while its client held the HTTP connection
    open (the exchange's sender keeps one alive per peer), so on PostgreSQL the test database
    could not be dropped at the end: "being accessed by other users"."""
    from django.conf import settings

    for database in settings.DATABASES.values():
        database["CONN_MAX_AGE"] = 0


# Playwright's sync API runs an asyncio loop in the main thread; from then on Django's
# thread-critical connection handler keeps connections per context, and the fresh connection
# objects lack the serialized copy of the migrated database that serialized rollback restores.
_SERIALIZED_DB: dict[str, str] = {}


@pytest.fixture(scope="session", autouse=True)
def _remember_serialized_database(django_db_setup: None, django_db_blocker: object) -> None:
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            _SERIALIZED_DB[alias] = contents


def _reattach_serialized_database() -> None:
    if not _SERIALIZED_DB:
        return
    from django.db import connections

    for alias, contents in _SERIALIZED_DB.items():
        connection = connections[alias]
        if not hasattr(connection, "_test_serialized_contents"):
            connection._test_serialized_contents = contents  # type: ignore[attr-defined]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    _reattach_serialized_database()
    # Each test starts in the installation's language, as each request does: the test client's
    # requests run in this thread, and LocaleMiddleware leaves the last one's language active
    # (an "Accept-Language: en" test made a later test's Vietnamese text come out in English).
    from django.utils import translation

    translation.deactivate()


@pytest.hookimpl(tryfirst=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[object], request: pytest.FixtureRequest) -> None:
    # The first test of a browser module starts Playwright (a module-scoped fixture) after
    # pytest_runtest_setup, so its database fixture meets a fresh connection object: attach the
    # copy again just before that fixture restores it, or the restore is silently skipped.
    if fixturedef.argname == "_django_db_helper":
        _reattach_serialized_database()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    # The teardown flush checks the same attribute to skip post_migrate (which would recreate
    # content types that the next restore then inserts a second time).
    _reattach_serialized_database()
    # A test that pushed to the live server leaves the sender's connection open, and a server
    # thread waiting on it; were it to end only after the server stopped (at the end of the run),
    # closing the server's shared in-memory SQLite connection would raise a thread-sharing error.
    from eoffice.exchange import push

    push.close_sessions()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which is not allowed: {report.longrepr}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Transactional tests (live server, browser, concurrency) flush the database when they end,
    which also removes rows that migrations seed (audit chain head, document types, calendar
    make-up days). Serialized rollback restores the migrated state at the start of each such test,
    so no test depends on the order it runs in."""
    for item in items:
        names = getattr(item, "fixturenames", None)
        if names is None:
            continue
        marker = item.get_closest_marker("django_db")
        transactional = (
            "transactional_db" in names
            or "live_server" in names
            or bool(marker and marker.kwargs.get("transaction"))
        )
        if transactional and "django_db_serialized_rollback" not in names:
            names.append("django_db_serialized_rollback")
