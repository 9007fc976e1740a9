"""The harness itself: two installations with their own database, Huey storage and processes."""

from __future__ import annotations

import json
import os
import signal
import urllib.request

import pytest

from eoffice.exchange.testing import diagnosis
from eoffice.exchange.testing.installation import HarnessError
from eoffice.exchange.testing.pair import InstallationPair

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_two_installations_with_their_own_database_and_queue(pair: InstallationPair) -> None:
    a, b = pair.a.call("scenario:info"), pair.b.call("scenario:info")
    assert a["installation_id"] != b["installation_id"]
    assert a["database"] != b["database"]
    expected_vendor = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    assert a["vendor"] == b["vendor"] == expected_vendor
    assert a["huey_immediate"] is False and b["huey_immediate"] is False
    assert a["huey_name"] != b["huey_name"]


def test_each_consumer_runs_its_own_jobs(pair: InstallationPair) -> None:
    for installation in (pair.a, pair.b):
        answer = installation.call("scenario:huey_roundtrip")
        assert answer["result"]["intact"] is True


def test_the_proxy_carries_a_body_byte_for_byte(pair: InstallationPair) -> None:
    body = os.urandom(1_500_000)
    url = f"{pair.proxy_ab.url}/__harness__/echo"
    request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310 — loopback harness URL
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 — loopback harness URL
        echoed = json.load(answer)
    assert echoed["bytes"] == len(body)


def test_a_killed_worker_is_gone_and_a_new_one_runs_the_jobs(pair: InstallationPair) -> None:
    worker = pair.a.processes["worker"]
    pair.a.kill_process("worker")
    assert worker.returncode == -signal.SIGKILL
    pair.a.start_worker()
    assert pair.a.call("scenario:huey_roundtrip")["result"]["intact"] is True


def test_a_worker_that_crashes_is_reported_with_its_crash(pair: InstallationPair) -> None:
    worker = pair.a.processes["worker"]
    os.kill(worker.pid, signal.SIGSEGV)
    worker.wait(timeout=10)
    try:
        text = diagnosis.describe(pair)
        assert f"--- worker died of signal {signal.SIGSEGV}\nFatal Python error: Segmentation fault" in text
        # The crash comes before the long tails of the logs, where a cut report still shows it.
        assert text.index("died of signal") < text.index("--- last lines of worker.log")
    finally:
        pair.a.start_worker()
    assert pair.a.call("scenario:huey_roundtrip")["result"]["intact"] is True


def test_an_agent_error_names_the_remote_failure(pair: InstallationPair) -> None:
    with pytest.raises(HarnessError, match="not a harness function"):
        pair.a.call("eoffice.core.tasks:verify_audit_chain")
    with pytest.raises(HarnessError, match="TypeError"):
        pair.a.call("scenario:info", unexpected=1)
    assert pair.a.call("scenario:info")["vendor"]  # the agent lives on after an error


def test_a_failure_report_describes_both_installations(pair: InstallationPair) -> None:
    text = diagnosis.describe(pair)
    for label in ("a", "b"):
        assert f"=== installation {label}: processes {{'web': 'running', 'worker': 'running'}}" in text
    assert '"huey": {' in text and '"outbox": {' in text
    assert "--- last lines of worker.log" in text and "--- last lines of web.log" in text
    assert "most recent call first" in text  # the threads' stacks


def test_an_agent_that_does_not_answer_in_time_is_replaced(pair: InstallationPair) -> None:
    agent = pair.a._agent
    assert agent is not None and agent.stdin is not None
    agent.stdin.write(json.dumps({"call": "scenario:huey_roundtrip", "kwargs": {}}) + "\n")
    agent.stdin.flush()
    with pytest.raises(HarnessError, match="no answer to huey_roundtrip in 0 s"):
        pair.a._read_answer("huey_roundtrip", timeout=0)
    assert agent.poll() is not None  # killed: a late answer would be read as the next call's
    assert pair.a.call("scenario:info")["vendor"]  # the next call starts another agent
