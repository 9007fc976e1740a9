"""The codec in several threads at once, as the Huey consumer's worker threads use it.

A validator shared between threads once broke for good in a consumer (every later build raised
libxml2's "Internal error in XML Schema validation"), so each thread builds its own. And the first
schemas a process compiles must not be compiled by two threads at once (see `schema._compile_lock`)."""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pytest

from eoffice.exchange import edxml
from eoffice.exchange.edxml import schema
from eoffice.exchange.tests.edxml_factories import edoc, status


def _in_threads(count: int, work: Any) -> list[Any]:
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        try:
            results[index] = work()
        except Exception as exc:  # reported below, with the thread's index
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_each_thread_validates_with_validators_of_its_own() -> None:
    mine = schema._schemas("edoc")
    assert schema._schemas("edoc") is mine  # built once per thread
    theirs = _in_threads(3, lambda: schema._schemas("edoc"))
    objects = {id(pair[0]) for pair in [mine, *theirs]} | {id(pair[1]) for pair in [mine, *theirs]}
    assert len(objects) == 8  # strict and lenient, four threads: no validator shared


def test_packages_build_and_parse_in_four_threads_at_once() -> None:
    def round_trips() -> int:
        for _ in range(40):
            package = edoc()
            parsed = edxml.parse(edxml.build_edoc(package))
            assert isinstance(parsed, edxml.EdocPackage) and parsed.header == package.header
            assert isinstance(edxml.parse(edxml.build_status(status())), edxml.StatusPackage)
        return 40

    results = _in_threads(4, round_trips)
    assert results == [40, 40, 40, 40], results


def _first_compiles_at_once(threads: int) -> list[str]:
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

    return [repr(result) for result in _in_threads(threads, compile_and_use) if result is not True]


@pytest.mark.slow
def test_threads_compiling_their_first_schemas_at_once_all_get_working_validators() -> None:
    # libxml2 sets up its built-in types at the first compile, unlocked: without the lock about one
    # fresh process in fifteen (16 threads) failed, and then failed every later compile. 80 processes.
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=spawn, max_tasks_per_child=1) as pool:
        failures = [f for errors in pool.map(_first_compiles_at_once, [16] * 80) for f in errors]
    assert failures == []
