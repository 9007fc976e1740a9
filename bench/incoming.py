"""Benchmark of issue #3 (incoming documents): registration under concurrency and the work box.

    python bench/incoming.py [--quick] [--out FILE.json]

Runs the two benchmarks it is made of, each in its own process and its own throwaway database
(they set up Django for the database they create), and merges their results:

- `bench/incoming_register.py`: 16 clerks registering concurrently in one register —
  registrations per second, and at the end 0 duplicates and 0 gaps in the arrival numbers;
- `bench/workbox.py`: the work-box page for a user holding 10,000 lines in a database of
  1,000,000 lines — p50 and p95 of the real page, target p95 ≤ 150 ms.

Measures on PostgreSQL when DATABASE_URL points at one (the target). Without it both run on a
temporary SQLite file, and the result says so: those figures are not the target's.
`--quick` (16 clerks × 10 documents; 40,000 lines with 2,000 held) finishes in well under a
minute. Prints both tables, writes JSON `{"figures", "targets", "checks"}` (checks prefixed
with "registration." and "workbox."), and exits non-zero when any check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import ROOT, report

PARTS = {"registration": "incoming_register.py", "workbox": "workbox.py"}


def run_part(name: str, quick: bool, workdir: Path) -> tuple[dict[str, Any], float, int]:
    """Run one benchmark script; return its JSON result, wall time and exit code."""
    out = workdir / f"{name}.json"
    command = [sys.executable, str(ROOT / "bench" / PARTS[name]), "--out", str(out)]
    if quick:
        command.append("--quick")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings"),
    }
    began = time.perf_counter()
    completed = subprocess.run(command, cwd=ROOT, env=env, check=False)
    seconds = time.perf_counter() - began
    if not out.exists():
        failed = {"figures": {}, "targets": {}, "checks": {"ran": False}}
        return failed, seconds, completed.returncode or 1
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result, seconds, completed.returncode


def merge(
    results: dict[str, dict[str, Any]], seconds: dict[str, float], codes: dict[str, int]
) -> tuple[dict[str, Any], dict[str, list[Any]], dict[str, bool]]:
    """One flat result: every part's figures, targets and checks prefixed with the part's name."""
    figures: dict[str, Any] = {}
    targets: dict[str, list[Any]] = {}
    checks: dict[str, bool] = {}
    for name, result in results.items():
        figures[name] = {**result.get("figures", {}), **result.get("meta", {}), "wall_seconds": seconds[name]}
        targets.update({f"{name}.{key}": bound for key, bound in result.get("targets", {}).items()})
        checks.update({f"{name}.{key}": bool(ok) for key, ok in result.get("checks", {}).items()})
        # A part that crashed after writing its JSON still fails the run.
        checks[f"{name}.exit_code_zero"] = codes[name] == 0
    return figures, targets, checks


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, under a minute")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    vendor = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    if vendor == "sqlite":
        print("Note: DATABASE_URL is not PostgreSQL; measuring on SQLite (not the target database).")
    results: dict[str, dict[str, Any]] = {}
    seconds: dict[str, float] = {}
    codes: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="eoffice-bench-incoming-") as tmp:
        for name in PARTS:
            print(f"\n== {name} ({PARTS[name]}) ==", flush=True)
            results[name], seconds[name], codes[name] = run_part(name, args.quick, Path(tmp))
    figures, targets, checks = merge(results, seconds, codes)
    notes = [] if vendor == "postgresql" else ["measured on SQLite; the issue's targets are for PostgreSQL"]
    return report(f"\n== incoming (merged, {vendor}) ==", figures, targets, checks, args.out, notes=notes)


if __name__ == "__main__":
    sys.exit(main())
