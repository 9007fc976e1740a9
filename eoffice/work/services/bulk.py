"""Bulk actions from a work box: each line is its own transaction, and the result says per line
whether it worked and why not (a box of 40 lines is not refused because one was recalled meanwhile)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from eoffice.core.actor import Actor
from eoffice.core.errors import DomainError, ValidationFailed
from eoffice.core.rowids import row_ids
from eoffice.work.models import AssignmentLine
from eoffice.work.services.lines import line_complete, line_receive, line_start
from eoffice.work.statuses import LineAction

BULK_ACTIONS = {
    LineAction.RECEIVE: line_receive,
    LineAction.START: line_start,
    LineAction.COMPLETE: line_complete,
}
MAX_BULK = 200


@dataclass(frozen=True)
class BulkOutcome:
    line_id: int
    ok: bool
    code: str = ""
    message: str = ""


def lines_bulk(*, action: str, line_ids: list[int], actor: Actor) -> list[BulkOutcome]:
    if action not in BULK_ACTIONS:
        raise ValidationFailed("invalid_action", _("Thao tác hàng loạt không hợp lệ."), field="action")
    ids = list(dict.fromkeys(line_ids))
    if not ids:
        raise ValidationFailed("no_lines", _("Chưa chọn dòng nào."), field="line_ids")
    if len(ids) > MAX_BULK:
        raise ValidationFailed(
            "too_many_lines",
            _("Mỗi lần tối đa %(max_bulk)s dòng.") % {"max_bulk": MAX_BULK},
            field="line_ids",
        )
    service = BULK_ACTIONS[LineAction(action)]
    lines = AssignmentLine.objects.in_bulk(row_ids(ids))  # a forged 25-digit id is "not found"
    outcomes = []
    for line_id in ids:
        line = lines.get(line_id)
        if line is None:
            outcomes.append(BulkOutcome(line_id, False, "not_found", _("Không tìm thấy dòng xử lý.")))
            continue
        try:
            service(line=line, actor=actor)
        except DomainError as exc:
            outcomes.append(BulkOutcome(line_id, False, exc.code, exc.message))
        else:
            outcomes.append(BulkOutcome(line_id, True))
    return outcomes
