"""What every benchmark shares: a throwaway database, percentiles, and the one output format.

Output (DEVELOPERS.md): a printed table, and JSON `{"figures": {name: number}, "targets":
{name: [op, bound]}, "checks": {name: bool}}` — figures flat and numeric (nested results become
dotted names; words such as the database name go to "meta"). The exit code is non-zero when a
correctness check fails.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def throwaway_database(workdir: Path, label: str) -> tuple[str, Callable[[], None]]:
    """Point DATABASE_URL at a new empty database and return (vendor, drop).

    PostgreSQL when DATABASE_URL names a server: a database `eoffice_bench_<label>_<pid>` is created
    and dropped — one per run, so two runs at once never drop each other's. Otherwise a SQLite
    file in `workdir`.
    """
    url = os.environ.get("DATABASE_URL", "")
    if not is_postgres_url(url):
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
        return "sqlite", lambda: None
    import psycopg

    name = os.environ.get("EOFFICE_BENCH_DB") or f"eoffice_bench_{label}_{os.getpid()}"
    parsed = urlparse(url)
    admin = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    os.environ["DATABASE_URL"] = urlunparse(parsed._replace(path=f"/{name}"))

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    return "postgresql", drop


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[max(0, round(fraction * len(ordered)) - 1)]


def p95(values: list[float]) -> float:
    return percentile(values, 0.95)


def flatten(values: dict[str, Any], prefix: str = "") -> tuple[dict[str, float], dict[str, Any]]:
    """Split a nested result into flat numeric figures and the rest (meta)."""
    numbers: dict[str, float] = {}
    meta: dict[str, Any] = {}
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            inner_numbers, inner_meta = flatten(value, f"{name}.")
            numbers.update(inner_numbers)
            meta.update(inner_meta)
        elif isinstance(value, bool) or not isinstance(value, int | float):
            meta[name] = value
        else:
            numbers[name] = value
    return numbers, meta


def report(
    title: str,
    figures: dict[str, Any],
    targets: dict[str, list[Any]],
    checks: dict[str, bool],
    out: Path | None,
    *,
    notes: list[str] | None = None,
) -> int:
    """Print the table, write the JSON file, and return the exit code."""
    numbers, meta = flatten(figures)
    print(title)
    for key, value in meta.items():
        print(f"  {key:<34} {value}")
    for key, number in numbers.items():
        target = targets.get(key)
        suffix = f"   (target {target[0]} {target[1]})" if target else ""
        print(f"  {key:<34} {number}{suffix}")
    for key, ok in checks.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {key}")
    for note in notes or []:
        print(f"  note: {note}")
    result = {"figures": numbers, "targets": targets, "checks": checks, "meta": meta}
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    return 0 if all(checks.values()) else 1
