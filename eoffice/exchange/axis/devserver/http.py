"""The WSGI side of the development axis server: requests, JSON answers, the threaded server."""

from __future__ import annotations

import json
import socketserver
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

StartResponse = Callable[..., Any]


class TooLarge(Exception):
    pass


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    environ: dict[str, Any]
    body: bytes

    @classmethod
    def read(cls, environ: dict[str, Any], *, max_bytes: int) -> Request:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_bytes:
            raise TooLarge(f"body of {length} bytes exceeds {max_bytes}")
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        return cls(
            method=str(environ.get("REQUEST_METHOD", "GET")).upper(),
            path=str(environ.get("PATH_INFO", "/")),
            query=parse_qs(str(environ.get("QUERY_STRING", ""))),
            environ=environ,
            body=body,
        )

    def header(self, name: str) -> str | None:
        key = name.upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            value = self.environ.get(key)
        else:
            value = self.environ.get(f"HTTP_{key}")
        return None if value is None else str(value)

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8") or "null")
        except (UnicodeDecodeError, ValueError):
            return None


@dataclass
class Response:
    status: int
    body: Any
    content_type: str = "application/json; charset=utf-8"

    def __call__(self, start_response: StartResponse) -> Iterable[bytes]:
        payload = (
            self.body
            if isinstance(self.body, bytes)
            else json.dumps(self.body, ensure_ascii=False).encode("utf-8")
        )
        start_response(
            f"{self.status} {_REASONS.get(self.status, 'Status')}",
            [("Content-Type", self.content_type), ("Content-Length", str(len(payload)))],
        )
        return [payload]


_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    413: "Payload Too Large",
    422: "Unprocessable Entity",
    500: "Internal Server Error",
}


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(app: Callable[..., Iterable[bytes]], *, host: str, port: int) -> ThreadingWSGIServer:
    server = make_server(host, port, app, server_class=ThreadingWSGIServer, handler_class=QuietHandler)
    return server
