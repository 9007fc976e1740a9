"""Project-wide pytest set-up.

- `cast`: the standing cast every authorisation test starts from (see eoffice.testing.cast).
- Under CI=true a skipped test is a failed test: nothing may skip for a missing tool or service.
"""

from __future__ import annotations

import os

import pytest

from eoffice.testing.cast import Cast, build_cast

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which is not allowed: {report.longrepr}"
