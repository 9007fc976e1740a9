"""Thread helpers of `test_edxml_threads`, in a module of their own: the schema-compile race runs
`first_compiles_at_once` in 80 spawned processes, and each imports this module to find it, so it
imports no more than the codec (not pytest: a quarter of a second a process)."""

from __future__ import annotations

import threading
from typing import Any

from eoffice.exchange import edxml
from eoffice.exchange.edxml import schema
from eoffice.exchange.tests.edxml_factories import edoc, status


def in_threads(count: int, work: Any) -> list[Any]:
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        try:
            results[index] = work()
        except Exception as exc:  # returned in the thread's place, for the caller to report
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def first_compiles_at_once(threads: int) -> list[str]:
    """In a fresh process: `threads` threads compile their first schemas at the same moment."""
    for kind in ("edoc", "status"):
        schema._schema_sources(kind)  # read before the start: the threads meet at the compile
    start = threading.Barrier(threads)
    kinds = iter(["edoc", "status"] * threads)
    lock = threading.Lock()

    def compile_and_use() -> bool:
        with lock:
            kind = next(kinds)
        start.wait()
        schema._schemas(kind)
        package = edxml.build_edoc(edoc()) if kind == "edoc" else edxml.build_status(status())
        return isinstance(edxml.parse(package), edxml.EdocPackage | edxml.StatusPackage)

    return [repr(result) for result in in_threads(threads, compile_and_use) if result is not True]
