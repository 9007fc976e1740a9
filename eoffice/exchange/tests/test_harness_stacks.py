"""The harness's on-demand stack dump (SIGUSR2): written while the process's other threads run
Python, and the process lives on. Without the integration pair: a child process of its own."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time

CHILD = """
import signal, sys, threading, time
from eoffice.exchange.testing import stacks

def busy_thread_of_the_test():
    while True:
        sum(i * i for i in range(200))

stacks.enable()
threading.Thread(target=busy_thread_of_the_test, daemon=True).start()
# faulthandler.register would read the other threads' frames inside the signal, without the GIL,
# while they run: a consumer busy with a job died of SIGSEGV there (exit -11 on CI).
print("ready", signal.getsignal(signal.SIGUSR2) is stacks.dump, flush=True)
# Like every harness process, the main thread wakes often: the kernel may deliver the signal to the
# busy thread, and Python runs the handler only when the main thread next runs bytecode.
for _ in range(600):
    time.sleep(0.1)
"""


def test_sigusr2_dumps_every_thread_under_the_gil_and_the_process_lives_on() -> None:
    child = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout is not None and child.stderr is not None
    written = b""
    try:
        assert child.stdout.readline() == b"ready True\n"
        for sent in range(1, 51):
            child.send_signal(signal.SIGUSR2)
            # Signals of one kind do not queue: a second one sent before the handler has run would
            # be one dump, so each waits for the dump of the one before.
            written += _read_until(child.stderr.fileno(), written, dumps=sent)
        time.sleep(0.2)
        assert child.poll() is None, "the dump killed the process"
    finally:
        child.kill()
        _, rest = child.communicate(timeout=10)
    stderr = (written + rest).decode()
    assert stderr.count("Current thread") == 50
    assert stderr.count("in busy_thread_of_the_test") == 50


def _read_until(fd: int, written: bytes, *, dumps: int) -> bytes:
    read = b""
    deadline = time.monotonic() + 10
    while (written + read).count(b"Current thread") < dumps:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"dump {dumps} did not come:\n{(written + read).decode()[-2000:]}"
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            chunk = os.read(fd, 65536)
            assert chunk, f"the process ended:\n{(written + read).decode()[-2000:]}"
            read += chunk
    return read
