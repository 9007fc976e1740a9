"""Harness functions that look at the exchange as the people using it do, inside one installation.

The sender's clerk reads her document's lines and status timelines through the selectors her
pages use (`exchange.selectors`, `outgoing.amend_selectors.tracks`); the receiver's clerk finds
the received copy and its receipt. A test that wants the real HTTP path signs one of the seeded staff in
(`session_cookie`), makes her a personal API key over HTTP and calls the installation with it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from eoffice.exchange.testing.scenario import _actor


def wait_until(probe: Callable[[], Any], *, timeout: float = 60, every: float = 0.25, what: str = "") -> Any:
    """Call `probe` until it returns something truthy; its last value, or AssertionError naming it."""
    deadline = time.monotonic() + timeout
    value = probe()
    while not value and time.monotonic() < deadline:
        time.sleep(every)
        value = probe()
    assert value, f"timed out after {timeout} s waiting for {what or probe!r}: last {value!r}"
    return value


def _draft(subject: str) -> Any:
    from eoffice.outgoing.models import Draft

    return Draft.objects.filter(versions__subject=subject).distinct().get()


def sender_view(label: str, subject: str) -> dict[str, Any]:
    """What the sender's văn thư sees of the document `subject`: each outbox line (the monitor's
    list and line page: state, attempts, timeline) and each recipient's track on the draft page.

    One snapshot: a status that commits between reading the timelines and the tracks would show
    an answer without its event (a test waiting on one then asserting the other would flake)."""
    from django.db import connection, transaction

    with transaction.atomic():
        if connection.vendor == "postgresql":
            # READ COMMITTED gives each query its own snapshot; SQLite's read transaction is one.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return _sender_view(label, subject)


def _sender_view(label: str, subject: str) -> dict[str, Any]:
    from eoffice.exchange import selectors
    from eoffice.outgoing import amend_selectors

    clerk = _actor(f"vanthu.{label}")
    draft = _draft(subject)
    lines = []
    for line in selectors.lines(clerk).filter(draft=draft).order_by("id"):
        lines.append(
            {
                "id": line.pk,
                "kind": line.kind,
                "business_type": line.business_type,
                "document_key": line.document_key,
                "receiver": line.receiver.code,
                "state": line.state,
                "attempts": line.attempts,
                "last_error": line.last_error,
                "delivery_status": line.delivery.status if line.delivery else None,
                "timeline": [
                    {
                        "code": e.code,
                        "label": e.label,
                        "at": e.occurred_at.timestamp(),
                        "description": e.description,
                        "staff": e.staff,
                    }
                    for e in selectors.timeline(line)
                ],
            }
        )
    tracks = [
        {
            "receiver": t.delivery.agency.code,
            "status": t.status,
            "reason": t.delivery.reason,
            "events": [{"kind": e.kind, "note": e.note} for e in t.events],
            "answers": [
                {"kind": a.amendment.kind, "status": a.status, "reason": a.reason} for a in t.answers
            ],
        }
        for t in amend_selectors.tracks(draft)
    ]
    return {"draft_id": draft.pk, "status": draft.status, "lines": lines, "tracks": tracks}


def received(label: str, subject: str) -> dict[str, Any]:
    """The receiver's copy of `subject` and its receipt, as its văn thư's monitor lists them."""
    from eoffice.documents.models import Document
    from eoffice.exchange import selectors

    clerk = _actor(f"vanthu.{label}")
    document = Document.objects.filter(subject=subject).first()
    receipts = selectors.receipts(clerk).filter(document=document) if document else None
    receipt = receipts.first() if receipts is not None else None
    return {
        "document_id": document.pk if document else None,
        "status": document.status if document else None,
        "receipt_id": receipt.pk if receipt else None,
        "business_type": receipt.business_type if receipt else None,
        "last_status_sent": receipt.last_status_sent if receipt else None,
        "signatures": receipt.signatures if receipt else [],
    }


def session_cookie(username: str) -> str:
    """The session cookie the sign-in page would leave for `username` (a test signs in this way
    rather than through the password form, which these seeded users have no password for)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
