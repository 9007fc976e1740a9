"""Benchmark: 16 clerks registering incoming documents concurrently in one register.

    python bench/incoming_register.py [--quick] [--clerks N] [--per-clerk N] [--out FILE.json]

Uses a throwaway database: a temporary SQLite file, or, when DATABASE_URL points at
PostgreSQL, a database named `eoffice_bench_register_<pid>` that the script creates and drops.
Creates one agency with N clerks and N × per-clerk confirmed incoming documents, then runs one
thread per clerk, each registering its own documents through `document_register` (row lock on
the register counter, unique (register, year, number); the document's work item is opened in the
same transaction). Reports registrations per second and
latency, then checks: every document registered once, numbers 1..total with no duplicate and no
gap, the counter equal to the total, and the audit chain intact. Prints a table, writes JSON
`{"figures", "targets", "checks"}`, and exits non-zero when a check fails.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from _common import p95, report, throwaway_database


def build(clerks: int, per_clerk: int) -> tuple[list[Any], dict[int, list[int]]]:
    """One agency, `clerks` văn thư, and their confirmed documents (set-up, not timed)."""
    from django.utils import timezone

    from eoffice.core.actor import Actor
    from eoffice.directory.models import Agency
    from eoffice.documents.models import Direction, Document, DocumentStatus, DocumentType
    from eoffice.people.models import Role
    from eoffice.testing.cast import give_position, make_user

    agency = Agency.objects.create(code="000.00.01.H99", name="Sở Nội vụ", abbreviation="SNV", hosted=True)
    agency.tree_path = f"/{agency.pk}/"
    agency.save(update_fields=["tree_path"])
    cong_van = DocumentType.objects.get(code="cong_van")
    actors: list[Any] = []
    owned: dict[int, list[int]] = {}
    now = timezone.now()
    for index in range(clerks):
        user = make_user(f"vanthu.{index:02d}", f"Văn Thư Số {index:02d}")
        position = give_position(user, agency, "Văn thư", [Role.VAN_THU])
        actors.append(Actor(user=user, position=position))
        documents = Document.objects.bulk_create(
            Document(
                agency=agency,
                direction=Direction.INCOMING,
                status=DocumentStatus.CONFIRMED,
                document_type=cong_van,
                code_number=str(index * per_clerk + n + 1),
                code_notation="UBND-VP",
                organ_name="Ủy ban nhân dân xã Đồng Tâm",
                subject=f"V/v thử nghiệm vào sổ {index}-{n}",
                received_at=now,
                received_by=user,
            )
            for n in range(per_clerk)
        )
        owned[index] = [d.pk for d in documents]
    return actors, owned


def register_all(actors: list[Any], owned: dict[int, list[int]]) -> tuple[float, list[float], list[str]]:
    from django.db import close_old_connections, connection

    from eoffice.documents.models import Document
    from eoffice.documents.services import document_register

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start_gate = threading.Barrier(len(actors))

    def clerk(index: int) -> None:
        close_old_connections()
        mine: list[float] = []
        try:
            documents = list(Document.objects.filter(pk__in=owned[index]).select_related("agency"))
            start_gate.wait()
            for document in documents:
                began = time.perf_counter()
                try:
                    document_register(actor=actors[index], document=document)
                except Exception as exc:
                    with lock:
                        errors.append(f"clerk {index}: {type(exc).__name__}: {exc}")
                mine.append((time.perf_counter() - began) * 1000)
        finally:
            with lock:
                latencies.extend(mine)
            connection.close()

    threads = [threading.Thread(target=clerk, args=(i,)) for i in range(len(actors))]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, latencies, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="16 clerks × 10 documents")
    parser.add_argument("--clerks", type=int, default=16)
    parser.add_argument("--per-clerk", type=int, default=None)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    per_clerk = args.per_clerk or (10 if args.quick else 100)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    with tempfile.TemporaryDirectory(prefix="eoffice-bench-") as tmp:
        vendor, drop = throwaway_database(Path(tmp), "register")
        try:
            return run(args.clerks, per_clerk, vendor, args.out)
        finally:
            drop()


def run(clerks: int, per_clerk: int, vendor: str, out: Path | None) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    from eoffice.core import audit
    from eoffice.documents.models import Document, RegisterCounter, Registration
    from eoffice.work.models import WorkItem

    call_command("migrate", verbosity=0)
    actors, owned = build(clerks, per_clerk)
    total = clerks * per_clerk
    seconds, latencies, errors = register_all(actors, owned)

    numbers = list(Registration.objects.order_by("number").values_list("number", flat=True))
    registers = Registration.objects.values("register_id").distinct().count()
    counter = RegisterCounter.objects.first()
    rate = round(len(numbers) / seconds, 1) if seconds else 0.0
    figures: dict[str, Any] = {
        "database": vendor,
        "clerks": clerks,
        "registrations": len(numbers),
        "seconds": round(seconds, 3),
        "registrations_per_second": rate,
        "latency_ms_p50": round(statistics.median(latencies), 2) if latencies else 0.0,
        "latency_ms_p95": round(p95(latencies), 2),
        "errors": len(errors),
    }
    checks = {
        "all_registered": len(numbers) == total
        and Document.objects.filter(status="registered").count() == total,
        "no_duplicates": len(set(numbers)) == len(numbers),
        "no_gaps": numbers == list(range(1, total + 1)),
        "one_register": registers == 1,
        "counter_matches": counter is not None and counter.last_number == total,
        # Registration opens the document's work item in the same transaction.
        "every_registration_has_its_work_item": WorkItem.objects.filter(
            subject_type="documents.document", subject_id__in=Registration.objects.values("document_id")
        ).count()
        == total,
        "no_errors": not errors,
        "audit_chain_intact": audit.verify() is None,
    }
    duplicates = len(numbers) - len(set(numbers))
    figures["duplicates"] = duplicates
    figures["gaps"] = len(set(range(1, total + 1)) - set(numbers))
    return report(
        f"Incoming registration benchmark ({vendor}, {clerks} clerks, {total} documents)",
        figures,
        {"registrations_per_second": [">=", 20], "duplicates": ["==", 0], "gaps": ["==", 0]},
        checks,
        out,
        notes=[f"error: {line}" for line in errors[:5]],
    )


if __name__ == "__main__":
    sys.exit(main())
