"""The suite's xdist scheduling (eoffice.testing.xdist_groups): the tests of one costly shared
set-up run in one worker, the others are spread as `load` spreads them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from eoffice.testing.xdist_groups import SHARED_SETUPS, group_of


def test_grouped_tests_share_a_group_and_the_others_stand_alone() -> None:
    assert group_of("eoffice/exchange/tests/integration/test_faults.py::test_x[slow]") == "exchange-pair"
    assert group_of("eoffice/exchange/tests/integration/test_two_way.py::test_y") == "exchange-pair"
    assert group_of("eoffice/core/tests/test_storage_s3.py::test_z") == "seaweedfs"
    alone = "eoffice/exchange/tests/test_push.py::test_w"
    assert group_of(alone) == alone


def test_every_grouped_path_exists() -> None:
    # A moved folder would silently end its grouping: one costly set-up per worker again.
    for prefix in SHARED_SETUPS:
        assert (Path(settings.BASE_DIR) / prefix.split("::")[0]).exists(), prefix


@pytest.mark.slow
def test_a_group_runs_in_one_worker() -> None:
    grouped = "eoffice/exchange/tests/integration/test_proxy.py"  # ten quick tests, no database
    alone = "eoffice/exchange/tests/test_edxml_threads.py"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env["EOFFICE_TEST_DB_NAME"] = f"eoffice_xdist_{uuid.uuid4().hex[:8]}"  # none is made: no test uses one
    run = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-v", "-p", "no:cacheprovider",
            grouped, f"{alone}::test_each_thread_validates_with_validators_of_its_own",
            f"{alone}::test_packages_build_and_parse_in_four_threads_at_once",
        ],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    workers = re.findall(r"\[(gw\d+)\] \[ *\d+%\] PASSED (\S+)", run.stdout)
    assert len([test for _, test in workers if test.startswith(alone)]) == 2, run.stdout[-3000:]
    assert len([test for _, test in workers if test.startswith(grouped)]) >= 8, run.stdout[-3000:]
    assert len({worker for worker, test in workers if test.startswith(grouped)}) == 1, run.stdout[-3000:]
