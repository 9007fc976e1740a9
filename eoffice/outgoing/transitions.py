"""The one place a draft's status changes, against the table in models.DRAFT_TRANSITIONS."""

from __future__ import annotations

from django.utils.translation import gettext as _

from eoffice.core.errors import Conflict
from eoffice.outgoing.models import DRAFT_TRANSITIONS, Draft, DraftStatus


def apply_transition(draft: Draft, to: str) -> None:
    if to not in DRAFT_TRANSITIONS.get(draft.status, set()):
        raise Conflict(
            "bad_transition",
            _("Không thể chuyển dự thảo từ «%(from_status)s» sang «%(to_status)s».")
            % {"from_status": DraftStatus(draft.status).label, "to_status": DraftStatus(to).label},
        )
    draft.status = to
    draft.save(update_fields=["status", "updated_at"])
