"""The concurrent-registration benchmark runs and its checks pass (no duplicate, no gap) on this database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.slow
def test_sixteen_concurrent_clerks_get_consecutive_numbers(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("EOFFICE_TESTING", None)
    completed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "incoming_register.py"),
            "--quick",
            "--per-clerk",
            "4",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["figures"]["registrations"] == 64 and result["figures"]["clerks"] == 16
    assert all(result["checks"].values()), result["checks"]
    assert set(result) == {"figures", "targets", "checks"}
