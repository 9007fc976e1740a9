"""Reads about the demo province: whether it exists, what else already fills the directory, and
what its signing kit finds already in place."""

from __future__ import annotations

from collections.abc import Iterable

from eoffice.accounts.models import User
from eoffice.core.models import AuditEvent
from eoffice.directory.models import Agency
from eoffice.outgoing.models import ApprovalChain
from eoffice.people.models import Position, Role
from eoffice.signing.models import AgencySeal, SignatureImage

DEMO_BUILT_VERB = "demo.built"
SIGNING_READY_VERB = "demo.signing_ready"


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


def demo_signing_event() -> AuditEvent | None:
    """The latest signing kit's event: its data names the kit's files (never its password)."""
    return AuditEvent.objects.filter(verb=SIGNING_READY_VERB).order_by("-seq").first()


def primary_posts(usernames: Iterable[str]) -> dict[str, Position]:
    """The active primary post of each of `usernames` that has one, by username."""
    posts = (
        Position.objects.filter(user__username__in=list(usernames), is_primary=True, is_active=True)
        .select_related("user", "agency__parent")
        .prefetch_related("roles")
    )
    return {post.user.username: post for post in posts}


def agency_leader_posts(agency: Agency) -> list[Position]:
    """The agency's head and deputies (lãnh đạo cơ quan) in their primary posts, head first."""
    posts = (
        Position.objects.filter(
            agency=agency, is_primary=True, is_active=True, roles__role=Role.LANH_DAO_CO_QUAN
        )
        .select_related("user", "agency")
        .prefetch_related("roles")
        .order_by("user__username")
    )
    return list(posts)


def has_signature_image(user_id: int) -> bool:
    return SignatureImage.objects.filter(user_id=user_id).exists()


def has_seal(agency: Agency) -> bool:
    return AgencySeal.objects.filter(agency=agency).exists()


def has_approval_chain(agency: Agency) -> bool:
    return ApprovalChain.objects.filter(agency=agency).exists()
