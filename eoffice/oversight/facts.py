"""Keeping each line's fact row exact: called by the work engine inside the line's transaction."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from eoffice.documents.models import Document
from eoffice.outgoing.models import Draft
from eoffice.oversight import rollup
from eoffice.oversight.models import LineFact, Outcome
from eoffice.people.models import Position
from eoffice.work.models import AssignmentLine, WorkItem
from eoffice.work.statuses import LineRole, LineStatus, TargetKind
from eoffice.workcalendar.loader import get_calendar

ACTING_ROLES = frozenset({LineRole.LEAD, LineRole.CO})
_OUTCOME_OF_STATUS = {
    LineStatus.CHO_TIEP_NHAN: Outcome.WAITING,
    LineStatus.CHO_XU_LY: Outcome.WAITING,
    LineStatus.DANG_XU_LY: Outcome.PROCESSING,
    LineStatus.DA_CHUYEN: Outcome.PROCESSING,
    LineStatus.TRA_LAI: Outcome.RETURNED,
    LineStatus.THU_HOI: Outcome.RECALLED,
}


def outcome_of(status: str, deadline: datetime | None, completed_at: datetime | None) -> str:
    if status == LineStatus.HOAN_THANH:
        late = deadline is not None and completed_at is not None and completed_at > deadline
        return Outcome.LATE if late else Outcome.ON_TIME
    return _OUTCOME_OF_STATUS[LineStatus(status)]


def working_seconds(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None:
        return None
    if end <= start:
        return 0
    return int(get_calendar().working_time_between(start, end).total_seconds())


def unit_of(line: AssignmentLine) -> int | None:
    if line.target_kind == TargetKind.UNIT:
        return line.assignee_unit_id
    if line.target_kind != TargetKind.PERSON or line.assignee_user_id is None:
        return None
    units = Position.objects.filter(
        user_id=line.assignee_user_id, agency_id=line.assignee_agency_id, is_active=True, unit__isnull=False
    ).order_by("-is_primary", "id")
    return units.values_list("unit_id", flat=True).first()


def lines_of_unit(unit_id: int) -> Q:
    """The lines counted for a unit, for `work.overseers`: its head opens what the board shows."""
    return Q(pk__in=LineFact.objects.filter(unit_id=unit_id).values("line_id"))


def document_type_of(item: WorkItem) -> int | None:
    if item.subject_id is None:
        return None
    if item.subject_type == "documents.document":
        return Document.objects.filter(pk=item.subject_id).values_list("document_type_id", flat=True).first()
    if item.subject_type == "outgoing.draft":
        found = Draft.objects.filter(pk=item.subject_id).values_list(
            "current_version__document_type_id", flat=True
        )
        return found.first()
    return None


def line_changed(line: AssignmentLine) -> None:
    """Create or update the fact of `line`, and the rollups with it (the engine's observer)."""
    write_fact(line, keep_rollups=True)


def write_fact(line: AssignmentLine, *, keep_rollups: bool) -> None:
    """Create or update the fact of `line`. Durations are measured when their end is first seen
    (or moves, as a deadline extension does), never again on a later event."""
    if line.role not in ACTING_ROLES:
        return
    fact = LineFact.objects.filter(pk=line.pk).first()
    before = rollup.contribution(fact) if keep_rollups else {}
    if fact is None:
        item = WorkItem.objects.get(pk=line.item_id)
        fact = LineFact(
            line_id=line.pk,
            item_id=line.item_id,
            agency_id=line.assignee_agency_id,
            unit_id=unit_of(line),
            user_id=line.assignee_user_id,
            kind=line.kind,
            urgency=item.urgency,
            document_type_id=document_type_of(item),
            assigned_at=line.assigned_at,
        )
    if fact.first_opened_at != line.first_opened_at or (line.first_opened_at and fact.open_seconds is None):
        fact.first_opened_at = line.first_opened_at
        fact.open_seconds = working_seconds(line.assigned_at, line.first_opened_at)
    finished = line.completed_at if line.status == LineStatus.HOAN_THANH else None
    outcome = outcome_of(line.status, line.deadline, finished)
    if fact.completed_at != finished or fact.deadline != line.deadline or fact.work_seconds is None:
        fact.completed_at = finished
        fact.deadline = line.deadline
        fact.work_seconds = working_seconds(line.assigned_at, finished)
        late = outcome == Outcome.LATE
        fact.late_seconds = working_seconds(line.deadline, finished) if late else None
    fact.outcome = outcome
    fact.save()
    if keep_rollups:
        rollup.apply(before, rollup.contribution(fact))


def refresh_all(batch: int = 2000) -> int:
    """Write the fact of every acting line (after an upgrade, or for data loaded around the engine),
    then rebuild the rollups from the facts in one pass."""
    done = 0
    lines = AssignmentLine.objects.filter(role__in=sorted(ACTING_ROLES)).order_by("pk")
    for line in lines.iterator(chunk_size=batch):
        write_fact(line, keep_rollups=False)
        done += 1
    rollup.rebuild()
    return done
