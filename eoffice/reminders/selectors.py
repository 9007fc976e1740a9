"""Reads: who a reminder reaches, a line's reminders, the counts the board and reports show, and the
agencies' automatic reminder schedules."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from eoffice.core.actor import Actor
from eoffice.core.policies import require
from eoffice.core.roles import Role
from eoffice.directory.models import Agency
from eoffice.directory.rights import administers
from eoffice.reminders.models import Reminder, ReminderPolicy
from eoffice.reminders.schedule import DEFAULT_SCHEDULE, Schedule
from eoffice.work.models import AssignmentLine
from eoffice.work.statuses import TargetKind

if TYPE_CHECKING:
    from eoffice.accounts.models import User


def _with_role(role: str, **where: object) -> list[User]:
    users = get_user_model().objects.filter(
        is_active=True, positions__is_active=True, positions__roles__role=role, **where
    )
    return list(users.distinct().order_by("pk"))


def line_recipients(line: AssignmentLine) -> list[User]:
    """The line's person; for a unit line, the unit's heads (processes-and-tasks.md §4.1); for a
    line to a whole agency, its văn thư, who receive such lines."""
    holder = line.assignee_user
    if holder is not None:
        return [holder] if holder.is_active else []
    if line.assignee_unit_id is not None:
        return _with_role(Role.LANH_DAO_DON_VI, positions__unit_id=line.assignee_unit_id)
    if line.target_kind == TargetKind.AGENCY:
        return _with_role(Role.VAN_THU, positions__agency_id=line.assignee_agency_id)
    return []


def holder_unit_heads(line: AssignmentLine) -> list[User]:
    """The heads of the unit(s) the line's person works in, in the line's agency (not the person).
    For someone whose post there has ended, the heads of the unit they left: an overdue line of a
    person who moved on is the very one their unit head must hear of (the board keeps it there)."""
    if line.assignee_user_id is None:
        return []
    posts = line.assignee_user.positions.filter(  # type: ignore[union-attr]
        agency_id=line.assignee_agency_id, unit__isnull=False
    )
    units = list(posts.filter(is_active=True).values_list("unit_id", flat=True))
    units = units or list(posts.order_by("-pk").values_list("unit_id", flat=True)[:1])
    heads = _with_role(Role.LANH_DAO_DON_VI, positions__unit_id__in=units)
    return [user for user in heads if user.pk != line.assignee_user_id]


def reminders_of_line(line: AssignmentLine) -> QuerySet[Reminder]:
    return Reminder.objects.filter(line=line).select_related("sent_by")


def counts_by_line(line_ids: list[int]) -> dict[int, dict[str, int]]:
    """{line_id: {type: count}} for the lines given; lines never chased are absent."""
    rows = Reminder.objects.filter(line_id__in=line_ids).values("line_id", "type").annotate(n=Count("id"))
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        counts[row["line_id"]][row["type"]] = row["n"]
    return dict(counts)


def counts_by_person(
    *, agency_ids: list[int], start: dt.datetime, end: dt.datetime
) -> dict[int, dict[str, int]]:
    """{user_id: {type: count}} of reminders on person lines of these agencies sent in [start, end)."""
    rows = (
        Reminder.objects.filter(agency_id__in=agency_ids, sent_at__gte=start, sent_at__lt=end)
        .exclude(line__assignee_user__isnull=True)
        .values("line__assignee_user_id", "type")
        .annotate(n=Count("id"))
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        counts[row["line__assignee_user_id"]][row["type"]] = row["n"]
    return dict(counts)


def schedule_of(agency: Agency) -> tuple[Schedule, ReminderPolicy | None]:
    """The agency's schedule, and its own policy row (None: it uses the defaults)."""
    policy = ReminderPolicy.objects.filter(agency=agency).first()
    return (as_schedule(policy) if policy is not None else DEFAULT_SCHEDULE), policy


def reminder_policy_of(*, actor: Actor, agency: Agency) -> tuple[Schedule, ReminderPolicy | None]:
    require(administers(actor, agency), _("Chỉ quản trị của cơ quan được xem cấu hình đôn đốc tự động."))
    return schedule_of(agency)


def as_schedule(policy: ReminderPolicy) -> Schedule:
    return Schedule(
        enabled=policy.enabled,
        hours_before=policy.hours_before,
        on_due_day=policy.on_due_day,
        daily_overdue=policy.daily_overdue,
        escalate_after_days=policy.escalate_after_days,
        escalate_to=policy.escalate_to,
    )


def configured_schedules() -> dict[int, Schedule]:
    """{agency_id: schedule} of the agencies that set their own; every other uses the default."""
    return {policy.agency_id: as_schedule(policy) for policy in ReminderPolicy.objects.all()}
