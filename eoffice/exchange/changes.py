"""Our copy of a document received from another installation, and what its sender asked about it.

- `apply_update`: an accepted update's values and files written onto the copy.
- `require_earliest_update`: updates of one document are answered in the order they came, so the
  sender, which tells its updates apart by order, attributes each answer to the right one.
- `document_notices` (a documents.notices hook): the copy's page says a recall or an update waits
  for the văn thư's answer (with the way to answer it), that the copy was replaced by a later
  document or replaces an earlier one (with a link to the other copy).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy

from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict
from eoffice.core.text import fold
from eoffice.documents.models import Document, DocumentFile, FileRole
from eoffice.documents.notices import Notice
from eoffice.exchange import policies
from eoffice.exchange.incoming import replace_revision
from eoffice.exchange.models import Receipt

ANSWER_LABELS = {"15": _lazy("Đồng ý (15)"), "16": pgettext_lazy("trả lời của nơi nhận", "Từ chối (16)")}


def apply_update(document: Document, values: dict[str, Any]) -> None:
    """Write an update's subject, urgency, due date and new files onto our copy."""
    due = values.get("due_date")
    document.subject = str(values.get("subject") or document.subject)
    document.urgency = str(values.get("urgency") or document.urgency)
    document.due_date = dt.date.fromisoformat(due) if due else None
    parts = (document.number_symbol, document.subject, document.organ_name)
    document.search_text = fold(" ".join(p for p in parts if p))[:4000]
    document.save(update_fields=["subject", "urgency", "due_date", "search_text", "updated_at"])
    have = set(document.files.values_list("stored_file_id", flat=True))
    start = document.files.count()
    added = [f for f in values.get("files", []) if f["stored_file_id"] not in have]
    DocumentFile.objects.bulk_create(
        [
            DocumentFile(
                document=document,
                stored_file_id=f["stored_file_id"],
                role=FileRole.ATTACHMENT,
                file_name=f["name"],
                sort_order=start + i,
            )
            for i, f in enumerate(added)
        ]
    )


def require_earliest_update(receipt: Receipt) -> None:
    earlier = Receipt.objects.filter(
        document_key=receipt.document_key,
        receiver_id=receipt.receiver_id,
        business_type=2,
        last_status_sent="",
        received_at__lt=receipt.received_at,
    ).exists()
    if earlier:
        raise Conflict(
            "earlier_update_pending",
            _("Còn yêu cầu cập nhật trước đó của văn bản này chưa trả lời; hãy trả lời theo thứ tự."),
        )


def _action(receipt: Receipt, clerk: bool, label: str) -> dict[str, str]:
    if not clerk or receipt.last_status_sent:
        return {}
    return {"action_url": reverse("exchange:receipt", args=[receipt.pk]), "action_label": label}


def _reason(receipt: Receipt) -> str:
    return str((receipt.payload or {}).get("reason", ""))


def _requests(document: Document, held: Receipt, clerk: bool) -> list[Notice]:
    notices = []
    for request in Receipt.objects.filter(
        document_key=held.document_key, receiver_id=document.agency_id, business_type__in=(1, 2)
    ).order_by("received_at", "id"):
        answer = str(ANSWER_LABELS.get(request.last_status_sent, ""))
        if request.business_type == 1:
            text = _("Cơ quan ban hành yêu cầu thu hồi văn bản này: %(reason)s")
            label = _("Trả lời yêu cầu thu hồi")
        else:
            text = _("Cơ quan ban hành đã cập nhật thông tin văn bản này: %(reason)s")
            label = _("Xem và trả lời cập nhật")
        notices.append(
            Notice(
                code="recall_request" if request.business_type == 1 else "update_request",
                level="info" if answer else "warning",
                text=(text % {"reason": _reason(request)}) + (f" — {answer}" if answer else ""),
                **_action(request, clerk, label),
            )
        )
    return notices


def _copy_link(receipt: Receipt | None) -> dict[str, str]:
    if receipt is None or receipt.document_id is None:
        return {}
    return {
        "link_url": reverse("documents:detail", args=[receipt.document_id]),
        "link_label": _("Xem văn bản"),
    }


def _replacements(document: Document, held: Receipt, clerk: bool) -> list[Notice]:
    notices = []
    by_later = Receipt.objects.filter(
        receiver_id=document.agency_id, business_type=3, revision=replace_revision(held.document_key)
    )
    for request in by_later.order_by("received_at", "id"):
        later = Receipt.objects.filter(
            document_key=request.document_key, receiver_id=document.agency_id, business_type=3, revision=""
        ).first()
        answer = str(ANSWER_LABELS.get(request.last_status_sent, ""))
        notices.append(
            Notice(
                code="replaced",
                level="danger",
                text=_("Văn bản này đã bị thay thế bởi văn bản %(key)s") % {"key": request.document_key}
                + (f" — {answer}" if answer else ""),
                **_copy_link(later),
                **_action(request, clerk, _("Xác nhận thay thế")),
            )
        )
    if held.business_type == 3:
        for request in Receipt.objects.filter(
            document_key=held.document_key, receiver_id=document.agency_id, business_type=3
        ).exclude(revision=""):
            replaced = str((request.payload or {}).get("replaces", ""))
            earlier = Receipt.objects.filter(
                document_key=replaced, receiver_id=document.agency_id, revision=""
            ).first()
            notices.append(
                Notice(
                    code="replaces",
                    text=_("Văn bản này thay thế văn bản %(key)s") % {"key": replaced},
                    **_copy_link(earlier),
                )
            )
    return notices


def document_notices(actor: Actor, document: Document) -> list[Notice]:
    """What the sender of a copy received through the exchange asked about it (notices hook)."""
    held = Receipt.objects.filter(document=document).first()
    if held is None:
        return []
    clerk = policies.is_clerk(actor, document.agency)
    return _requests(document, held, clerk) + _replacements(document, held, clerk)
