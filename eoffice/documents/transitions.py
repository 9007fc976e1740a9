"""The document status pipeline as data, checked in one place.

Received → confirmed → registered is the văn thư's work. After that the status follows the work
engine (documents.handling.follow_work): "đang xử lý" once a line is assigned, "đã giải quyết
xong" when the top lead line is done, back to "đã vào sổ" if every top line was returned or
recalled before anything was done.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _lazy

from eoffice.core.errors import Conflict
from eoffice.documents.models import Document, DocumentStatus

S = DocumentStatus
# (status now, action) → status after. Confirming again corrects metadata and keeps the status.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.RECEIVED, "confirm"): S.CONFIRMED,
    (S.CONFIRMED, "confirm"): S.CONFIRMED,
    (S.REGISTERED, "confirm"): S.REGISTERED,
    (S.IN_PROGRESS, "confirm"): S.IN_PROGRESS,
    (S.DONE, "confirm"): S.DONE,
    (S.CONFIRMED, "register"): S.REGISTERED,
    # Followed from the work item (never asked for by a person).
    (S.REGISTERED, "work_started"): S.IN_PROGRESS,
    (S.REGISTERED, "work_done"): S.DONE,
    (S.IN_PROGRESS, "work_done"): S.DONE,
    (S.IN_PROGRESS, "work_reset"): S.REGISTERED,
    # The sender's recall, accepted by the văn thư (documents.withdrawal).
    (S.REGISTERED, "withdraw"): S.RECALLED,
    (S.IN_PROGRESS, "withdraw"): S.RECALLED,
    (S.DONE, "withdraw"): S.RECALLED,
}

_REFUSALS = {
    "register": _lazy("Chỉ vào sổ được văn bản đã xác nhận thông tin và chưa vào sổ."),
    "confirm": _lazy("Không thể xác nhận thông tin văn bản ở trạng thái này."),
}


def allowed(document: Document, action: str) -> bool:
    return (document.status, action) in TRANSITIONS


def apply_transition(document: Document, action: str) -> None:
    """Set the next status, or refuse with a Conflict naming the current one. The caller saves."""
    target = TRANSITIONS.get((document.status, action))
    if target is None:
        raise Conflict(
            "invalid_transition",
            str(_REFUSALS.get(action, _lazy("Thao tác không hợp lệ ở trạng thái hiện tại."))),
            details={"status": document.status, "action": action},
        )
    document.status = target
