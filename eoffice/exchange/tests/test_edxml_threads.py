"""The codec in several threads at once, as the Huey consumer's worker threads use it.

A validator shared between threads once broke for good in a consumer (every later build raised
libxml2's "Internal error in XML Schema validation"), so each thread builds its own. And the first
schemas a process compiles must not be compiled by two threads at once (see `schema._compile_lock`)."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import pytest

from eoffice.exchange import edxml
from eoffice.exchange.edxml import schema
from eoffice.exchange.tests.edxml_factories import edoc, status
from eoffice.exchange.tests.edxml_threads import first_compiles_at_once, in_threads


def test_each_thread_validates_with_validators_of_its_own() -> None:
    mine = schema._schemas("edoc")
    assert schema._schemas("edoc") is mine  # built once per thread
    theirs = in_threads(3, lambda: schema._schemas("edoc"))
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

    results = in_threads(4, round_trips)
    assert results == [40, 40, 40, 40], results


@pytest.mark.slow
def test_threads_compiling_their_first_schemas_at_once_all_get_working_validators() -> None:
    # libxml2 sets up its built-in types at the first compile, unlocked: without the lock about one
    # fresh process in fifteen (16 threads) failed, and then failed every later compile. 80 processes.
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=spawn, max_tasks_per_child=1) as pool:
        failures = [f for errors in pool.map(first_compiles_at_once, [16] * 80) for f in errors]
    assert failures == []
