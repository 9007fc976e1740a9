"""The one place a draft's status changes, against the table in models.DRAFT_TRANSITIONS."""

from __future__ import annotations

from eoffice.core.errors import Conflict
from eoffice.outgoing.models import DRAFT_TRANSITIONS, Draft, DraftStatus


def apply_transition(draft: Draft, to: str) -> None:
    if to not in DRAFT_TRANSITIONS.get(draft.status, set()):
        raise Conflict(
            "bad_transition",
            f"Không thể chuyển dự thảo từ «{DraftStatus(draft.status).label}» "
            f"sang «{DraftStatus(to).label}».",
        )
    draft.status = to
    draft.save(update_fields=["status", "updated_at"])
