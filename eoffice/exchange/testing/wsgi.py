"""The WSGI application a harness installation serves: the project's own, plus two harness paths.

- `/__harness__/ready`: 200 once a gunicorn worker has loaded Django (the readiness probe);
- `/__harness__/echo`: reads the whole POST body and answers its size and SHA-256 — the "plain HTTP
  POST of the same bytes between the same processes" that bench/exchange.py compares the exchange
  with. It exists only in the harness; a production installation never serves it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Any

from config.wsgi import application as eoffice_application
from eoffice.exchange.testing import stacks

# In a gunicorn worker SIGUSR2 is otherwise unused (the master, which uses it, never imports this).
stacks.enable()
PREFIX = "/__harness__/"
StartResponse = Callable[..., Any]


def _json(start_response: StartResponse, status: str, body: dict[str, Any]) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def _echo(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
    remaining = int(environ.get("CONTENT_LENGTH") or 0)
    stream = environ["wsgi.input"]
    digest = hashlib.sha256()
    size = 0
    while remaining > 0:
        chunk = stream.read(min(remaining, 1 << 16))
        if not chunk:
            break
        digest.update(chunk)
        size += len(chunk)
        remaining -= len(chunk)
    return _json(start_response, "200 OK", {"bytes": size, "sha256": digest.hexdigest()})


def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    path = environ.get("PATH_INFO", "")
    if path == PREFIX + "ready":
        return _json(start_response, "200 OK", {"ready": True})
    if path == PREFIX + "echo" and environ.get("REQUEST_METHOD") == "POST":
        return _echo(environ, start_response)
    return eoffice_application(environ, start_response)
