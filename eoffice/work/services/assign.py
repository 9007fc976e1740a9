"""Assigning lines: at the top of an item (present, route, assign) or below a line (forward)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, NotFound, ValidationFailed
from eoffice.core.policies import require
from eoffice.work import deadlines, engine, policies
from eoffice.work.models import AssignmentLine, Opinion, OpinionKind, WorkItem, box_key_for
from eoffice.work.services.targets import Target, resolve, scope_for
from eoffice.work.statuses import (
    GONE_STATUSES,
    TERMINAL_STATUSES,
    ItemStatus,
    LineAction,
    LineRole,
    LineStatus,
    TargetKind,
)

MAX_LINES_PER_ASSIGNMENT = 100
MAX_DIRECTION = 4000


@dataclass(frozen=True)
class LineSpec:
    """One line to create. Exactly one of user_id / unit_id / agency_id matches `target_kind`."""

    role: str
    target_kind: str
    user_id: int | None = None
    unit_id: int | None = None
    agency_id: int | None = None
    deadline: deadlines.DeadlineInput = field(default_factory=deadlines.DeadlineInput)
    note: str = ""

    @classmethod
    def person(cls, role: str, user_id: int, **kw: Any) -> LineSpec:
        return cls(role=role, target_kind=TargetKind.PERSON, user_id=user_id, **kw)

    @classmethod
    def unit(cls, role: str, unit_id: int, **kw: Any) -> LineSpec:
        return cls(role=role, target_kind=TargetKind.UNIT, unit_id=unit_id, **kw)

    @classmethod
    def agency(cls, role: str, agency_id: int, **kw: Any) -> LineSpec:
        return cls(role=role, target_kind=TargetKind.AGENCY, agency_id=agency_id, **kw)


def lock_item(item_id: int) -> WorkItem:
    # Every change to an item's tree locks the item row first: one structural change at a time.
    item = WorkItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise NotFound(_("Không tìm thấy việc cần xử lý."))
    return item


def _check_roles(specs: list[LineSpec], live: list[AssignmentLine], parent: AssignmentLine | None) -> None:
    if not specs:
        raise ValidationFailed("no_lines", _("Chưa chọn người hoặc đơn vị nhận."), field="lines")
    if len(specs) > MAX_LINES_PER_ASSIGNMENT:
        raise ValidationFailed(
            "too_many_lines",
            _("Mỗi lần giao tối đa %(max_lines_per_assignment)s dòng.")
            % {"max_lines_per_assignment": MAX_LINES_PER_ASSIGNMENT},
            field="lines",
        )
    for index, spec in enumerate(specs):
        if spec.role not in LineRole.values:
            raise ValidationFailed("invalid_role", _("Vai trò không hợp lệ."), field=f"lines[{index}]")
    if parent is not None and parent.role == LineRole.INFO:
        # What was sent for information is passed on for information only: no work appears below it.
        for index, spec in enumerate(specs):
            if spec.role != LineRole.INFO:
                raise ValidationFailed(
                    "info_forward_only_info",
                    _("Văn bản nhận để biết chỉ được chuyển tiếp để biết, không giao chủ trì hay phối hợp."),
                    field=f"lines[{index}]",
                )
        return
    leads = sum(1 for s in specs if s.role == LineRole.LEAD)
    live_leads = sum(1 for line in live if line.role == LineRole.LEAD)
    if leads > 1 or (leads and live_leads):
        raise ValidationFailed(
            "two_leads", _("Mỗi cấp chỉ có đúng một đơn vị hoặc cá nhân chủ trì."), field="lines"
        )
    if not leads and not live_leads:
        raise ValidationFailed(
            "missing_lead", _("Phải chọn đúng một đơn vị hoặc cá nhân chủ trì."), field="lines"
        )


def _targets(
    actor: Actor,
    item: WorkItem,
    parent: AssignmentLine | None,
    specs: list[LineSpec],
    live: list[AssignmentLine],
) -> list[Target]:
    scope = scope_for(actor, item, parent)
    taken = {line.box_key for line in live}
    if parent is not None:
        taken.add(parent.box_key)
    targets = []
    for index, spec in enumerate(specs):
        target = resolve(
            kind=spec.target_kind,
            role=spec.role,
            user_id=spec.user_id,
            unit_id=spec.unit_id,
            agency_id=spec.agency_id,
            scope=scope,
            index=index,
        )
        key = box_key_for(
            target.kind, user_id=target.user_id, unit_id=target.unit_id, agency_id=target.agency_id
        )
        if key in taken:
            raise ValidationFailed(
                "duplicate_target",
                _("Người hoặc đơn vị này đã nhận việc ở cấp này (hoặc chính là người giao)."),
                field=f"lines[{index}]",
            )
        taken.add(key)
        targets.append(target)
    return targets


def _deadline_for(
    spec: LineSpec, *, item: WorkItem, parent: AssignmentLine | None, now: datetime, index: int
) -> datetime | None:
    if spec.role == LineRole.INFO:
        return None
    if not spec.deadline.given:
        # Forwarding keeps the deadline of the line above; a top-level line takes the item's.
        return parent.deadline if parent is not None else item.deadline
    try:
        value = deadlines.compute(spec.deadline, now=now)
        assert value is not None
        deadlines.validate_new(
            value, arrived_at=item.arrived_at, now=now, parent=parent.deadline if parent is not None else None
        )
    except ValidationFailed as exc:
        exc.details.setdefault("index", index)
        raise
    return value


def assign_lines(
    *,
    item: WorkItem,
    parent: AssignmentLine | None,
    specs: list[LineSpec],
    direction: str,
    actor: Actor,
    event: str = "assign",
) -> list[AssignmentLine]:
    """Create lines under `parent` (or at the top). Caller holds the item lock and checked policy."""
    if item.status == ItemStatus.DONE:
        raise Conflict("item_done", _("Việc này đã hoàn thành, không thể giao thêm."))
    direction = direction.strip()
    if len(direction) > MAX_DIRECTION:
        raise ValidationFailed(
            "direction_too_long",
            _("Ý kiến chỉ đạo tối đa %(max_direction)s ký tự.") % {"max_direction": MAX_DIRECTION},
            field="direction",
        )
    level_key = parent.pk if parent is not None else 0
    live = list(
        AssignmentLine.objects.filter(item=item, level_key=level_key).exclude(
            status__in=sorted(GONE_STATUSES)
        )
    )
    _check_roles(specs, live, parent)
    targets = _targets(actor, item, parent, specs, live)
    now = timezone.now()
    due = [_deadline_for(s, item=item, parent=parent, now=now, index=i) for i, s in enumerate(specs)]
    if parent is not None:
        engine.line_transition(
            line_id=parent.pk, action=LineAction.FORWARD, actor=actor, note=direction, at=now
        )
    created = []
    for spec, target, deadline in zip(specs, targets, due, strict=True):
        line = AssignmentLine(
            item=item,
            parent=parent,
            level_key=level_key,
            depth=parent.depth + 1 if parent is not None else 0,
            kind=item.kind,
            role=spec.role,
            target_kind=target.kind,
            assignee_user_id=target.user_id,
            assignee_unit_id=target.unit_id,
            assignee_agency_id=target.agency_id,
            box_key=box_key_for(
                target.kind, user_id=target.user_id, unit_id=target.unit_id, agency_id=target.agency_id
            ),
            assigned_by=actor.user,
            assigned_on_behalf_of=actor.on_behalf_of,
            assigned_at=now,
            note=spec.note.strip()[:2000],
            status=LineStatus.CHO_TIEP_NHAN,
            deadline=deadline,
        )
        try:
            # A savepoint, so a lost race on "one lead per level" surfaces as a clear error.
            with transaction.atomic():
                line.save(force_insert=True)
        except IntegrityError as exc:
            raise Conflict("two_leads", _("Mỗi cấp chỉ có đúng một đơn vị hoặc cá nhân chủ trì.")) from exc
        engine.record_event(line=line, action=event, actor=actor, note=spec.note or direction, at=now)
        created.append(line)
    if direction:
        Opinion.objects.create(
            item=item,
            line=parent,
            kind=OpinionKind.DIRECTION,
            text=direction,
            author=actor.user,
            on_behalf_of=actor.on_behalf_of,
            author_name=engine.actor_name(actor),
            created_at=now,
        )
        if parent is None or parent.level_key == 0:
            # The item's direction is the leadership's (bút phê): given at the top or by the holder
            # of the top line. Directions further down stay with their line as opinions.
            item.direction = direction
            item.save(update_fields=["direction"])
    engine.sync_item_status(item, actor=actor, at=now)
    return created


def describe_lines(lines: list[AssignmentLine]) -> list[dict[str, Any]]:
    return [
        {
            "id": line.pk,
            "role": line.role,
            "target": line.box_key,
            "deadline": line.deadline.isoformat() if line.deadline else None,
        }
        for line in lines
    ]


@transaction.atomic
def lines_assign(
    *, item: WorkItem, specs: list[LineSpec], direction: str = "", actor: Actor
) -> list[AssignmentLine]:
    """Top-level assignment by the văn thư or a leader of the item's agency."""
    item = lock_item(item.pk)
    require(
        policies.manages_item(actor, item), _("Chỉ văn thư hoặc lãnh đạo cơ quan được phân xử lý việc này.")
    )
    lines = assign_lines(item=item, parent=None, specs=specs, direction=direction, actor=actor)
    audit.record(
        actor=actor,
        verb="work.lines_assigned",
        target=item,
        agency_id=item.agency_id,
        data={"parent": None, "lines": describe_lines(lines), "direction": direction},
    )
    return lines


@transaction.atomic
def line_forward(
    *, line: AssignmentLine, specs: list[LineSpec], direction: str = "", actor: Actor
) -> list[AssignmentLine]:
    """The holder of a line hands (part of) it on: a unit head to the unit's people, a specialist
    to a colleague, a leader to units. The line becomes "đã chuyển". A "nhận để biết" line is
    passed on for information only (a unit head letting the unit's staff know)."""
    item = lock_item(line.item_id)
    parent = AssignmentLine.objects.select_related("item").get(pk=line.pk)
    require(policies.holds_line(actor, parent), _("Bạn không giữ dòng xử lý này."))
    if parent.status in TERMINAL_STATUSES:
        raise engine.refusal(parent, LineAction.FORWARD)
    lines = assign_lines(item=item, parent=parent, specs=specs, direction=direction, actor=actor)
    audit.record(
        actor=actor,
        verb="work.line_forwarded",
        target=item,
        agency_id=parent.assignee_agency_id,
        data={"parent": parent.pk, "lines": describe_lines(lines), "direction": direction},
    )
    return lines


def deadline_input(
    *, at: datetime | None = None, on: date | None = None, working_days: int | None = None
) -> deadlines.DeadlineInput:
    given = sum(value is not None for value in (at, on, working_days))
    if given > 1:
        raise ValidationFailed("ambiguous_deadline", _("Chỉ nhập một cách tính hạn xử lý."), field="deadline")
    return deadlines.DeadlineInput(at=at, on=on, working_days=working_days)
