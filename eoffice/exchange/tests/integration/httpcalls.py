"""Plain HTTP calls of the integration tests to an installation's own server (no test client)."""

from __future__ import annotations

import json
import secrets
import string
import urllib.error
import urllib.request
from typing import Any

from eoffice.exchange.testing.installation import Installation


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


def api_key(installation: Installation, username: str) -> str:
    """A personal API key, made over HTTP as its owner makes one on her account page: signed in
    (session), with the CSRF token a browser would send, `POST /api/v1/accounts/tokens`."""
    session = installation.call("watch:session_cookie", username=username)
    csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    headers = {
        "Cookie": f"{session}; csrftoken={csrf}",
        "X-CSRFToken": csrf,
        "Content-Type": "application/json",
        "Accept": "application/json",
    }
    body = json.dumps({"name": f"liên thông {secrets.token_hex(4)}"}).encode()
    status, raw = call(
        f"{installation.url}/api/v1/accounts/tokens", method="POST", body=body, headers=headers
    )
    assert status == 201, raw
    return str(json.loads(raw)["key"])
