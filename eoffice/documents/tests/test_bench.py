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
    assert set(result) == {"figures", "targets", "checks", "meta"}
    assert all(isinstance(value, int | float) for value in result["figures"].values())
    assert result["figures"]["duplicates"] == 0 and result["figures"]["gaps"] == 0


def _incoming_bench():
    import importlib.util

    # bench/ scripts import their shared module as a sibling, as `python bench/NAME.py` does.
    sys.path.insert(0, str(ROOT / "bench"))
    spec = importlib.util.spec_from_file_location("bench_incoming", ROOT / "bench" / "incoming.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_incoming_bench_merges_both_parts_and_fails_on_any_failed_check() -> None:
    bench = _incoming_bench()
    registration = {
        "figures": {"registrations_per_second": 60.0},
        "targets": {"gaps": ["==", 0]},
        "checks": {"no_gaps": True, "no_duplicates": True},
        "meta": {"database": "sqlite"},
    }
    workbox = {
        "figures": {"page_ms_p95": 30.0},
        "targets": {"page_ms_p95": ["<=", 150.0]},
        "checks": {"page_p95_within_target": False},
    }
    figures, targets, checks = bench.merge(
        {"registration": registration, "workbox": workbox},
        {"registration": 1.0, "workbox": 2.0},
        {"registration": 0, "workbox": 1},
    )
    assert checks == {
        "registration.no_gaps": True,
        "registration.no_duplicates": True,
        "registration.exit_code_zero": True,
        "workbox.page_p95_within_target": False,
        "workbox.exit_code_zero": False,
    }
    assert figures["registration"]["registrations_per_second"] == 60.0
    assert figures["workbox"]["wall_seconds"] == 2.0
    assert targets == {"registration.gaps": ["==", 0], "workbox.page_ms_p95": ["<=", 150.0]}
    numbers, meta = bench_common().flatten(figures)
    assert numbers["registration.registrations_per_second"] == 60.0
    assert meta == {"registration.database": "sqlite"}


def bench_common():
    _incoming_bench()
    import _common

    return _common
