"""Plain HTTP calls of the integration tests to an installation's own server (no test client)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any


def call(
    url: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> tuple[int, bytes]:
    """(HTTP status, body) of one request; an HTTP error status is an answer, not an exception."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 — loopback
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def api(base: str, path: str, key: str, *, method: str = "GET", payload: Any = None) -> tuple[int, Any]:
    """A /api/v1 call with a personal API key; the JSON answer."""
    headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
    body = None
    if payload is not None:
        body = json.dumps(payload).encode()
        headers["Content-Type"] = "application/json"
    status, raw = call(f"{base}/api/v1{path}", method=method, body=body, headers=headers)
    return status, json.loads(raw) if raw else None
