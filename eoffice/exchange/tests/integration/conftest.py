"""Fixtures of the two-installation suite.

The installations are real processes with their own databases, created from this process's
DATABASE_URL (PostgreSQL when it names a server, SQLite files otherwise), so these tests use no
pytest-django database themselves. On a failure both installations' logs are copied to
var/test-artifacts/exchange/suite_<xdist worker>/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from eoffice.exchange.testing import diagnosis
from eoffice.exchange.testing.pair import FAST_RETRIES, InstallationPair
from eoffice.exchange.testing.samples import SignedSample, signed_pdf

_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.failed:
        item.stash[_FAILED] = True
        # The pair's own account of itself, printed with the failure (CI keeps no shell to look).
        pair = _pair_of(item)
        if pair is not None:
            report.sections.append(("exchange harness", diagnosis.describe(pair)))


def _pair_of(item: pytest.Item) -> InstallationPair | None:
    """The pair a test reached through another fixture (`connected`, `peers`)."""
    for value in getattr(item, "funcargs", {}).values():
        if isinstance(value, InstallationPair):
            return value
    return None


@pytest.fixture(scope="session")
def signed_sample() -> SignedSample:
    # A smaller PDF than the benchmark's 1 MB: the tests are about behaviour, not size.
    return signed_pdf(200_000)


@pytest.fixture(scope="session")
def pair(request: pytest.FixtureRequest, signed_sample: SignedSample) -> Iterator[InstallationPair]:
    """One pair per test process, and every test that uses it in one process (see
    eoffice.testing.xdist_groups): the modules share it (each test uses its own subjects; a test
    that stops a process starts it again)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    installation_pair = InstallationPair(
        name=f"suite_{worker}", ca_pem=signed_sample.ca_pem, extra_env=FAST_RETRIES
    )
    installation_pair.start()
    try:
        yield installation_pair
    finally:
        failed = any(item.stash.get(_FAILED, False) for item in request.session.items)
        installation_pair.close(failed=failed)


@pytest.fixture(scope="session")
def pdf_path(pair: InstallationPair, signed_sample: SignedSample) -> Path:
    path = pair.root / "signed.pdf"
    path.write_bytes(signed_sample.pdf)
    return path
