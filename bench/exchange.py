"""Benchmark: documents with a signed 1 MB PDF pushed from one installation to another.

    python bench/exchange.py [--quick] [--documents N] [--pace S] [--workers N] [--redis] [--out FILE.json]
    python bench/exchange.py --faults [--documents N] [--out FILE.json]

Two real installations on loopback (eoffice.exchange.testing: gunicorn, a Huey consumer and their
own database each — PostgreSQL databases when DATABASE_URL names a server, else SQLite files),
peers of each other through a pass-through proxy. Every document carries the same signed PDF
(`testing.samples.signed_pdf`, 1 MB, PAdES by a CA both installations trust), so the receiver's
PAdES validation runs in full on every one.

1. Latency: N documents released one after another, `--pace` seconds apart (a busy văn thư, not
   a flood). Each document's latency is from the moment its release starts (`released_at`, in the
   sender) to the moment its incoming copy is written at the receiver (`Document.created_at`);
   both installations run on this machine's clock. Figures p50/p95 (target p95 ≤ 1 s), split into
   stages: the release; the queue (from the release's return until a worker claimed the line —
   slightly negative when the worker starts before the release call has returned); send and check
   (build, sign, POST, the receiver's checks); the answer (until the sender recorded the 01).
2. Throughput: N more documents released back to back; documents per second from the first
   release to the last arrival, and the CPU each process group used per document meanwhile.
3. The baseline: the very bytes the worker sends for one document (the signed edXML package),
   POSTed from the sending installation's process with the worker's HTTP client, through the same
   proxy, to the receiver's gunicorn (`/__harness__/echo`, which reads the body and answers its
   digest). `ratio` = exchange p50 latency / plain POST p50; `throughput_ratio` = plain POSTs per
   second (as many clients as the sender has worker threads) / exchange documents per second.
   Target ≤ 3 each.

Checks (exit code 1 only when one fails): every document of both runs arrived exactly once (lost
= 0, duplicated = 0), each sender line is delivered with one 01 on its timeline, and every echo
returned the bytes sent. Speed targets are figures against their targets, never failures.

`--faults` runs the fault suite (`eoffice.exchange.testing.faults`) with N documents split over the
faults instead, and checks each fault's lost = 0, duplicated = 0 and consistent statuses.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

from _common import p95, percentile, report

# Away from the suite's harness ports, so the bench can run beside it.
os.environ.setdefault("EOFFICE_HARNESS_PORTS", "18560-18599")


def _ms(values: list[float]) -> dict[str, float]:
    return {"p50": round(percentile(values, 0.5) * 1000, 1), "p95": round(p95(values) * 1000, 1)}


def _wait_inbox(pair: Any, marker: str, count: int, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        inbox = pair.b.call("scenario:inbox", marker=marker)
        if inbox["count"] >= count or time.monotonic() > deadline:
            return inbox
        time.sleep(0.5)


def _stages(released: list[dict[str, Any]], inbox: dict[str, Any], sent: dict[str, Any]) -> dict[str, Any]:
    """Where each document's latency went: the release transaction; from its commit until a
    worker claimed the line (the queue); from the claim until the copy existed at the receiver
    (build, sign, POST, the receiver's checks); from then until the sender recorded the 01."""
    stages: dict[str, list[float]] = {"release": [], "queue": [], "send_and_check": [], "answer": []}
    for r in released:
        line, copy = sent.get(r["subject"]), inbox["copies"].get(r["subject"])
        if not line or not copy or not line["attempted_at"] or not line["delivered_at"]:
            continue
        committed = r["released_at"] + r["took"]
        stages["release"].append(r["took"])
        stages["queue"].append(line["attempted_at"] - committed)
        stages["send_and_check"].append(copy["created_at"] - line["attempted_at"])
        stages["answer"].append(line["delivered_at"] - copy["created_at"])
    return {name: _ms(values) for name, values in stages.items()}


def _run(pair: Any, marker: str, drafts: list[int], pace: float, timeout: float) -> dict[str, Any]:
    """Release the drafts, wait for every copy, and account for each document."""
    from eoffice.exchange.testing.accounting import tally

    released = pair.a.call("scenario:release_drafts", label="a", draft_ids=drafts, pause=pace)
    inbox = _wait_inbox(pair, marker, len(drafts), timeout)
    subjects = [r["subject"] for r in released]
    latencies = [
        inbox["copies"][r["subject"]]["created_at"] - r["released_at"]
        for r in released
        if r["subject"] in inbox["copies"]
    ]
    arrivals = [copy["created_at"] for copy in inbox["copies"].values()]
    span = (max(arrivals) - min(r["released_at"] for r in released)) if arrivals else 0.0
    # Let the sender record its last answers (the copy exists a moment before the 01 is written).
    deadline = time.monotonic() + 60
    while True:
        sent = pair.a.call("accounting:sent", marker=marker)
        counted = tally(subjects, sent, pair.b.call("accounting:received", marker=marker))
        if counted.ok or time.monotonic() > deadline:
            break
        time.sleep(1)
    return {
        "latencies": latencies,
        "stages": _stages(released, inbox, sent),
        "span": span,
        "tally": counted,
    }


def _cpu_seconds(pair: Any) -> dict[str, float]:
    """CPU seconds (user + system) used so far by each process group of both installations, and
    by this process (the proxies run here). Linux /proc; each group is a session of its own."""
    tick = os.sysconf("SC_CLK_TCK")
    sessions = {
        process.pid: f"{installation.label}.{name}"
        for installation in (pair.a, pair.b)
        for name, process in [*installation.processes.items(), ("agent", installation._agent)]
        if process is not None
    }
    used = dict.fromkeys(sessions.values(), 0.0)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        label = sessions.get(int(fields[3]))  # the session id
        if label is not None:
            used[label] += (int(fields[11]) + int(fields[12])) / tick
    mine = os.times()
    used["proxies_and_bench"] = mine.user + mine.system
    return used


def _baseline(pair: Any, package: Path, count: int) -> tuple[dict[str, Any], bool]:
    """The plain POST of the package's bytes: one client, then as many as the sender's workers."""
    echo = f"{pair.proxy_ab.url}/__harness__/echo"
    single = pair.a.call("measure:plain_posts", url=echo, body_path=str(package), count=min(count, 200))
    parallel = pair.a.call(
        "measure:plain_posts", url=echo, body_path=str(package), count=count, concurrency=pair.huey_workers
    )
    figures = {
        "plain_post_ms": _ms(single["seconds"]),
        "plain_posts_per_s": round(count / parallel["wall"], 1),
    }
    return figures, not single["errors"] and not parallel["errors"]


def _speed(args: argparse.Namespace, count: int) -> int:
    from eoffice.exchange.testing.pair import AGENCY_B, InstallationPair
    from eoffice.exchange.testing.samples import signed_pdf

    sample = signed_pdf(args.size)
    figures: dict[str, Any] = {
        "database": _vendor(),
        "documents_per_run": count,
        "pdf_bytes": len(sample.pdf),
        "workers": args.workers,
    }
    checks: dict[str, bool] = {}
    notes: list[str] = []
    pair = InstallationPair(
        name="bench_exchange", ca_pem=sample.ca_pem, redis=args.redis, huey_workers=args.workers,
        web_workers=args.workers,
    )  # fmt: skip
    with pair:
        pair.connect()
        pdf_path = pair.root / "signed.pdf"
        pdf_path.write_bytes(sample.pdf)
        batches = {}
        started = time.monotonic()
        for marker, n in (("Khởi động", 5), ("Độ trễ", count), ("Thông lượng", count)):
            batches[marker] = pair.a.call(
                "scenario:prepare_drafts", label="a", receiver_code=AGENCY_B["code"], count=n, marker=marker,
                pdf_path=str(pdf_path),
            )  # fmt: skip
        figures["prepare_s"] = round(time.monotonic() - started, 1)
        # Warm up both installations (imports, connections, a first PAdES validation) before timing.
        _run(pair, "Khởi động", batches["Khởi động"], 0.2, 120)
        package = pair.root / "package.xml"
        built = pair.a.call("measure:package_sample", marker="Khởi động", out_path=str(package))
        figures["package_bytes"] = built["bytes"]
        baseline, echoed = _baseline(pair, package, count)
        figures.update(baseline)
        checks["every plain POST echoed the bytes sent"] = echoed

        timeout = max(300.0, count * 3.0)
        paced = _run(pair, "Độ trễ", batches["Độ trễ"], args.pace, timeout)
        before = _cpu_seconds(pair)
        burst = _run(pair, "Thông lượng", batches["Thông lượng"], 0.0, timeout)
        after = _cpu_seconds(pair)
    # Where the CPU went in the throughput run, per document (the agents include the harness's
    # own polling and the release itself, which runs in A's agent).
    figures["cpu_ms_per_doc"] = {k: round((after[k] - before.get(k, 0.0)) * 1000 / count, 1) for k in after}
    figures.update(
        latency_ms=_ms(paced["latencies"]),
        pace_s=args.pace,
        stages_ms=paced["stages"],
        docs_per_s=round(count / burst["span"], 2) if burst["span"] else 0.0,
        burst_latency_ms=_ms(burst["latencies"]),
        burst_stages_ms=burst["stages"],
    )
    figures["ratio"] = round(figures["latency_ms"]["p50"] / max(figures["plain_post_ms"]["p50"], 0.001), 1)
    figures["throughput_ratio"] = round(figures["plain_posts_per_s"] / max(figures["docs_per_s"], 0.001), 1)
    for run_name, run in (("latency", paced), ("throughput", burst)):
        counted = run["tally"]
        figures[f"lost.{run_name}"] = len(counted.lost)
        figures[f"duplicated.{run_name}"] = len(counted.duplicated)
        checks[f"{run_name} run: every document delivered exactly once, statuses consistent"] = counted.ok
        if not counted.ok:
            notes.append(f"{run_name} run: {counted.summary()}")
    notes.append(f"machine load (1/5/15 min) at the end: {os.getloadavg()}")
    targets = {"latency_ms.p95": ["<=", 1000], "ratio": ["<=", 3], "throughput_ratio": ["<=", 3]}
    targets.update(
        {f"{kind}.{run}": ["==", 0] for kind in ("lost", "duplicated") for run in ("latency", "throughput")}
    )
    queue = "Redis" if args.redis else "SQLite"
    title = f"Exchange A → B ({figures['database']}, Huey on {queue}, {count} documents a run, signed PDF)"
    return report(title, figures, targets, checks, args.out, notes=notes)


def _faults(args: argparse.Namespace, count: int) -> int:
    """The fault suite at full size: `count` documents split over the faults, each counted."""
    from eoffice.exchange.testing.faults import FAULTS, run_fault, shares
    from eoffice.exchange.testing.pair import FAST_RETRIES, InstallationPair
    from eoffice.exchange.testing.samples import signed_pdf

    sample = signed_pdf(args.size)
    per_fault = shares(count)
    figures: dict[str, Any] = {"database": _vendor(), "documents": sum(per_fault.values())}
    checks: dict[str, bool] = {}
    notes: list[str] = []
    with InstallationPair(
        name="bench_faults", ca_pem=sample.ca_pem, extra_env=FAST_RETRIES, redis=args.redis
    ) as pair:
        pair.connect()
        pdf_path = pair.root / "signed.pdf"
        pdf_path.write_bytes(sample.pdf)
        for name in FAULTS:
            run = run_fault(pair, name, documents=per_fault[name], pdf_path=str(pdf_path))
            figures[name] = {
                "documents": run.tally.released,
                "lost": len(run.tally.lost),
                "duplicated": len(run.tally.duplicated),
                "inconsistent": len(run.tally.inconsistent),
                "struck": run.applied,
                "attempts_max": max(run.tally.attempts, default=0),
                "recovered_s": round(run.seconds, 1),
            }
            checks[f"{name}: every document delivered exactly once, statuses consistent"] = run.tally.ok
            notes.append(run.summary())
    figures["lost"] = sum(figures[name]["lost"] for name in FAULTS)
    figures["duplicated"] = sum(figures[name]["duplicated"] for name in FAULTS)
    notes.append(f"machine load (1/5/15 min) at the end: {os.getloadavg()}")
    title = f"Exchange fault suite ({figures['database']}, {figures['documents']} documents)"
    return report(title, figures, {"lost": ["==", 0], "duplicated": ["==", 0]}, checks, args.out, notes=notes)


def _vendor() -> str:
    return "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 documents instead of 1,000")
    parser.add_argument("--documents", type=int, default=1000, help="documents per run")
    parser.add_argument("--pace", type=float, default=0.25, help="seconds between paced releases")
    parser.add_argument("--size", type=int, default=1_000_000, help="bytes of the signed PDF")
    parser.add_argument("--faults", action="store_true", help="the fault suite with --documents instead")
    parser.add_argument("--redis", action="store_true", help="Huey on Redis (blocking) instead of SQLite")
    parser.add_argument("--workers", type=int, default=2, help="Huey threads of the sender, gunicorn workers")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    count = 100 if args.quick else args.documents

    import django

    django.setup()
    return _faults(args, count) if args.faults else _speed(args, count)


if __name__ == "__main__":
    sys.exit(main())
