"""Run the web server and the task worker as two child processes and keep them together.

`make demo` must behave like one program: Ctrl-C (SIGINT) or SIGTERM stops both children
gracefully, and if either child dies the other is stopped too, so the demo never keeps serving
pages while nobody runs the background jobs (or the reverse).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import FrameType


@dataclass
class Child:
    name: str
    argv: Sequence[str]
    # The signal the child treats as "finish what you are doing and exit".
    stop_signal: int = signal.SIGTERM
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)


def wait_for_port(host: str, port: int, *, timeout: float, alive: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and alive():
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


class Supervisor:
    def __init__(self, children: Sequence[Child], *, cwd: str, grace_seconds: float = 20.0) -> None:
        self.children = list(children)
        self.cwd = cwd
        self.grace_seconds = grace_seconds
        self.stopping = False

    def start(self) -> None:
        for child in self.children:
            # A session of its own: a terminal's Ctrl-C reaches only us, and we pass on the graceful
            # signal each child expects, so no child receives two signals and aborts its shutdown.
            argv = list(child.argv)  # built by our own command from fixed words, never from user input
            child.process = subprocess.Popen(argv, cwd=self.cwd, start_new_session=True)  # noqa: S603

    def all_alive(self) -> bool:
        return all(c.process is not None and c.process.poll() is None for c in self.children)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True

    def run(self, on_started: Callable[[Supervisor], None] | None = None) -> int:
        """Start the children, wait until a signal arrives or one dies, stop the rest. Exit code."""
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            self.start()
            if on_started is not None:
                on_started(self)
            while not self.stopping and self.all_alive():
                time.sleep(0.2)
            died = [c for c in self.children if c.process is not None and c.process.poll() is not None]
            self.stop()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if self.stopping and not died:
            return 0
        return next((c.process.returncode or 1 for c in died if c.process is not None), 1)

    def stop(self) -> None:
        for child in self.children:
            if child.process is not None and child.process.poll() is None:
                child.process.send_signal(child.stop_signal)
        deadline = time.monotonic() + self.grace_seconds
        for child in self.children:
            if child.process is None:
                continue
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                # Past the grace period: kill the child's whole process group (gunicorn's workers too).
                os.killpg(child.process.pid, signal.SIGKILL)
                child.process.wait()
