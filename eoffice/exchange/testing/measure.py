"""The benchmark's baseline, run inside the sending installation: a plain HTTP POST of the same bytes.

`package_sample` writes the signed package the worker would send for one line (built exactly as
`push.send` builds it), and `plain_posts` POSTs those bytes to the receiver's echo endpoint with
the same HTTP client the worker uses, through the same proxy: what moving the bytes costs
between the same processes, without the exchange's checks and writes.
"""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path
from typing import Any


def package_sample(marker: str, out_path: str) -> dict[str, Any]:
    """The signed package of the first edoc line of `marker`'s drafts, written to `out_path`."""
    from eoffice.exchange import packages
    from eoffice.exchange.models import MessageKind, OutboxLine

    line = (
        OutboxLine.objects.select_related("sender", "receiver")
        .filter(kind=MessageKind.EDOC, draft__current_version__subject__startswith=marker)
        .order_by("pk")
        .first()
    )
    if line is None:
        raise LookupError(f"no outbox line for {marker!r}")
    started = time.perf_counter()
    body = packages.package_bytes(line)
    built = time.perf_counter() - started
    Path(out_path).write_bytes(body)
    return {"bytes": len(body), "build_seconds": built, "sha256": hashlib.sha256(body).hexdigest()}


def plain_posts(url: str, body_path: str, count: int, concurrency: int = 1) -> dict[str, Any]:
    """POST the file `count` times (split over `concurrency` threads); each answer must echo the
    size and digest. Returns each request's seconds and the wall time of the whole run."""
    import requests

    body = Path(body_path).read_bytes()
    expected = {"bytes": len(body), "sha256": hashlib.sha256(body).hexdigest()}
    durations: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(share: int) -> None:
        session = requests.Session()
        for _ in range(share):
            started = time.perf_counter()
            try:
                answer = session.post(
                    url, data=body, headers={"Content-Type": "application/xml"}, timeout=(5, 60)
                )
                ok = answer.status_code == 200 and answer.json() == expected
                problem = "" if ok else f"HTTP {answer.status_code}: {answer.text[:200]}"
            except requests.RequestException as exc:
                problem = f"{type(exc).__name__}: {exc}"
            took = time.perf_counter() - started
            with lock:
                durations.append(took)
                if problem:
                    errors.append(problem)

    shares = [count // concurrency + (1 if i < count % concurrency else 0) for i in range(concurrency)]
    threads = [threading.Thread(target=client, args=(share,)) for share in shares]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"seconds": durations, "wall": time.perf_counter() - started, "errors": errors[:5]}
