"""A fault-injecting HTTP/1.1 proxy between two installations, on real loopback sockets.

Every request the sender makes to its peer goes through it; a test switches the mode:

| Mode | What the sender sees | What the receiver sees |
|---|---|---|
| `pass` | the receiver's answer | the request |
| `stop` | connection refused (the proxy stops listening) | nothing |
| `slow` | the answer, `delay` seconds late (the sender may time out first) | the request, late |
| `error500` | a 500 answer | nothing |
| `cut_request` | the connection closed, no answer | the head and half the body, then EOF |
| `cut_response` | the head and half the answer's body, then EOF | the whole request (it may commit) |
| `duplicate` | the first answer | the same request twice, at the same time |

A rule may apply only `times` times (then the proxy passes again) and only to paths starting with
`path_prefix`, so a fault hits the exchange endpoint and not, say, a readiness probe.
The proxy handles one request per client connection and answers `Connection: close`: the
senders it sits in front of (HTTP client libraries) reconnect for every request anyway.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import Counter
from dataclasses import dataclass, field

MODES = ("pass", "stop", "slow", "error500", "cut_request", "cut_response", "duplicate")
_MAX_HEAD = 64 * 1024
_ERROR_500 = (
    b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: 21\r\n"
    b"Connection: close\r\n\r\nfault proxy: error500"
)


@dataclass
class Rule:
    mode: str = "pass"
    times: int | None = None  # None: until changed
    path_prefix: str = ""
    delay: float = 0.0

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown proxy mode {self.mode!r}; one of {MODES}")


@dataclass
class Request:
    head: bytes
    body: bytes
    method: str
    path: str


@dataclass
class Stats:
    requests: int = 0
    applied: Counter[str] = field(default_factory=Counter)
    upstream_requests: int = 0


class FaultProxy:
    def __init__(self, *, listen_port: int, upstream_port: int, host: str = "127.0.0.1") -> None:
        self.host = host
        self.listen_port = listen_port
        self.upstream_port = upstream_port
        self.stats = Stats()
        self._rule = Rule()
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.base_events.Server | None = None
        # asyncio holds a connection's task only weakly once its client is gone; a task still
        # waiting then may be collected mid-await, which Python reports as unraisable.
        self._connections: set[asyncio.Task[object]] = set()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name=f"proxy:{listen_port}", daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.listen_port}"

    # --- control, from the test's thread -----------------------------------------------------
    def start(self) -> FaultProxy:
        self._thread.start()
        self._run(self._listen())
        return self

    def set_mode(
        self, mode: str, *, times: int | None = None, path_prefix: str = "", delay: float = 0.0
    ) -> None:
        rule = Rule(mode=mode, times=times, path_prefix=path_prefix, delay=delay)
        with self._lock:
            self._rule = rule
        # "stop" is the one mode that acts on the listener rather than on a request.
        self._run(self._unlisten() if mode == "stop" else self._listen())

    def close(self) -> None:
        if self._thread.is_alive():
            self._run(self._shutdown())
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
        self._loop.close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self, coro: object) -> None:
        asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=10)  # type: ignore[arg-type]

    async def _listen(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(
                self._handle, self.host, self.listen_port, reuse_address=True
            )

    async def _unlisten(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _shutdown(self) -> None:
        # A connection still held (a "slow" rule's sleep) is cancelled and awaited here: left to the
        # closed loop, its coroutine is destroyed pending and Python reports it as unraisable.
        if self._server is not None:
            self._server.close()
        pending = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        await self._unlisten()

    def _take_rule(self, path: str) -> Rule:
        with self._lock:
            rule = self._rule
            if rule.mode == "pass" or not path.startswith(rule.path_prefix):
                return Rule()
            if rule.times is not None:
                rule.times -= 1
                if rule.times <= 0:
                    self._rule = Rule()
            self.stats.applied[rule.mode] += 1
            return rule

    # --- one client connection ---------------------------------------------------------------
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._connections.add(task)
            task.add_done_callback(self._connections.discard)
        try:
            request = await read_request(reader)
            if request is None:
                return
            self.stats.requests += 1
            rule = self._take_rule(request.path)
            await self._apply(rule, request, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _apply(self, rule: Rule, request: Request, writer: asyncio.StreamWriter) -> None:
        if rule.mode == "error500":
            writer.write(_ERROR_500)
            await writer.drain()
            return
        if rule.mode == "cut_request":
            await self._forward(request, cut_request=True)
            return
        if rule.mode == "slow":
            await asyncio.sleep(rule.delay)
        if rule.mode == "duplicate":
            first, _second = await asyncio.gather(self._forward(request), self._forward(request))
            response = first
        else:
            response = await self._forward(request)
        if rule.mode == "cut_response":
            head, _, body = response.partition(b"\r\n\r\n")
            response = head + b"\r\n\r\n" + body[: max(1, len(body) // 2)]
        writer.write(response)
        await writer.drain()

    async def _forward(self, request: Request, *, cut_request: bool = False) -> bytes:
        """Send the request to the receiver on a fresh connection; return its whole answer."""
        self.stats.upstream_requests += 1
        up_reader, up_writer = await asyncio.open_connection(self.host, self.upstream_port)
        try:
            up_writer.write(request.head)
            if cut_request:
                up_writer.write(request.body[: len(request.body) // 2])
                await up_writer.drain()
                return b""
            up_writer.write(request.body)
            await up_writer.drain()
            return await up_reader.read()  # Connection: close, so the answer ends at EOF
        finally:
            up_writer.close()
            with contextlib.suppress(ConnectionError):
                await up_writer.wait_closed()


async def read_request(reader: asyncio.StreamReader) -> Request | None:
    """Read one request; rewrite it to `Connection: close` and a plain Content-Length body."""
    try:
        raw_head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    if len(raw_head) > _MAX_HEAD:
        raise ValueError("request head too large")
    lines = raw_head[:-4].split(b"\r\n")
    method, path, _version = lines[0].decode("latin-1").split(" ", 2)
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        name, _, value = line.decode("latin-1").partition(":")
        headers.append((name.strip(), value.strip()))
    lowered = {name.lower(): value for name, value in headers}
    if "chunked" in lowered.get("transfer-encoding", "").lower():
        body = await _read_chunked(reader)
    else:
        body = await reader.readexactly(int(lowered.get("content-length", "0") or "0"))
    kept = [
        (n, v)
        for n, v in headers
        if n.lower() not in {"connection", "keep-alive", "transfer-encoding", "content-length"}
    ]
    kept += [("Content-Length", str(len(body))), ("Connection", "close")]
    head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{n}: {v}\r\n" for n, v in kept) + "\r\n"
    return Request(head=head.encode("latin-1"), body=body, method=method, path=path)


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
        if size == 0:
            await reader.readuntil(b"\r\n")  # the (empty) trailer
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)
