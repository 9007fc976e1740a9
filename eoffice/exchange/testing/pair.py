"""Two installations, A and B, each reaching the other through its own fault proxy.

    A's worker ──► proxy_ab ──► B's gunicorn        B's worker ──► proxy_ba ──► A's gunicorn

Each has its own database (two SQLite files, or two PostgreSQL databases `eo_e2_…` created here
and dropped on close), its own var/ directory and its own Huey storage (a SQLite file in its
var/, or Redis under its own name). The schema is migrated once and copied for B.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any

from eoffice.exchange.testing.databases import NAME_PREFIX, Database, new_database
from eoffice.exchange.testing.installation import ARTIFACTS, Installation, free_port
from eoffice.exchange.testing.proxy import FaultProxy
from eoffice.exchange.testing.samples import install_trust

REDIS_URL = "redis://127.0.0.1:6379/13"
# Retries close together and a short lease, so a fault's documents recover in seconds, not minutes.
FAST_RETRIES = {
    "EOFFICE_EXCHANGE_BACKOFF_BASE_SECONDS": "1",
    "EOFFICE_EXCHANGE_BACKOFF_MAX_SECONDS": "4",
    "EOFFICE_EXCHANGE_MAX_ATTEMPTS": "50",
    "EOFFICE_EXCHANGE_LEASE_SECONDS": "10",
    "EOFFICE_EXCHANGE_HTTP_TIMEOUT_SECONDS": "5",
}
AGENCY_A = {"code": "000.00.01.H98", "name": "Sở Nội vụ tỉnh Thử Nghiệm A", "abbreviation": "SNV"}
AGENCY_B = {"code": "000.00.02.H97", "name": "Sở Tư pháp tỉnh Thử Nghiệm B", "abbreviation": "STP"}


class InstallationPair:
    def __init__(
        self,
        *,
        name: str = "pair",
        redis: bool = False,
        web_workers: int = 2,
        huey_workers: int = 2,
        extra_env: dict[str, str] | None = None,
        ca_pem: bytes = b"",
    ) -> None:
        # Database and directory names are built from it: keep it to [a-z0-9_].
        self.name = re.sub(r"[^a-z0-9_]", "_", name.lower())[:30]
        self.redis = redis
        self.web_workers = web_workers
        self.huey_workers = huey_workers
        self.extra_env = extra_env or {}
        # The CA both installations trust for PAdES signatures of attached PDFs.
        self.ca_pem = ca_pem
        self.root = Path(tempfile.mkdtemp(prefix=f"eo-e2-{name}-"))
        self.a: Installation
        self.b: Installation
        self.proxy_ab: FaultProxy  # A → B
        self.proxy_ba: FaultProxy  # B → A
        self._closeables: list[Database] = []

    def start(self) -> InstallationPair:
        try:
            self._start()
        except BaseException:
            self.close(failed=True)
            raise
        return self

    def _start(self) -> None:
        ports: set[int] = set()
        template = new_database(f"{self.name}_a", self.root)
        self._closeables.append(template)
        self.a = self._installation("a", template, free_port(ports))
        self.a.manage("migrate", "--noinput", "-v0")
        clone = template.clone(f"{NAME_PREFIX}{self.name}_b_{os.getpid()}", self.root)
        self._closeables.append(clone)
        self.b = self._installation("b", clone, free_port(ports))
        self.proxy_ab = FaultProxy(listen_port=free_port(ports), upstream_port=self.b.port).start()
        self.proxy_ba = FaultProxy(listen_port=free_port(ports), upstream_port=self.a.port).start()
        for installation in (self.a, self.b):
            if self.ca_pem:
                install_trust(installation.var_dir, self.ca_pem)
            installation.start()

    def _installation(self, label: str, database: Database, port: int) -> Installation:
        return Installation(
            label,
            workdir=self.root / label,
            database=database,
            port=port,
            redis_url=REDIS_URL if self.redis else "",
            web_workers=self.web_workers,
            huey_workers=self.huey_workers,
            extra_env=self.extra_env,
        )

    def peer_url_of(self, receiver: Installation) -> str:
        """The base URL the other installation must use to reach `receiver` (through its proxy)."""
        return self.proxy_ab.url if receiver is self.b else self.proxy_ba.url

    def connect(self) -> dict[str, dict[str, Any]]:
        """Seed agency A on A and agency B on B (staff `<role>.a`, `<role>.b`), then make each
        installation a peer of the other, reaching it through its proxy. Idempotent."""
        seeded = {
            "a": self.a.call("scenario:seed_agency", label="a", **AGENCY_A),
            "b": self.b.call("scenario:seed_agency", label="b", **AGENCY_B),
        }
        ids = {"a": self.a.call("peering:identity"), "b": self.b.call("peering:identity")}
        pairs = ((self.a, self.b, "b"), (self.b, self.a, "a"))
        for here, there, label in pairs:
            here.call(
                "peering:peer_register", code=ids[label]["code"], name=f"eOffice {label.upper()}",
                base_url=self.peer_url_of(there), certificate_pem=ids[label]["certificate_pem"],
            )  # fmt: skip
        for here, _there, label in pairs:
            here.call("peering:peer_sync", code=ids[label]["code"])
        return seeded

    def close(self, *, failed: bool = False) -> None:
        if failed:
            self.collect_logs()
        for proxy_name in ("proxy_ab", "proxy_ba"):
            proxy = getattr(self, proxy_name, None)
            if proxy is not None:
                proxy.close()
        installations = [i for i in (getattr(self, "a", None), getattr(self, "b", None)) if i is not None]
        for installation in installations:  # signal both first: their shutdowns overlap
            installation.begin_stop()
        for installation in installations:
            installation.stop()
        for database in self._closeables:
            database.drop()
        shutil.rmtree(self.root, ignore_errors=True)

    def collect_logs(self) -> Path:
        """Copy both installations' logs to var/test-artifacts/exchange/<name>/ (kept for CI)."""
        target = ARTIFACTS / "exchange" / self.name
        for label in ("a", "b"):
            logs = self.root / label / "logs"
            if logs.exists():
                shutil.copytree(logs, target / label, dirs_exist_ok=True)
        return target

    def __enter__(self) -> InstallationPair:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close(failed=kind is not None)
