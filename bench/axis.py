"""Benchmark: the axis adapters against `manage.py axis_server` — send, poll, fetch, acknowledge.

    python bench/axis.py [--quick] [--packages N] [--size BYTES] [--out FILE.json]

No database. Starts the development axis on a free port of 18200-18249, then for each dialect (VXP
with HMAC-signed headers, LGSP with X-SystemId/X-SecretKey) sends N canonical edXML packages (the
codec's build_edoc with one PDF attachment of --size bytes) from one system to another, and the
receiving system lists, fetches and acknowledges each one. Reports per-call latency (p50/p95) and
packages per second end to end. Checks: every fetched package equals what was sent, and nothing is
left pending. The figures describe the adapters plus a loopback server, not a real axis.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import p95, report

A, B = "000.00.00.H41", "000.00.00.G22"
SYSTEMS = [
    {"id": "bench.one", "secret": "A7TKG/r2gOKTEpe1MhWx6zw8O4Jf", "agencies": [A]},
    {"id": "bench.two", "secret": "Zr8Kp0qLwE2vB6yT9uN3mX4cD7fH", "agencies": [B]},
]
CONFIG = {"systems": SYSTEMS, "agencies": [{"code": A, "name": "Gửi"}, {"code": B, "name": "Nhận"}]}


def _ms(values: list[float]) -> dict[str, float]:
    return {"p50_ms": round(statistics.median(values) * 1000, 1), "p95_ms": round(p95(values) * 1000, 1)}


def _run(url: str, style: Any, packages: list[bytes]) -> tuple[dict[str, Any], bool]:
    from eoffice.exchange.axis import AxisAccount, MessageType, TransportStatus, adapter_for

    def adapter(system: dict[str, Any]) -> Any:
        return adapter_for(
            AxisAccount(style=style, base_url=url, system_id=system["id"], secret=system["secret"])
        )

    sender, receiver = adapter(SYSTEMS[0]), adapter(SYSTEMS[1])
    send, listing, fetch, ack = [], [], [], []
    started = time.perf_counter()
    for package in packages:
        mark = time.perf_counter()
        sender.send(package, sender=A, message_type=MessageType.EDOC)
        send.append(time.perf_counter() - mark)
    received = []
    while True:
        mark = time.perf_counter()
        pending = receiver.pending(message_type=MessageType.EDOC)
        listing.append(time.perf_counter() - mark)
        if not pending:
            break
        for item in pending:
            mark = time.perf_counter()
            received.append(receiver.fetch(item.doc_id))
            fetch.append(time.perf_counter() - mark)
            mark = time.perf_counter()
            receiver.acknowledge(item.doc_id, TransportStatus.DONE)
            ack.append(time.perf_counter() - mark)
    total = time.perf_counter() - started
    figures = {
        "send": _ms(send),
        "list": _ms(listing),
        "fetch": _ms(fetch),
        "acknowledge": _ms(ack),
        "packages_per_s": round(len(packages) / total, 1),
    }
    return figures, sorted(received) == sorted(packages)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 packages of 100 kB (under a minute)")
    parser.add_argument("--packages", type=int, default=200)
    parser.add_argument("--size", type=int, default=1_000_000, help="PDF attachment bytes per package")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    count, size = (20, 100_000) if args.quick else (args.packages, args.size)

    import django

    django.setup()
    from eoffice.exchange.axis import AxisStyle
    from eoffice.exchange.axis.testing import axis_server_process
    from eoffice.exchange.edxml import build_edoc
    from eoffice.exchange.tests import edxml_factories as factories

    packages = [
        build_edoc(factories.edoc((f"van-ban-{i}.pdf", b"%PDF-1.7\n" + os.urandom(size), "application/pdf")))
        for i in range(count)
    ]
    figures: dict[str, Any] = {"packages": count, "attachment_bytes": size}
    checks: dict[str, bool] = {}
    max_bytes = str(max(len(p) for p in packages) * 2 + 1_000_000)
    with (
        tempfile.TemporaryDirectory() as workdir,
        axis_server_process(Path(workdir), CONFIG, extra_args=("--max-bytes", max_bytes)) as url,
    ):
        for style in (AxisStyle.VXP, AxisStyle.LGSP):
            figures[str(style)], checks[f"{style}: every package arrived unchanged, none left"] = _run(
                url, style, packages
            )
    return report("Axis adapters against manage.py axis_server (loopback)", figures, {}, checks, args.out)


if __name__ == "__main__":
    sys.exit(main())
