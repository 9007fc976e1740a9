"""The timeline of an item: for every line, who received it and when, when they first opened
it, when they acted, and how long each step took in working hours (on the working calendar)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from eoffice.core.actor import Actor
from eoffice.work import deadlines, overseers, policies
from eoffice.work.models import (
    AssignmentLine,
    ExtensionRequest,
    ExtensionStatus,
    LineEvent,
    Opinion,
    WorkItem,
)
from eoffice.work.statuses import TERMINAL_STATUSES, LineAction, LineStatus, allowed_actions


def hours(value: timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 3600, 2)


@dataclass
class LineRow:
    line: AssignmentLine
    events: list[LineEvent] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    can_recall: bool = False
    # Đôn đốc: may chase the line (the button), may read its reminders (the count links there).
    can_chase: bool = False
    sees_reminders: bool = False
    can_decide: list[ExtensionRequest] = field(default_factory=list)
    # Working time of each step.
    to_receive: timedelta | None = None
    to_open: timedelta | None = None
    to_act: timedelta | None = None
    total: timedelta | None = None
    overdue: bool = False
    late: bool = False

    @property
    def to_receive_text(self) -> str:
        return deadlines.format_duration(self.to_receive)

    @property
    def to_open_text(self) -> str:
        return deadlines.format_duration(self.to_open)

    @property
    def to_act_text(self) -> str:
        return deadlines.format_duration(self.to_act)

    @property
    def total_text(self) -> str:
        return deadlines.format_duration(self.total)

    def as_dict(self) -> dict[str, Any]:
        line = self.line
        return {
            "id": line.pk,
            "parent_id": line.parent_id,
            "depth": line.depth,
            "role": line.role,
            "target_kind": line.target_kind,
            "assignee": line.assignee_label,
            "status": line.status,
            "status_label": str(LineStatus(line.status).label),
            "deadline": line.deadline,
            "assigned_at": line.assigned_at,
            "assigned_by": line.assigned_by.get_full_name() if line.assigned_by else "",
            "received_at": line.received_at,
            "first_opened_at": line.first_opened_at,
            "acted_at": line.acted_at,
            "completed_at": line.completed_at,
            "return_reason": line.return_reason,
            "working_hours": {
                "to_receive": hours(self.to_receive),
                "to_open": hours(self.to_open),
                "to_act": hours(self.to_act),
                "total": hours(self.total),
            },
            "overdue": self.overdue,
            "late": self.late,
            "actions": self.actions,
            "can_recall": self.can_recall,
            "events": [
                {
                    "at": e.at,
                    "action": e.action,
                    "label": e.action_label,
                    "from": e.from_status,
                    "to": e.to_status,
                    "actor": e.actor_name,
                    "note": e.note,
                }
                for e in self.events
            ],
        }


def _row(line: AssignmentLine, events: list[LineEvent], now: datetime) -> LineRow:
    end = line.completed_at or line.returned_at or line.recalled_at
    open_end = end or (now if line.status not in TERMINAL_STATUSES else None)
    row = LineRow(line=line, events=events)
    row.to_receive = deadlines.working_time(line.assigned_at, line.received_at)
    row.to_open = deadlines.working_time(line.assigned_at, line.first_opened_at)
    row.to_act = deadlines.working_time(line.received_at or line.assigned_at, line.acted_at)
    row.total = deadlines.working_time(line.assigned_at, open_end)
    if line.deadline is not None:
        row.late = line.completed_at is not None and line.completed_at > line.deadline
        row.overdue = line.status not in TERMINAL_STATUSES and line.deadline < now
    return row


def timeline(item: WorkItem, actor: Actor | None = None) -> list[LineRow]:
    """Lines in tree order (each line followed by its sub-tree), with events and durations.

    With an actor, each row also says which actions that actor may take on it.
    """
    lines = list(
        AssignmentLine.objects.filter(item=item).select_related(
            "assignee_user", "assignee_unit", "assignee_agency", "assigned_by", "parent", "item"
        )
    )
    events: dict[int, list[LineEvent]] = {}
    for event in LineEvent.objects.filter(item=item).order_by("at", "id"):
        events.setdefault(event.line_id, []).append(event)
    pending: dict[int, list[ExtensionRequest]] = {}
    for request in ExtensionRequest.objects.filter(line__item=item, status=ExtensionStatus.PENDING):
        pending.setdefault(request.line_id, []).append(request)
    now = timezone.now()
    children: dict[int | None, list[AssignmentLine]] = {}
    for line in lines:
        children.setdefault(line.parent_id, []).append(line)
    ordered: list[LineRow] = []
    chaseable = overseers.chaseable(actor, lines) if actor is not None else set()

    def walk(parent_id: int | None) -> None:
        for line in sorted(children.get(parent_id, []), key=lambda x: (x.assigned_at, x.pk)):
            row = _row(line, events.get(line.pk, []), now)
            if actor is not None:
                if policies.holds_line(actor, line):
                    row.actions = [
                        a for a in allowed_actions(line.status, line.role) if a != LineAction.RECALL
                    ]
                assigner = policies.is_assigner_of(actor, line)
                row.can_recall = assigner and LineAction.RECALL in allowed_actions(line.status, line.role)
                row.can_decide = pending.get(line.pk, []) if assigner else []
                row.sees_reminders = line.pk in chaseable or policies.holds_line(actor, line)
                row.can_chase = line.pk in chaseable and line.status not in TERMINAL_STATUSES
            ordered.append(row)
            walk(line.pk)

    walk(None)
    return ordered


def opinions(item: WorkItem) -> list[Opinion]:
    return list(Opinion.objects.filter(item=item).prefetch_related("files").select_related("line"))


def pending_extensions(item: WorkItem) -> list[ExtensionRequest]:
    return list(
        ExtensionRequest.objects.filter(line__item=item, status=ExtensionStatus.PENDING).select_related(
            "line"
        )
    )
