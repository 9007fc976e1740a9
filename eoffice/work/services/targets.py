"""Where a new line may go, given who assigns it and from which line.

- Top level (văn thư / leader of the item's agency), a whole-agency line being routed inside the
  receiving agency, or a line held by a leader of the agency: any person or unit of that agency;
  lead and co lines may also go to another agency of this installation (not from inside an
  agency line: that agency routes internally).
- A unit line: the unit head re-assigns within the unit (its people and sub-units).
- A person line held by anyone else (a specialist forwarding): within the holder's unit.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from eoffice.core.actor import Actor
from eoffice.core.errors import ValidationFailed
from eoffice.directory.models import Agency, AgencyStatus, Unit
from eoffice.people.models import Position
from eoffice.work import policies
from eoffice.work.models import AssignmentLine, WorkItem
from eoffice.work.statuses import LineRole, TargetKind


@dataclass(frozen=True)
class Target:
    kind: str
    agency_id: int
    user_id: int | None = None
    unit_id: int | None = None


@dataclass(frozen=True)
class Scope:
    agency_id: int
    # None: the whole agency; otherwise only these units (a unit and its sub-units).
    unit_ids: frozenset[int] | None
    other_agencies: bool


def unit_subtree(unit_id: int) -> frozenset[int]:
    found = {unit_id}
    frontier = [unit_id]
    while frontier:
        children = list(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier = [c for c in children if c not in found]
        found.update(frontier)
    return frozenset(found)


def scope_for(actor: Actor, item: WorkItem, parent: AssignmentLine | None) -> Scope:
    if parent is None:
        return Scope(item.agency_id, None, other_agencies=True)
    if parent.target_kind == TargetKind.AGENCY:
        return Scope(parent.assignee_agency_id, None, other_agencies=False)
    if parent.target_kind == TargetKind.UNIT:
        return Scope(
            parent.assignee_agency_id, unit_subtree(parent.assignee_unit_id or 0), other_agencies=False
        )
    if policies.is_agency_leader(actor, parent.assignee_agency_id):
        return Scope(parent.assignee_agency_id, None, other_agencies=True)
    position = actor.position
    unit_id = position.unit_id if position is not None else None
    units = unit_subtree(unit_id) if unit_id is not None else None
    return Scope(parent.assignee_agency_id, units, other_agencies=False)


def _refuse(message: str, index: int) -> ValidationFailed:
    return ValidationFailed("target_not_allowed", message, field=f"lines[{index}]", details={"index": index})


def resolve(
    *,
    kind: str,
    role: str,
    user_id: int | None,
    unit_id: int | None,
    agency_id: int | None,
    scope: Scope,
    index: int,
) -> Target:
    """Check one requested assignee against the scope; raise a clear refusal otherwise."""
    if kind == TargetKind.PERSON:
        positions = Position.objects.filter(user_id=user_id or 0, agency_id=scope.agency_id, is_active=True)
        if scope.unit_ids is not None:
            positions = positions.filter(unit_id__in=scope.unit_ids)
        if user_id is None or not positions.filter(user__is_active=True).exists():
            raise _refuse(_("Người nhận không thuộc phạm vi bạn được giao việc."), index)
        return Target(kind, scope.agency_id, user_id=user_id)
    if kind == TargetKind.UNIT:
        units = Unit.objects.filter(pk=unit_id or 0, agency_id=scope.agency_id, is_active=True)
        if scope.unit_ids is not None:
            units = units.filter(pk__in=scope.unit_ids)
        if unit_id is None or not units.exists():
            raise _refuse(_("Đơn vị nhận không thuộc phạm vi bạn được giao việc."), index)
        return Target(kind, scope.agency_id, unit_id=unit_id)
    if kind == TargetKind.AGENCY:
        if role == LineRole.INFO:
            raise _refuse(_("Chỉ giao chủ trì hoặc phối hợp cho cơ quan khác."), index)
        if not scope.other_agencies:
            raise _refuse(_("Bạn không được chuyển việc sang cơ quan khác từ dòng xử lý này."), index)
        agency = Agency.objects.filter(pk=agency_id or 0, hosted=True, status=AgencyStatus.ACTIVE).first()
        if agency is None or agency.pk == scope.agency_id:
            raise _refuse(_("Cơ quan nhận phải là một cơ quan khác đang dùng hệ thống."), index)
        return Target(kind, agency.pk)
    raise _refuse(_("Loại người nhận không hợp lệ."), index)
