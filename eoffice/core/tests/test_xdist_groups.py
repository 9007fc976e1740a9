"""The suite's xdist scheduling (eoffice.testing.xdist_groups): the tests of one costly shared
set-up run in one worker, the others are spread as `load` spreads them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

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


def test_a_group_runs_in_one_worker(tmp_path: Path) -> None:
    # A tree of trivial tests at the grouped path, run by a real `pytest -n 2 --dist loadgroup` with
    # the plugin and nothing else (no Django: a second or two instead of the suite's start-up).
    grouped = "eoffice/exchange/tests/integration/test_grouped.py"
    alone = "eoffice/exchange/tests/test_alone.py"
    options = "-p no:django -p no:cacheprovider --import-mode=importlib"
    (tmp_path / "pytest.ini").write_text(f"[pytest]\naddopts = {options}\n")
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["eoffice.testing.xdist_groups"]\n')
    for path, count in ((grouped, 10), (alone, 4)):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("".join(f"def test_{i}():\n    pass\n\n\n" for i in range(count)))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_", "EOFFICE_"))}
    env["PYTHONPATH"] = str(settings.BASE_DIR)
    argv = [sys.executable, "-P", "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-v"]
    run = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    workers = re.findall(r"\[(gw\d+)\] \[ *\d+%\] PASSED (\S+)", run.stdout)
    assert len([test for _, test in workers if test.startswith(alone)]) == 4, run.stdout[-3000:]
    assert len([test for _, test in workers if test.startswith(grouped)]) == 10, run.stdout[-3000:]
    assert len({worker for worker, test in workers if test.startswith(grouped)}) == 1, run.stdout[-3000:]
