"""Thu hồi of a registered incoming copy (Điều 18.4.b; PL VI III.8), once its văn thư agreed (15).

A copy that was never registered is simply deleted by the caller. A registered one cannot be: its
arrival number must stay in the register so the numbers have no gaps. It is withdrawn instead:
its unfinished work lines are recalled through the work engine (history kept), its files are
removed from this agency (the content stays with the sender), and it keeps its metadata and
registration with the status "đã thu hồi", out of every queue.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict
from eoffice.core.policies import require
from eoffice.documents import policies
from eoffice.documents.handling import item_of, lock_work_item
from eoffice.documents.models import Document
from eoffice.documents.transitions import allowed, apply_transition
from eoffice.work import engine
from eoffice.work.models import AssignmentLine
from eoffice.work.statuses import UNFINISHED_STATUSES, LineAction

WITHDRAW_NOTE = "Văn bản bị cơ quan ban hành thu hồi"


def _recall_lines(document: Document, actor: Actor) -> list[int]:
    item = item_of(document)
    if item is None:
        return []
    now = timezone.now()
    recalled: list[int] = []
    # Top lines first: recalling one also recalls what hangs below it (engine.after_leaving).
    for line_id in (
        AssignmentLine.objects.filter(item=item, status__in=sorted(UNFINISHED_STATUSES))
        .order_by("level_key", "id")
        .values_list("pk", flat=True)
    ):
        if AssignmentLine.objects.filter(pk=line_id, status__in=sorted(UNFINISHED_STATUSES)).exists():
            line = engine.line_transition(
                line_id=line_id,
                action=LineAction.RECALL,
                actor=actor,
                note=WITHDRAW_NOTE,
                system=True,
                at=now,
            )
            recalled.append(line_id)
            recalled += engine.end_subtree(
                line, action=LineAction.RECALL, actor=actor, note=WITHDRAW_NOTE, at=now
            )
    # The item follows (back to "new" when its top lead was recalled); the document follows it.
    engine.sync_item_status(item, actor=actor, at=now)
    return recalled


@transaction.atomic
def document_withdraw(*, actor: Actor, document: Document, reason: str) -> Document:
    """Withdraw a registered copy the sender recalled; returns it with the status "đã thu hồi"."""
    require(
        policies.is_clerk(actor, document.agency),
        _("Chỉ văn thư của cơ quan nhận mới được trả lời thu hồi."),
    )
    # Lock order everywhere: work item → document.
    lock_work_item(document)
    document = Document.objects.select_for_update().get(pk=document.pk)
    if not allowed(document, "withdraw"):
        raise Conflict("not_withdrawable", _("Văn bản này không ở trạng thái có thể thu hồi."))
    before = document.status
    lines = _recall_lines(document, actor)
    document.refresh_from_db(fields=["status"])
    apply_transition(document, "withdraw")
    document.save(update_fields=["status", "updated_at"])
    files = document.files.count()
    document.files.all().delete()
    audit.record(
        actor=actor,
        verb="document.withdrawn",
        target=document,
        agency_id=document.agency_id,
        data={"from": before, "reason": reason[:500], "lines_recalled": lines, "files_removed": files},
    )
    return document
