"""Brute-force recomputations straight from the raw assignment lines, the people's posts and the
working calendar: what every figure of the board and of the processing times is checked against."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from eoffice.people.models import Position
from eoffice.work.models import AssignmentLine
from eoffice.work.statuses import LineRole
from eoffice.workcalendar.loader import get_calendar

OPEN_STATUSES = {"cho_tiep_nhan", "cho_xu_ly", "dang_xu_ly", "da_chuyen"}


def seconds(start: datetime, end: datetime) -> int:
    return int(get_calendar().working_time_between(start, end).total_seconds()) if end > start else 0


def nearest(values: list[int], fraction: float) -> int | None:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1] if ordered else None


def columns_of(line: Any, now: datetime, window: timedelta) -> list[str]:
    """The board columns one raw line counts in."""
    open_ = line.status in OPEN_STATUSES
    found = []
    if line.status in {"cho_tiep_nhan", "cho_xu_ly"}:
        found.append("waiting")
    if line.status in {"dang_xu_ly", "da_chuyen"}:
        found.append("processing")
    if open_ and line.deadline is not None and now <= line.deadline < now + window:
        found.append("due_soon")
    if open_ and line.deadline is not None and line.deadline < now:
        found.append("overdue")
    if line.status == "hoan_thanh":
        late = line.deadline is not None and line.completed_at > line.deadline
        found.append("late" if late else "on_time")
    if line.status == "tra_lai":
        found.append("returned")
    return found


def expected_figures(lines: list[Any]) -> dict[str, Any]:
    """Processing-time figures of raw lines, durations recomputed on the calendar."""
    done = [line for line in lines if line.status == "hoan_thanh"]
    late = [line for line in done if line.deadline is not None and line.completed_at > line.deadline]
    work = [seconds(line.assigned_at, line.completed_at) for line in done]
    opened = [seconds(line.assigned_at, line.first_opened_at) for line in lines if line.first_opened_at]
    delays = [seconds(line.deadline, line.completed_at) for line in late]
    return {
        "handled": len(done),
        "on_time": len(done) - len(late),
        "late": len(late),
        "on_time_rate": (len(done) - len(late)) / len(done) if done else None,
        "median_seconds": nearest(work, 0.5),
        "p90_seconds": nearest(work, 0.9),
        "open_median_seconds": nearest(opened, 0.5),
        "average_delay_seconds": sum(delays) / len(delays) if delays else None,
    }


def raw_lines(agency_ids: Iterable[int], start: datetime, end: datetime) -> list[AssignmentLine]:
    """The acting lines of the agencies assigned in [start, end)."""
    lines = AssignmentLine.objects.filter(
        role__in=[LineRole.LEAD, LineRole.CO],
        assignee_agency_id__in=list(agency_ids),
        assigned_at__gte=start,
        assigned_at__lt=end,
    )
    return list(lines)


def unit_of(line: AssignmentLine) -> int | None:
    """The unit a line counts for: the unit it was given to, or the unit of the person's post."""
    if line.assignee_unit_id:
        return line.assignee_unit_id
    if line.assignee_user_id is None:
        return None
    posts = Position.objects.filter(
        user_id=line.assignee_user_id, agency_id=line.assignee_agency_id, unit__isnull=False
    ).order_by("-is_primary", "id")
    return posts.values_list("unit_id", flat=True).first()


def expected_board(
    lines: list[AssignmentLine], now: datetime, window: timedelta
) -> dict[str, dict[str, int]]:
    """{row key: {column: count}} as the board names its rows ("all", "unit:…", "person:a:u"),
    without zero counts or empty rows."""
    rows: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for line in lines:
        keys = ["all"]
        if line.assignee_user_id:
            keys.append(f"person:{line.assignee_agency_id}:{line.assignee_user_id}")
        unit = unit_of(line)
        if unit:
            keys.append(f"unit:{unit}")
        for column in columns_of(line, now, window):
            for key in keys:
                rows[key][column] += 1
    return {key: dict(counts) for key, counts in rows.items() if counts}


def board_as_dict(board: Any) -> dict[str, dict[str, int]]:
    """The same shape from a `selectors.Board`."""
    found = {}
    for row in [board.total, *board.units, *board.people]:
        counts = {slug: count for slug, count in row.counts.items() if count}
        if counts:
            found[row.key] = counts
    return found
