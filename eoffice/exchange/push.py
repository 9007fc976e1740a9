"""HTTP push to a peer installation: POST the signed package to `<base_url>/exchange/inbox/`.

The peer answers at once: 200 with status 01 (arrived — also for a package it already had), or
422 with status 02 and the precise reason (a final refusal). Anything else — a timeout, a cut
connection, 5xx, 401 while the peer lacks our certificate — is retried by the worker.
"""

from __future__ import annotations

import threading
import weakref

import requests
from django.conf import settings

from eoffice.exchange import keys, packages
from eoffice.exchange.models import OutboxLine
from eoffice.exchange.worker import Outcome

INBOX_PATH = "/exchange/inbox/"
_local = threading.local()
_sessions: weakref.WeakSet[requests.Session] = weakref.WeakSet()


def _session() -> requests.Session:
    # One keep-alive session per worker thread: a TLS/TCP handshake per package would dominate.
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = requests.Session()
        _sessions.add(session)
    return session


def close_sessions() -> None:
    """Close every thread's kept-alive connections; a thread's next send opens new ones. (A test's
    end: each open connection holds a live-server thread that must end before the server does.)"""
    for session in list(_sessions):
        session.close()


def inbox_url(base_url: str) -> tuple[str, str]:
    base = base_url.rstrip("/")
    path = requests.utils.urlparse(base).path + INBOX_PATH
    return base + INBOX_PATH, path


def send(line: OutboxLine) -> Outcome:
    if line.peer is None or not line.peer.is_active:
        return Outcome.retry("Chưa có hệ thống liên thông đang kết nối cho cơ quan nhận.")
    url, path = inbox_url(line.peer.base_url)
    timeout = float(getattr(settings, "EXCHANGE_HTTP_TIMEOUT_SECONDS", 60))
    with packages.package_file(line) as package, package.open("rb") as body:
        headers = keys.signed_headers("POST", path, keys.digest_of_file(body))
        headers["Content-Type"] = "application/xml"
        headers[packages.HEADER_RECEIVER] = line.receiver.code
        body.seek(0)
        try:
            # The file itself: requests sends it in blocks with its Content-Length.
            response = _session().post(url, data=body, headers=headers, timeout=(5, timeout))
        except requests.RequestException as exc:
            return Outcome.retry(f"{type(exc).__name__}: {exc}"[:1000])
    return outcome_of(response)


def outcome_of(response: requests.Response) -> Outcome:
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    if not isinstance(answer, dict):
        answer = {}
    message = str(answer.get("message", ""))[:1000]
    if response.status_code == 200 and answer.get("status_code") == "01":
        return Outcome.delivered(message)
    if response.status_code == 422 and answer.get("status_code") == "02":
        code = str(answer.get("code", ""))
        return Outcome.rejected(f"{message} [{code}]" if code else message)
    return Outcome.retry(f"HTTP {response.status_code}: {message or response.text[:300]}")
