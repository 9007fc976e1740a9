"""The fault proxy on real sockets, in front of a small real HTTP server that counts what it gets."""

from __future__ import annotations

import hashlib
import http.client
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from eoffice.exchange.testing.installation import free_port
from eoffice.exchange.testing.proxy import FaultProxy, Rule

pytestmark = pytest.mark.integration


class Upstream(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.bodies: list[bytes] = []
        self.lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    server: Upstream

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        with self.server.lock:
            self.server.bodies.append(body)
        answer = hashlib.sha256(body).hexdigest().encode() * 20  # long enough to be cut in half
        self.send_response(200)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    server = Upstream(free_port())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def proxy(upstream: Upstream) -> Iterator[FaultProxy]:
    with FaultProxy(
        listen_port=free_port({upstream.server_address[1]}), upstream_port=upstream.server_address[1]
    ) as p:
        yield p


def post(
    proxy: FaultProxy, body: bytes, path: str = "/exchange/inbox/", timeout: float = 10
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", proxy.listen_port, timeout=timeout)
    try:
        conn.request("POST", path, body=body, headers={"Content-Type": "application/octet-stream"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


BODY = b"<edXML>" + b"x" * 200_000 + b"</edXML>"
EXPECTED = hashlib.sha256(BODY).hexdigest().encode() * 20


def test_pass_forwards_the_whole_body_and_answer(proxy: FaultProxy, upstream: Upstream) -> None:
    assert post(proxy, BODY) == (200, EXPECTED)
    assert upstream.bodies == [BODY]


def test_chunked_request_bodies_are_forwarded_whole(proxy: FaultProxy, upstream: Upstream) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", proxy.listen_port, timeout=10)
    conn.request("POST", "/exchange/inbox/", body=iter([BODY[:1000], BODY[1000:]]), encode_chunked=True)
    assert conn.getresponse().read() == EXPECTED
    assert upstream.bodies == [BODY]


def test_error500_answers_without_forwarding(proxy: FaultProxy, upstream: Upstream) -> None:
    proxy.set_mode("error500", times=2)
    assert post(proxy, BODY)[0] == 500
    assert post(proxy, BODY)[0] == 500
    assert post(proxy, BODY) == (200, EXPECTED)  # `times` used up: passing again
    assert upstream.bodies == [BODY]
    assert proxy.stats.applied["error500"] == 2


def test_stop_refuses_connections_until_another_mode(proxy: FaultProxy, upstream: Upstream) -> None:
    proxy.set_mode("stop")
    with pytest.raises(ConnectionRefusedError):
        post(proxy, BODY)
    proxy.set_mode("pass")
    assert post(proxy, BODY)[0] == 200
    assert upstream.bodies == [BODY]


def test_slow_delays_the_request(proxy: FaultProxy, upstream: Upstream) -> None:
    proxy.set_mode("slow", delay=1.0, times=1)
    started = time.monotonic()
    assert post(proxy, BODY)[0] == 200
    assert time.monotonic() - started >= 1.0
    # A sender that gives up first still got its request to the receiver, late.
    proxy.set_mode("slow", delay=1.5, times=1)
    with pytest.raises(TimeoutError):
        post(proxy, BODY, timeout=0.5)
    deadline = time.monotonic() + 5
    while len(upstream.bodies) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert upstream.bodies == [BODY, BODY]


def test_cut_request_gives_the_receiver_half_a_body(proxy: FaultProxy, upstream: Upstream) -> None:
    proxy.set_mode("cut_request", times=1)
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        post(proxy, BODY)
    time.sleep(0.3)
    assert upstream.bodies in ([], [BODY[: len(BODY) // 2]])  # the server may drop a short read
    assert BODY not in upstream.bodies


def test_cut_response_delivers_but_breaks_the_answer(proxy: FaultProxy, upstream: Upstream) -> None:
    proxy.set_mode("cut_response", times=1)
    with pytest.raises(http.client.IncompleteRead):
        post(proxy, BODY)
    assert upstream.bodies == [BODY]  # the receiver got everything and may have committed


def test_duplicate_sends_the_same_request_twice(proxy: FaultProxy, upstream: Upstream) -> None:
    proxy.set_mode("duplicate", times=1)
    assert post(proxy, BODY) == (200, EXPECTED)
    assert upstream.bodies == [BODY, BODY]


def test_path_prefix_limits_the_fault(proxy: FaultProxy, upstream: Upstream) -> None:
    proxy.set_mode("error500", path_prefix="/exchange/")
    assert post(proxy, BODY, path="/__harness__/echo")[0] == 200
    assert post(proxy, BODY, path="/exchange/inbox/")[0] == 500


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown proxy mode"):
        Rule(mode="explode")
