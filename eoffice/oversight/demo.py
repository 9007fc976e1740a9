"""Demo handling lines for the board: a realistic spread over the last months in every hosted
agency that has a leader and specialists — done on time, done late, overdue, due soon, returned,
waiting. Written straight to the tables with past timestamps (the engine's services stamp "now"),
then given their facts by the same function the engine's observer calls."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.models import AuditEvent
from eoffice.core.roles import Role
from eoffice.oversight import facts
from eoffice.people.models import Position
from eoffice.work.models import AssignmentLine, LineEvent, WorkItem, box_key_for
from eoffice.work.statuses import ItemKind, ItemStatus, LineRole, LineStatus, TargetKind, Urgency

DEMO_VERB = "oversight.demo_built"
SUBJECTS = [
    "Về việc báo cáo kết quả cải cách hành chính quý",
    "Về việc triển khai kế hoạch chuyển đổi số",
    "Về việc rà soát biên chế công chức",
    "Về việc tổng hợp số liệu thi đua khen thưởng",
    "Về việc chuẩn bị nội dung họp giao ban",
    "Về việc góp ý dự thảo quy chế làm việc",
    "Về việc kiểm tra công tác phòng chống thiên tai",
    "Về việc quyết toán ngân sách năm",
]
# (share, what happens to the specialist's line)
SPREAD = [
    (50, "on_time"), (15, "late"), (10, "overdue"), (6, "due_soon"), (7, "processing"), (5, "returned"),
    (7, "waiting"),
]  # fmt: skip


@dataclass
class _Staff:
    leader: Position
    specialists: list[Position]


def demo_built() -> bool:
    return AuditEvent.objects.filter(verb=DEMO_VERB).exists()


def _staff() -> dict[int, _Staff]:
    by_agency: dict[int, dict[str, list[Position]]] = defaultdict(lambda: defaultdict(list))
    positions = Position.objects.filter(is_active=True, agency__hosted=True).prefetch_related("roles")
    for position in positions.order_by("agency_id", "id"):
        for role in position.role_set:
            by_agency[position.agency_id][role].append(position)
    found = {}
    for agency_id, roles in by_agency.items():
        specialists = [p for p in roles[Role.CHUYEN_VIEN] if p.unit_id]
        if roles[Role.LANH_DAO_CO_QUAN] and specialists:
            found[agency_id] = _Staff(roles[Role.LANH_DAO_CO_QUAN][0], specialists)
    return found


def _line(
    item: WorkItem, position: Position, *, parent: AssignmentLine | None, role: str, at: datetime
) -> AssignmentLine:
    return AssignmentLine(
        item=item,
        parent=parent,
        level_key=parent.pk if parent else 0,
        depth=parent.depth + 1 if parent else 0,
        kind=item.kind,
        role=role,
        target_kind=TargetKind.PERSON,
        assignee_user_id=position.user_id,
        assignee_agency_id=position.agency_id,
        box_key=box_key_for(
            TargetKind.PERSON, user_id=position.user_id, unit_id=None, agency_id=position.agency_id
        ),
        assigned_at=at,
        received_at=at + timedelta(minutes=20),
        first_opened_at=at + timedelta(minutes=20),
    )


def _finish(line: AssignmentLine, fate: str, *, now: datetime, rng: random.Random) -> None:
    """Set the specialist's line to its fate, deadline and stamps included."""
    start = line.assigned_at
    if fate == "overdue":
        line.deadline = now - timedelta(days=rng.randint(1, 10))
        line.status = LineStatus.DANG_XU_LY
    elif fate == "due_soon":
        line.deadline = now + timedelta(hours=rng.randint(2, 20))
        line.status = LineStatus.DANG_XU_LY
    else:
        line.deadline = start + timedelta(days=rng.randint(3, 10))
        line.status = {
            "on_time": LineStatus.HOAN_THANH,
            "late": LineStatus.HOAN_THANH,
            "processing": LineStatus.DANG_XU_LY,
            "returned": LineStatus.TRA_LAI,
            "waiting": LineStatus.CHO_TIEP_NHAN,
        }[fate]
    if fate == "waiting":
        line.received_at = line.first_opened_at = None
        line.deadline = max(line.deadline, now + timedelta(days=2))
    if fate == "on_time":
        line.completed_at = start + (line.deadline - start) * rng.uniform(0.2, 0.9)
    if fate == "late":
        line.completed_at = min(line.deadline + timedelta(hours=rng.randint(4, 96)), now)
    if fate == "returned":
        line.returned_at = start + timedelta(hours=rng.randint(1, 30))
        line.return_reason = "Không thuộc lĩnh vực được giao"
    line.acted_at = line.completed_at or line.returned_at


def _item(agency_id: int, staff: _Staff, *, now: datetime, rng: random.Random) -> list[AssignmentLine]:
    arrived = now - timedelta(days=rng.randint(1, 120), hours=rng.randint(0, 8))
    fate = rng.choices([f for _, f in SPREAD], [w for w, _ in SPREAD])[0]
    if fate in ("overdue", "due_soon", "waiting"):
        arrived = now - timedelta(days=rng.randint(1, 12))
    item = WorkItem.objects.create(
        agency_id=agency_id,
        kind=ItemKind.INCOMING_DOCUMENT,
        title=rng.choice(SUBJECTS),
        reference=f"{rng.randint(1, 999):02d}/UBND-VP",
        arrived_at=arrived,
        urgency=rng.choice([Urgency.NORMAL] * 6 + [Urgency.KHAN]),
        status=ItemStatus.IN_PROGRESS,
    )
    item.refresh_search_text()
    top = _line(item, staff.leader, parent=None, role=LineRole.LEAD, at=arrived + timedelta(hours=1))
    top.status, top.acted_at = LineStatus.DA_CHUYEN, top.assigned_at + timedelta(hours=1)
    top.save()
    specialist, *others = rng.sample(staff.specialists, min(2, len(staff.specialists)))
    below = _line(item, specialist, parent=top, role=LineRole.LEAD, at=top.acted_at)
    _finish(below, fate, now=now, rng=rng)
    below.save()
    created = [top, below]
    if others and rng.random() < 0.3:
        co = _line(item, others[0], parent=top, role=LineRole.CO, at=top.acted_at)
        co.deadline = below.deadline
        co.status = LineStatus.HOAN_THANH if below.status == LineStatus.HOAN_THANH else LineStatus.DANG_XU_LY
        co.completed_at = below.completed_at
        co.save()
        created.append(co)
    if below.status == LineStatus.HOAN_THANH:
        top.status, top.completed_at = LineStatus.HOAN_THANH, below.completed_at
        top.save(update_fields=["status", "completed_at"])
        item.status, item.done_at = ItemStatus.DONE, below.completed_at
    elif below.status == LineStatus.TRA_LAI:
        top.status = LineStatus.DANG_XU_LY
        top.save(update_fields=["status"])
    item.save()
    return created


@transaction.atomic
def demo_lines_build(*, per_agency: int, seed: int, actor: Actor) -> int:
    """Handling lines for every hosted agency with a leader and specialists. Returns the count."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    now = timezone.now()
    lines: list[AssignmentLine] = []
    for agency_id, staff in sorted(_staff().items()):
        for _ in range(per_agency):
            lines += _item(agency_id, staff, now=now, rng=rng)
    LineEvent.objects.bulk_create(
        [
            LineEvent(
                item_id=line.item_id,
                line=line,
                at=line.assigned_at,
                action="assign",
                to_status=line.status,
                actor_name="Dữ liệu mẫu",
            )
            for line in lines
        ],
        batch_size=2000,
    )
    for line in lines:
        facts.line_changed(line)
    audit.record(
        actor=actor, verb=DEMO_VERB, data={"lines": len(lines), "per_agency": per_agency, "seed": seed}
    )
    return len(lines)
