"""The codec in several threads at once, as the Huey consumer's worker threads use it.

A validator shared between threads once broke for good in a consumer (every later build raised
libxml2's "Internal error in XML Schema validation"), so each thread builds its own."""

from __future__ import annotations

import threading
from typing import Any

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
