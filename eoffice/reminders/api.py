"""/api/v1/reminders: chase a line, list a line's reminders, an agency's automatic reminder schedule."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from eoffice.core.actor import Actor
from eoffice.core.errors import NotFound
from eoffice.core.policies import require
from eoffice.directory.models import Agency
from eoffice.reminders import selectors, services
from eoffice.reminders.models import EscalateTo, ReminderPolicy
from eoffice.reminders.policies import may_remind
from eoffice.reminders.schedule import Schedule
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
    return Status(201, reminder)


@router.get("/lines/{line_id}", response=list[ReminderOut])
def of_line(request: HttpRequest, line_id: int) -> Any:
    actor, line = _actor(request), _line(line_id)
    require(
        may_remind(actor, line) or holds_line(actor, line),
        _("Bạn không được xem đôn đốc của dòng xử lý này."),
    )
    return list(selectors.reminders_of_line(line))


class PolicyIn(Schema):
    enabled: bool = True
    hours_before: int
    on_due_day: bool = True
    daily_overdue: bool = True
    escalate_after_days: int
    escalate_to: str = EscalateTo.BOTH


class PolicyOut(Schema):
    agency_id: int
    is_default: bool
    enabled: bool
    hours_before: int
    on_due_day: bool
    daily_overdue: bool
    escalate_after_days: int
    escalate_to: str
    updated_at: dt.datetime | None


def _agency(agency_id: int) -> Agency:
    agency = Agency.objects.filter(pk=agency_id).first()
    if agency is None:
        raise NotFound(_("Không tìm thấy cơ quan."))
    return agency


def _policy_out(agency: Agency, schedule: Schedule, row: ReminderPolicy | None) -> dict[str, Any]:
    return {
        "agency_id": agency.pk,
        "is_default": row is None,
        **asdict(schedule),
        "updated_at": row.updated_at if row is not None else None,
    }


@router.get("/policies/{agency_id}", response=PolicyOut)
def policy_get(request: HttpRequest, agency_id: int) -> Any:
    agency = _agency(agency_id)
    schedule, row = selectors.reminder_policy_of(actor=_actor(request), agency=agency)
    return _policy_out(agency, schedule, row)


@router.put("/policies/{agency_id}", response=PolicyOut)
def policy_put(request: HttpRequest, agency_id: int, payload: PolicyIn) -> Any:
    agency = _agency(agency_id)
    row = services.reminder_policy_set(
        actor=_actor(request), agency=agency, schedule=Schedule(**payload.dict())
    )
    return _policy_out(agency, selectors.as_schedule(row), row)
