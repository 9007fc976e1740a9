"""pytest-xdist scheduling that keeps the tests of one costly shared set-up in one worker.

A session fixture starts once per worker that runs a test needing it: the two exchange
installations cost 20–30 s of both cores, SeaweedFS a few seconds. `--dist loadgroup` (the
Makefile's) would group tests marked `xdist_group`, but with pytest 9.2 the mark no longer reaches
the controller (xdist 3.8 appends the group to `item._nodeid`, which pytest 9.2's node ids no longer
read: pytest-xdist issue #1386), so every worker started its own pair. This scheduler groups on
the controller, by where the tests are, and leaves every other test a unit of its own, as `load`
does.
"""

from __future__ import annotations

from typing import Any

import pytest
from xdist.scheduler import LoadScopeScheduling

# Node id prefix → group: all the tests under it run in one worker.
SHARED_SETUPS = {
    "eoffice/exchange/tests/integration/": "exchange-pair",  # the `pair` session fixture
    "eoffice/core/tests/test_storage_s3.py::": "seaweedfs",  # the `s3_server` session fixture
}


def group_of(nodeid: str) -> str:
    for prefix, group in SHARED_SETUPS.items():
        if nodeid.startswith(prefix):
            return group
    return nodeid


class SharedSetupScheduling(LoadScopeScheduling):
    def _split_scope(self, nodeid: str) -> str:
        return group_of(nodeid)


@pytest.hookimpl(optionalhook=True)  # `-p no:xdist` runs without the hook
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> SharedSetupScheduling | None:
    if config.getvalue("dist") != "loadgroup":
        return None
    return SharedSetupScheduling(config, log)
