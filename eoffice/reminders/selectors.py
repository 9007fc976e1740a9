"""Reads: who a reminder reaches, a line's reminders, and the counts the board and reports show."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Count, QuerySet

from eoffice.core.roles import Role
from eoffice.reminders.models import Reminder
from eoffice.work.models import AssignmentLine

if TYPE_CHECKING:
    from eoffice.accounts.models import User


def line_recipients(line: AssignmentLine) -> list[User]:
    """The line's person; for a unit line, the unit's heads (processes-and-tasks.md §4.1)."""
    holder = line.assignee_user
    if holder is not None:
        return [holder] if holder.is_active else []
    if line.assignee_unit_id is None:
        return []
    users = get_user_model().objects.filter(
        is_active=True,
        positions__unit_id=line.assignee_unit_id,
        positions__is_active=True,
        positions__roles__role=Role.LANH_DAO_DON_VI,
    )
    return list(users.distinct().order_by("pk"))


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
