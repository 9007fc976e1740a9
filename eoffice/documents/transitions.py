"""The document status pipeline as data, checked in one place."""

from __future__ import annotations

from eoffice.core.errors import Conflict
from eoffice.documents.models import Document, DocumentStatus

# (status now, action) → status after. Confirming again corrects metadata and keeps the status.
TRANSITIONS: dict[tuple[str, str], str] = {
    (DocumentStatus.RECEIVED, "confirm"): DocumentStatus.CONFIRMED,
    (DocumentStatus.CONFIRMED, "confirm"): DocumentStatus.CONFIRMED,
    (DocumentStatus.REGISTERED, "confirm"): DocumentStatus.REGISTERED,
    (DocumentStatus.CONFIRMED, "register"): DocumentStatus.REGISTERED,
}

_REFUSALS = {
    "register": "Chỉ vào sổ được văn bản đã xác nhận thông tin và chưa vào sổ.",
    "confirm": "Không thể xác nhận thông tin văn bản ở trạng thái này.",
}


def allowed(document: Document, action: str) -> bool:
    return (document.status, action) in TRANSITIONS


def apply_transition(document: Document, action: str) -> None:
    """Set the next status, or refuse with a Conflict naming the current one. The caller saves."""
    target = TRANSITIONS.get((document.status, action))
    if target is None:
        raise Conflict(
            "invalid_transition",
            _REFUSALS.get(action, "Thao tác không hợp lệ ở trạng thái hiện tại."),
            details={"status": document.status, "action": action},
        )
    document.status = target
