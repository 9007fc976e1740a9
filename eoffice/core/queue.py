"""The embedded job queue (Huey on SQLite), woken the moment a job is enqueued.

Huey's SQLite storage is polled: an idle consumer thread looks at the file every few tenths of a
second, so every job — an exchange line to send, a notification — first waits for the next look.
Here an enqueue also sends one datagram to the consumer's wake-up socket, and a consumer thread
with nothing to do waits on that socket instead of sleeping. The poll stays as the fallback, never
the only path: a datagram that is lost (no consumer yet, a full socket buffer, a second consumer
that could not bind the address, a system without abstract sockets) costs one poll interval, not a
job, because the job itself is always in the SQLite file first.

The address is a Linux abstract socket named after the queue file and name: the kernel removes it
when the consumer dies (a SIGKILLed consumer leaves nothing to clean up), and two installations on
one machine never share one.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import select
import socket
import threading
import time
from typing import Any

from huey import Huey
from huey.storage import SqliteStorage

logger = logging.getLogger(__name__)

# How long an idle consumer thread waits for a wake-up before it looks at the file anyway.
DEFAULT_POLL_SECONDS = 0.5


def wake_address(filename: str, name: str) -> str:
    """The abstract socket address of the consumer of this queue file and name."""
    key = f"{os.path.abspath(filename)}\0{name}".encode()
    return "\0eoffice-huey-" + hashlib.sha256(key).hexdigest()[:32]


class WakingSqliteStorage(SqliteStorage):
    # dequeue() waits itself (up to the poll interval), so the consumer must not sleep as well.
    blocking = True

    def __init__(self, *args: Any, poll_seconds: float = DEFAULT_POLL_SECONDS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.poll_seconds = poll_seconds
        self.address = wake_address(self.filename, self.name)
        self._listener: socket.socket | None = None
        self._listening = False  # tried to bind (once per process; later threads reuse the result)
        self._bind_lock = threading.Lock()

    def enqueue(self, data: bytes, priority: int | None = None) -> None:
        super().enqueue(data, priority=priority)
        self.wake()

    def dequeue(self) -> bytes | None:
        data = super().dequeue()
        if data is None:
            # Returning None sends the consumer straight back here: a thread woken for a job
            # that another thread took simply waits again.
            self._wait()
        return data

    def wake(self) -> None:
        """Tell a waiting consumer thread to look now; never fails the enqueue."""
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sender:
                sender.sendto(b"1", socket.MSG_DONTWAIT, self.address)
        except OSError:
            # No consumer bound (ConnectionRefusedError), its buffer full of earlier wake-ups
            # (BlockingIOError), or no abstract sockets here: the poll picks the job up.
            pass

    def listening(self) -> bool:
        """Whether this process receives the wake-ups (binds the address on the first call)."""
        return self._bound() is not None

    def _bound(self) -> socket.socket | None:
        with self._bind_lock:
            if not self._listening:
                self._listening = True
                self._listener = self._bind()
            return self._listener

    def _bind(self) -> socket.socket | None:
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            listener.bind(self.address)
        except OSError as error:
            listener.close()
            # Another consumer of the same queue holds the address: both still poll the file.
            logger.info("queue wake-ups unavailable (%s): polling every %ss", error, self.poll_seconds)
            return None
        listener.setblocking(False)
        return listener

    def _wait(self) -> None:
        listener = self._bound()
        if listener is None:
            time.sleep(self.poll_seconds)
            return
        readable, _, _ = select.select([listener], [], [], self.poll_seconds)
        if readable:
            # One datagram per wake: each enqueue wakes one look at the queue, so two jobs enqueued
            # together wake two threads rather than one thread swallowing both. BlockingIOError:
            # another thread took this wake-up.
            with contextlib.suppress(BlockingIOError):
                listener.recv(16)


class WakingSqliteHuey(Huey):
    storage_class = WakingSqliteStorage
