"""One throw-away database per installation: a SQLite file, or a PostgreSQL database of its own."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse, urlunparse

# Only names of this shape are ever created or dropped, so a typo can never drop someone's database.
NAME_PREFIX = "eo_e2_"
_SAFE_NAME = re.compile(r"^eo_e2_[a-z0-9_]{1,50}$")


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


@dataclass
class Database:
    """A database the harness owns: `url` for DATABASE_URL; `drop()` removes it."""

    url: str
    vendor: str
    name: str

    def drop(self) -> None:
        if self.vendor == "postgresql":
            _pg_admin(self.url, f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(self.name + suffix).unlink(missing_ok=True)

    def clone(self, name: str, workdir: Path) -> Database:
        """A copy of this (migrated, unused) database under a new name.

        Migrating takes ~10 s; copying the migrated file or using it as a PostgreSQL template
        takes well under one, and both installations start from the same schema anyway.
        """
        if self.vendor == "postgresql":
            target = postgres_database(self.url, name, template=self.name)
            return target
        target_path = workdir / f"{name}.sqlite3"
        with sqlite3.connect(self.name) as source:
            # Fold the WAL into the main file first, so the copy holds every migration.
            source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copyfile(self.name, target_path)
        return Database(url=f"sqlite:///{target_path}", vendor="sqlite", name=str(target_path))


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    admin = urlunparse(urlparse(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)  # names are checked against _SAFE_NAME before they get here


def postgres_database(server_url: str, name: str, *, template: str | None = None) -> Database:
    if not _SAFE_NAME.match(name):
        raise ValueError(f"refusing to manage a database not named {NAME_PREFIX}…: {name!r}")
    if template is not None and not _SAFE_NAME.match(template):
        raise ValueError(f"refusing to copy a database not named {NAME_PREFIX}…: {template!r}")
    _pg_admin(server_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _pg_admin(server_url, f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
    url = urlunparse(urlparse(server_url)._replace(path=f"/{name}"))
    return Database(url=url, vendor="postgresql", name=name)


def new_database(label: str, workdir: Path, *, server_url: str | None = None) -> Database:
    """An empty database for installation `label`: PostgreSQL when `server_url` (default: the
    DATABASE_URL of this process) names a server, otherwise a SQLite file in `workdir`."""
    url = os.environ.get("DATABASE_URL", "") if server_url is None else server_url
    if is_postgres_url(url):
        return postgres_database(url, f"{NAME_PREFIX}{label}_{os.getpid()}")
    path = workdir / f"{label}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return Database(url=f"sqlite:///{path}", vendor="sqlite", name=str(path))
