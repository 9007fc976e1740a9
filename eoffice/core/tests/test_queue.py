"""The SQLite job queue's wake-ups (`eoffice.core.queue`).

Each test sets the fallback poll far beyond its own deadline, so a job can only arrive in time if
the wake-up reached the waiting consumer: without it the test fails on its deadline, it never
measures a duration.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from pathlib import Path

from eoffice.core.queue import WakingSqliteStorage, wake_address

NEVER = 300.0  # a poll interval no test waits for
DEADLINE = 30.0


def _storage(path: Path, *, poll_seconds: float = NEVER) -> WakingSqliteStorage:
    filename = str(path / "huey.sqlite3")
    return WakingSqliteStorage(name="eo-queue-test", filename=filename, poll_seconds=poll_seconds)


def _dequeue_in_thread(storage: WakingSqliteStorage, found: list[bytes]) -> threading.Thread:
    def run() -> None:
        while not found:
            data = storage.dequeue()
            if data is not None:
                found.append(data)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_an_enqueue_from_another_connection_wakes_the_waiting_consumer(tmp_path: Path) -> None:
    consumer, web = _storage(tmp_path), _storage(tmp_path)
    assert consumer.listening()
    found: list[bytes] = []
    thread = _dequeue_in_thread(consumer, found)
    thread.join(0.3)  # let it reach its wait; were the job already queued the test would prove nothing
    assert thread.is_alive() and not found
    web.enqueue(b"job-1")
    thread.join(DEADLINE)
    assert found == [b"job-1"]


def test_two_jobs_enqueued_together_wake_two_threads(tmp_path: Path) -> None:
    consumer, web = _storage(tmp_path), _storage(tmp_path)
    assert consumer.listening()
    first: list[bytes] = []
    second: list[bytes] = []
    threads = [_dequeue_in_thread(consumer, first), _dequeue_in_thread(consumer, second)]
    threads[0].join(0.3)
    web.enqueue(b"a")
    web.enqueue(b"b")
    for thread in threads:
        thread.join(DEADLINE)
    assert sorted(first + second) == [b"a", b"b"]


def test_without_a_consumer_an_enqueue_still_stores_the_job(tmp_path: Path) -> None:
    web = _storage(tmp_path)
    web.enqueue(b"waiting")  # nobody bound the address: the wake-up is refused, quietly
    assert web.queue_size() == 1
    assert _storage(tmp_path).dequeue() == b"waiting"


def test_a_second_consumer_of_the_same_queue_polls(tmp_path: Path) -> None:
    first = _storage(tmp_path)
    assert first.listening()
    second = _storage(tmp_path, poll_seconds=0.05)
    assert not second.listening()  # the address is taken
    second.enqueue(b"polled")
    found: list[bytes] = []
    _dequeue_in_thread(second, found).join(DEADLINE)
    assert found == [b"polled"]


def test_a_killed_consumer_leaves_its_address_free(tmp_path: Path) -> None:
    address = wake_address(str(tmp_path / "huey.sqlite3"), "eo-queue-test")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import socket, sys, time\n"
            "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\n"
            f"s.bind({address!r})\n"
            "print('bound', flush=True)\n"
            "time.sleep(600)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "bound"
        assert not _storage(tmp_path).listening()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert _storage(tmp_path).listening()


def test_queues_of_two_installations_have_their_own_addresses(tmp_path: Path) -> None:
    one = wake_address(str(tmp_path / "a" / "huey.sqlite3"), "eo-a")
    assert one != wake_address(str(tmp_path / "b" / "huey.sqlite3"), "eo-a")
    assert one != wake_address(str(tmp_path / "a" / "huey.sqlite3"), "eo-b")
