"""The harness's on-demand stack dump (SIGUSR2): written while the process's other threads run
Python, and the process lives on. Without the integration pair: a child process of its own."""

from __future__ import annotations

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
time.sleep(60)
"""


def test_sigusr2_dumps_every_thread_under_the_gil_and_the_process_lives_on() -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "ready True\n"
        for _ in range(50):
            child.send_signal(signal.SIGUSR2)
            time.sleep(0.01)
        time.sleep(0.5)
        assert child.poll() is None, "the dump killed the process"
    finally:
        child.kill()
        _, stderr = child.communicate(timeout=10)
    assert stderr.count("Current thread") == 50
    assert "in busy_thread_of_the_test" in stderr
