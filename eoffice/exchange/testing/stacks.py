"""Every process of a harness installation calls `enable()` at start: its threads' stacks go to its
log on SIGUSR2 (what `diagnosis.describe` asks for) and on a crash in a C extension.

The SIGUSR2 dump is a Python signal handler, not `faulthandler.register`: faulthandler's own
handler walks every thread's frames from inside the signal, without the GIL, while those threads
go on running — a consumer busy with a job when a passing test asked for its stacks died of
SIGSEGV there (CI, the consumer "exited with -11" and the next module's documents never left).
A Python handler runs in the main thread between bytecodes, holding the GIL, so no other thread
moves its frames while they are read. Every harness process's main thread wakes at least once a
second (huey's consumer loop, gunicorn's arbiter of its worker, the agent's read), so the dump
still comes at once.
"""

from __future__ import annotations

import faulthandler
import signal
import sys
from types import FrameType


def dump(signum: int = signal.SIGUSR2, frame: FrameType | None = None) -> None:
    """Write every thread's stack to stderr (the process's log)."""
    faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
    sys.stderr.flush()


def enable() -> None:
    faulthandler.enable(all_threads=True)
    signal.signal(signal.SIGUSR2, dump)
