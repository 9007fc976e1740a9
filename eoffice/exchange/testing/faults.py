"""The exchange's fault suite: documents released from A to B while something breaks, then counted.

Each fault breaks something, releases a batch of documents, and restores: when it returns, the
system is whole again (processes running, proxy passing) and the harness waits until every
document is accounted for (`accounting.tally`): one copy at the receiver, one delivered line with
one 01 at the sender. Nothing here asserts a time; the waits have generous deadlines.

- `stopped`: B's gunicorn is stopped before the release and started again seconds after it;
- `slow`: a tenth of the POSTs reach B only after the sender's HTTP timeout (the sender gives up,
  B stores the package late, the retry finds it there);
- `error500`: every POST is answered 500 for a few seconds after the release;
- `cut_request`: B gets the head and half the body of a third of the POSTs, then EOF;
- `cut_response`: B gets and stores the whole package of a third of the POSTs; the sender gets
  half the answer;
- `duplicate`: every document's POST reaches B twice, at the same time;
- `worker_killed`: A's Huey consumer is frozen, the release commits, the consumer is SIGKILLed
  before it sent anything and started again; then it is killed again while its POSTs are in flight.

Used by `eoffice/exchange/tests/integration/test_faults.py` (a few dozen documents per fault)
and `bench/exchange.py --faults` (1,000 documents across the faults).
"""

from __future__ import annotations

import os
import secrets
import signal
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eoffice.exchange.testing.accounting import Tally, tally
from eoffice.exchange.testing.installation import Installation
from eoffice.exchange.testing.pair import AGENCY_B, FAST_RETRIES, InstallationPair

INBOX = "/exchange/inbox/"
# What the sender's HTTP client waits for an answer (the pair runs with FAST_RETRIES).
HTTP_TIMEOUT = float(FAST_RETRIES["EOFFICE_EXCHANGE_HTTP_TIMEOUT_SECONDS"])
# How long a fault lasts after the release returned: long enough for several attempts to fail.
HOLD = 4.0
# "slow" answers later than the sender waits: it gives up, B still gets the package and stores it.
RULES: dict[str, dict[str, Any]] = {"slow": {"delay": HTTP_TIMEOUT + 1.5}}

Release = Callable[[list[int]], list[dict[str, Any]]]
# A fault breaks something, releases the drafts through `release`, restores, and says how many
# times it struck (requests the proxy broke, processes it stopped or killed).
Fault = Callable[[InstallationPair, list[int], Release], int]


@dataclass
class FaultRun:
    name: str
    tally: Tally
    seconds: float
    applied: int  # how many requests the proxy broke (proxy faults), or processes stopped/killed
    # Packages B put in quarantine meanwhile, by code: none of these faults makes a bad package.
    quarantined: dict[str, int]

    def summary(self) -> str:
        return (
            f"{self.name}: {self.tally.summary()}; struck {self.applied} times; "
            f"quarantined {self.quarantined}; {self.seconds:.0f} s"
        )


def _strike(pair: InstallationPair, mode: str, times: int | None, release: Release, drafts: list[int]) -> int:
    """Release under the proxy rule; keep it until it struck `times` times (the worker sends
    behind the release) or, with `times` None, for HOLD seconds; then pass again."""
    before = pair.proxy_ab.stats.applied[mode]
    pair.proxy_ab.set_mode(mode, path_prefix=INBOX, times=times, **RULES.get(mode, {}))
    try:
        release(drafts)
        if times is None:
            time.sleep(HOLD)
        deadline = time.monotonic() + 60 + len(drafts)
        while times is not None and pair.proxy_ab.stats.applied[mode] - before < times:
            if time.monotonic() > deadline:
                break
            time.sleep(0.2)
    finally:
        pair.proxy_ab.set_mode("pass")
    return pair.proxy_ab.stats.applied[mode] - before


def stopped(pair: InstallationPair, drafts: list[int], release: Release) -> int:
    pair.b.stop_process("web")
    try:
        release(drafts)
        time.sleep(HOLD)
    finally:
        pair.b.start_web()
    return 1


def _proxy_fault(mode: str, share: float | None) -> Fault:
    """A fault the proxy applies to `share` of the batch's requests (at least two), or to every
    request for HOLD seconds after the release when `share` is None."""

    def fault(pair: InstallationPair, drafts: list[int], release: Release) -> int:
        times = None if share is None else max(2, int(len(drafts) * share))
        return _strike(pair, mode, times, release, drafts)

    return fault


def _locked(path: Path) -> bool:
    """Whether another process holds the write lock of the SQLite file `path`."""
    if not path.exists():
        return False
    connection = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        connection.close()


def _freeze_consumer(installation: Installation) -> None:
    """SIGSTOP the consumer at a moment it holds no SQLite write lock (its queue's or the
    database's): frozen inside one, it would make the release wait for it, not test it."""
    files = [installation.var_dir / "huey.sqlite3"]
    if installation.database.vendor == "sqlite":
        files.append(Path(installation.database.name))
    group = installation.processes["worker"].pid
    for _ in range(200):
        os.killpg(group, signal.SIGSTOP)
        if not any(_locked(path) for path in files):
            return
        os.killpg(group, signal.SIGCONT)
        time.sleep(0.05)
    raise RuntimeError("the consumer never let go of its SQLite locks")


def worker_killed(pair: InstallationPair, drafts: list[int], release: Release) -> int:
    half = len(drafts) // 2
    # 1. Committed, not sent: the consumer is frozen while the release commits and enqueues, then
    #    killed; the jobs must outlive it in the queue.
    _freeze_consumer(pair.a)
    try:
        release(drafts[:half])
    finally:
        pair.a.kill_process("worker")
        pair.a.start_worker()
    # 2. Killed mid-send: B answers late, so lines are claimed and their POSTs in flight when the
    #    consumer dies; after the lease the periodic drain sends them again.
    pair.proxy_ab.set_mode("slow", path_prefix=INBOX, delay=1.0)
    try:
        release(drafts[half:])
        time.sleep(1.5)
    finally:
        pair.a.kill_process("worker")
        pair.proxy_ab.set_mode("pass")
        pair.a.start_worker()
    return 2


FAULTS: dict[str, Fault] = {
    "stopped": stopped,
    "slow": _proxy_fault("slow", 0.1),
    "error500": _proxy_fault("error500", None),
    "cut_request": _proxy_fault("cut_request", 0.3),
    "cut_response": _proxy_fault("cut_response", 0.3),
    "duplicate": _proxy_fault("duplicate", 1.0),
    "worker_killed": worker_killed,
}


def shares(total: int) -> dict[str, int]:
    """`total` documents split over the faults (the first ones take the remainder), at least 2 each."""
    base, extra = divmod(total, len(FAULTS))
    return {name: max(2, base + (1 if i < extra else 0)) for i, name in enumerate(FAULTS)}


def marker_of(name: str) -> str:
    # A run of its own: the same fault run twice against one pair counts its own documents.
    return f"Sự cố {name} {secrets.token_hex(3)}"


def run_fault(
    pair: InstallationPair, name: str, *, documents: int, pdf_path: str, deadline: float | None = None
) -> FaultRun:
    """Release `documents` documents under fault `name`, restore, wait, and count."""
    marker = marker_of(name)
    drafts = pair.a.call(
        "scenario:prepare_drafts", label="a", receiver_code=AGENCY_B["code"], count=documents,
        marker=marker, pdf_path=pdf_path,
    )  # fmt: skip
    subjects: list[str] = []

    def release(ids: list[int]) -> list[dict[str, Any]]:
        released: list[dict[str, Any]] = pair.a.call("scenario:release_drafts", label="a", draft_ids=ids)
        subjects.extend(r["subject"] for r in released)
        return released

    quarantine_before = pair.b.call("accounting:received", marker=marker)["quarantine"]
    started = time.monotonic()
    applied = FAULTS[name](pair, drafts, release)
    # Retries, a lease (10 s with FAST_RETRIES) and a restarted consumer: seconds, at times minutes.
    limit = started + (deadline if deadline is not None else 240 + 2 * documents)
    while True:
        received = pair.b.call("accounting:received", marker=marker)
        counted = tally(subjects, pair.a.call("accounting:sent", marker=marker), received)
        if counted.ok or time.monotonic() > limit:
            break
        time.sleep(2)
    quarantined = {
        code: n - quarantine_before.get(code, 0)
        for code, n in received["quarantine"].items()
        if n > quarantine_before.get(code, 0)
    }
    return FaultRun(name, counted, time.monotonic() - started, applied, quarantined)
