"""/api/v1/reminders: chase a line, list a line's reminders."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from eoffice.core.actor import Actor
from eoffice.core.errors import NotFound
from eoffice.core.policies import require
from eoffice.reminders import selectors, services
from eoffice.reminders.policies import may_remind
from eoffice.work.models import AssignmentLine
from eoffice.work.policies import holds_line

router = Router(tags=["reminders"])


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


class ReminderIn(Schema):
    line_id: int
    type: str
    message: str


class ReminderOut(Schema):
    id: int
    line_id: int
    type: str
    message: str
    ordinal: int
    recipient_ids: list[int]
    sent_by_id: int | None
    sent_at: dt.datetime


def _line(line_id: int) -> AssignmentLine:
    line = (
        AssignmentLine.objects.select_related("assignee_agency", "assignee_user").filter(pk=line_id).first()
    )
    if line is None:
        raise NotFound(_("Không tìm thấy dòng xử lý."))
    return line


@router.post("", response={201: ReminderOut})
def send(request: HttpRequest, payload: ReminderIn) -> Any:
    reminder = services.reminder_send(
        actor=_actor(request), line=_line(payload.line_id), type=payload.type, message=payload.message
    )
    return 201, reminder


@router.get("/lines/{line_id}", response=list[ReminderOut])
def of_line(request: HttpRequest, line_id: int) -> Any:
    actor, line = _actor(request), _line(line_id)
    require(
        may_remind(actor, line) or holds_line(actor, line),
        _("Bạn không được xem đôn đốc của dòng xử lý này."),
    )
    return list(selectors.reminders_of_line(line))
