"""Reads about the demo province: whether it exists, and what else already fills the directory."""

from __future__ import annotations

from collections.abc import Iterable

from eoffice.accounts.models import User
from eoffice.core.models import AuditEvent
from eoffice.directory.models import Agency

DEMO_BUILT_VERB = "demo.built"


def demo_built_event() -> AuditEvent | None:
    """The audit event written when the demo was built; its presence is what marks a demo database."""
    return AuditEvent.objects.filter(verb=DEMO_BUILT_VERB).order_by("-seq").first()


def agency_count() -> int:
    return Agency.objects.count()


def existing_usernames(usernames: Iterable[str], *, limit: int = 5) -> list[str]:
    """Which of `usernames` already exist (at most `limit`, for the error message)."""
    wanted = list(usernames)
    found: list[str] = []
    # Chunked so the IN list stays under SQLite's bound-parameter limit at any scale.
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        found.extend(User.objects.filter(username__in=chunk).values_list("username", flat=True)[:limit])
        if len(found) >= limit:
            break
    return sorted(found)[:limit]
